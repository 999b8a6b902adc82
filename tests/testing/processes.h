// File: tests/testing/processes.h
//
// Looking at other processes (through /proc) and at this thread's signal
// state, for tests that check what a listener's children became.
//
// Example:
//
//   const pid_t group = ProcessGroupOf(child);
//   EXPECT_THAT(ProcessesInGroup(group, Zombies::kExclude), IsEmpty());

#ifndef SVL_TESTS_TESTING_PROCESSES_H_
#define SVL_TESTS_TESTING_PROCESSES_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace svl {
namespace testing {

// ProcStatFields() gives the fields of /proc/<pid>/stat after "pid (comm) ":
// state, ppid, pgrp, ... Empty when the process is gone.
std::vector<std::string> ProcStatFields(pid_t pid);

// ProcessName() is the command name of `pid` (/proc/<pid>/comm without its
// newline: "sleep" once a child has exec'd /bin/sleep), "" when it is gone.
std::string ProcessName(pid_t pid);

// ProcessGroupOf() is the process group of `pid` (0 when it is gone).
pid_t ProcessGroupOf(pid_t pid);

// IsGoneOrZombie() is true once `pid` no longer exists or is a zombie
// (dead, waiting for whoever inherited it to reap it).
bool IsGoneOrZombie(pid_t pid);

enum class Zombies { kInclude, kExclude };

// ProcessesInGroup() lists the processes whose process group is `pgid`.
std::vector<pid_t> ProcessesInGroup(pid_t pgid, Zombies zombies);

// SigpipePendingOrBlocked() is true when SIGPIPE is pending for this process
// or thread, or blocked in this thread.
bool SigpipePendingOrBlocked();

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_PROCESSES_H_
