#include "tests/testing/thread_syscall.h"

#include <dirent.h>
#include <sys/syscall.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace svl {
namespace testing {

long BlockedSyscall(pid_t pid, pid_t tid) {
  // "<nr> <args...>" while blocked in a syscall, "running" otherwise.
  std::ifstream in(absl::StrCat("/proc/", pid, "/task/", tid, "/syscall"));
  std::string first;
  long number = -1;
  if (!(in >> first) || !absl::SimpleAtoi(first, &number)) return -1;
  return number;
}

bool AnyThreadInSyscall(pid_t pid, std::initializer_list<long> syscalls, pid_t except_tid) {
  DIR* tasks = opendir(absl::StrCat("/proc/", pid, "/task").c_str());
  if (tasks == nullptr) return false;
  std::vector<pid_t> tids;
  while (dirent* entry = readdir(tasks)) {
    int tid = 0;
    if (absl::SimpleAtoi(entry->d_name, &tid) && tid != except_tid) tids.push_back(tid);
  }
  closedir(tasks);
  for (pid_t tid : tids) {
    const long number = BlockedSyscall(pid, tid);
    if (std::find(syscalls.begin(), syscalls.end(), number) != syscalls.end()) return true;
  }
  return false;
}

bool AnyThreadSleeping(pid_t pid, pid_t except_tid) {
#ifdef SYS_nanosleep
  return AnyThreadInSyscall(pid, {SYS_nanosleep, SYS_clock_nanosleep}, except_tid);
#else
  return AnyThreadInSyscall(pid, {SYS_clock_nanosleep}, except_tid);
#endif
}

}  // namespace testing
}  // namespace svl
