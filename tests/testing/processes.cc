#include "tests/testing/processes.h"

#include <dirent.h>
#include <signal.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace testing {

std::vector<std::string> ProcStatFields(pid_t pid) {
  absl::StatusOr<std::string> stat = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return {};
  // comm may hold spaces and parentheses: the last ')' ends it.
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos || paren + 2 > stat->size()) return {};
  return absl::StrSplit(absl::string_view(*stat).substr(paren + 2), ' ');
}

std::string ProcessName(pid_t pid) {
  absl::StatusOr<std::string> comm = ReadFile(absl::StrCat("/proc/", pid, "/comm"));
  if (!comm.ok()) return "";
  return std::string(absl::StripTrailingAsciiWhitespace(*comm));
}

pid_t ProcessGroupOf(pid_t pid) {
  const std::vector<std::string> fields = ProcStatFields(pid);
  int pgrp = 0;
  if (fields.size() < 3 || !absl::SimpleAtoi(fields[2], &pgrp)) return 0;
  return pgrp;
}

bool IsGoneOrZombie(pid_t pid) {
  const std::vector<std::string> fields = ProcStatFields(pid);
  return fields.empty() || fields[0] == "Z";
}

std::vector<pid_t> ProcessesInGroup(pid_t pgid, Zombies zombies) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (struct dirent* entry = readdir(proc)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    const std::vector<std::string> fields = ProcStatFields(pid);
    int pgrp = 0;
    if (fields.size() < 3 || !absl::SimpleAtoi(fields[2], &pgrp) || pgrp != pgid) continue;
    if (zombies == Zombies::kExclude && fields[0] == "Z") continue;
    found.push_back(pid);
  }
  closedir(proc);
  return found;
}

bool SigpipePendingOrBlocked() {
  sigset_t set;
  sigemptyset(&set);
  sigpending(&set);
  if (sigismember(&set, SIGPIPE)) return true;
  sigemptyset(&set);
  pthread_sigmask(SIG_BLOCK, nullptr, &set);
  return sigismember(&set, SIGPIPE);
}

}  // namespace testing
}  // namespace svl
