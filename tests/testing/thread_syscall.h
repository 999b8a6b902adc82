// File: tests/testing/thread_syscall.h
//
// What a thread is blocked in, from /proc/<pid>/task/<tid>/syscall: lets a
// test wait until another thread (or a child process) has reached a point it
// cannot report itself, e.g. a listener blocked in read(2) or an HTTP probe
// pausing (nanosleep) after a refused connection.
//
// Example:
//
//   ASSERT_THAT(WaitFor([&] { return AnyThreadInSyscall(child, {SYS_clock_nanosleep}); },
//                       kWaitTimeout, "httpok pausing after a refused connection"),
//               IsOk());

#ifndef SVL_TESTS_TESTING_THREAD_SYSCALL_H_
#define SVL_TESTS_TESTING_THREAD_SYSCALL_H_

#include <sys/types.h>

#include <initializer_list>

namespace svl {
namespace testing {

// BlockedSyscall() is the number of the system call thread `tid` of process
// `pid` is blocked in; -1 while it runs, or when it cannot be read.
long BlockedSyscall(pid_t pid, pid_t tid);

// AnyThreadInSyscall() is true when a thread of process `pid`, other than
// `except_tid`, is blocked in one of `syscalls`.
bool AnyThreadInSyscall(pid_t pid, std::initializer_list<long> syscalls, pid_t except_tid = -1);

// AnyThreadSleeping() is true when a thread of `pid`, other than
// `except_tid`, is in a sleep (nanosleep(2) or clock_nanosleep(2), what
// absl::SleepFor and nanosleep(3) are made of).
bool AnyThreadSleeping(pid_t pid, pid_t except_tid = -1);

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_THREAD_SYSCALL_H_
