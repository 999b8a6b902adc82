#include "procfs/process_memory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"

namespace svl {
namespace procfs {
namespace {

constexpr std::int64_t kBytesPerKiB = 1024;

// /proc files are small (status < 2 KiB); a bigger file under a fake root is
// not a /proc file, and must not be read into memory whole.
constexpr std::size_t kMaxProcFileBytes = 1 << 20;

// A decimal number of digits only (no sign, no spaces), or nullopt; also
// nullopt when it does not fit in int64.
absl::optional<std::int64_t> ParseDigits(absl::string_view text) {
  if (text.empty() || !absl::c_all_of(text, absl::ascii_isdigit)) return absl::nullopt;
  std::int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) return absl::nullopt;
  return value;
}

// The value of a `Name:   N kB` line (`value` is what follows the colon), in
// bytes.
absl::StatusOr<std::int64_t> ParseKiBValue(absl::string_view name, absl::string_view value) {
  const std::vector<absl::string_view> words =
      absl::StrSplit(value, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (words.size() != 2 || words[1] != "kB") {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": '", absl::StripAsciiWhitespace(value), "' is not 'N kB'"));
  }
  const absl::string_view number = words[0];
  if (!absl::c_all_of(number, absl::ascii_isdigit)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": '", number, "' is not a non-negative whole number"));
  }
  std::int64_t kib = 0;
  if (!absl::SimpleAtoi(number, &kib)) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", number, " kB overflows"));
  }
  if (kib > std::numeric_limits<std::int64_t>::max() / kBytesPerKiB) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", number, " kB overflows"));
  }
  return kib * kBytesPerKiB;
}

// Owns an open file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// The whole text of a small file. Errors are absl::ErrnoToStatus()'s, so
// ENOENT and ESRCH (a process that is gone) are kNotFound and EACCES and
// EPERM are kPermissionDenied; the message names the call and the file.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  // O_NONBLOCK: a FIFO (under a test's /proc root, or planted there) must
  // not block the open; only regular files are read (/proc's are).
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  struct stat info;
  if (::fstat(fd.get(), &info) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("fstat ", path));
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  std::string text;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("read ", path));
    }
    if (n == 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxProcFileBytes) {
      return absl::OutOfRangeError(
          absl::StrCat(path, " is larger than ", kMaxProcFileBytes, " bytes"));
    }
  }
}

// `status` with its message prefixed by the file it is about.
absl::Status AboutFile(const std::string& path, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

// Closes a directory stream.
struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

}  // namespace

absl::StatusOr<MemoryMeasure> ParseMemoryMeasure(absl::string_view text) {
  for (MemoryMeasure measure : {MemoryMeasure::kRss, MemoryMeasure::kPss, MemoryMeasure::kUss}) {
    if (text == MemoryMeasureName(measure)) return measure;
  }
  return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not one of rss, pss, uss"));
}

absl::string_view MemoryMeasureName(MemoryMeasure measure) {
  switch (measure) {
    case MemoryMeasure::kRss:
      return "rss";
    case MemoryMeasure::kPss:
      return "pss";
    case MemoryMeasure::kUss:
      return "uss";
  }
  return "rss";
}

absl::StatusOr<StatFields> ParseStat(absl::string_view text) {
  // The comm is any bytes, ')' included: only the last ')' ends it.
  const std::size_t open = text.find(" (");
  const std::size_t close = text.rfind(')');
  if (open == absl::string_view::npos || close == absl::string_view::npos || close < open) {
    return absl::InvalidArgumentError("stat: no 'pid (comm)' at the start");
  }
  StatFields fields;
  const absl::string_view pid_text = text.substr(0, open);
  const absl::optional<std::int64_t> pid = ParseDigits(pid_text);
  if (!pid.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("stat: pid '", pid_text, "' is not a process id"));
  }
  fields.pid = *pid;
  // After the comm: state ppid pgrp ...
  const std::vector<absl::string_view> after_comm =
      absl::StrSplit(text.substr(close + 1), absl::ByAnyChar(" \n"), absl::SkipEmpty());
  if (after_comm.size() < 2) return absl::InvalidArgumentError("stat: no ppid after the comm");
  const absl::optional<std::int64_t> ppid = ParseDigits(after_comm[1]);
  if (!ppid.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("stat: ppid '", after_comm[1], "' is not a process id"));
  }
  fields.ppid = *ppid;
  return fields;
}

absl::StatusOr<std::int64_t> ParseStatusRss(absl::string_view text) {
  constexpr absl::string_view kVmRss = "VmRSS:";
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, kVmRss)) return ParseKiBValue("VmRSS", line);
  }
  return absl::NotFoundError("no VmRSS line");
}

absl::StatusOr<SmapsRollup> ParseSmapsRollup(absl::string_view text) {
  SmapsRollup rollup;
  // Each field we read, where it goes, and whether it was seen.
  struct Field {
    absl::string_view name;
    std::int64_t* bytes;
    bool required;
    bool seen;
  };
  Field fields[] = {
      {"Rss", &rollup.rss, false, false},
      {"Pss", &rollup.pss, true, false},
      {"Private_Clean", &rollup.private_clean, true, false},
      {"Private_Dirty", &rollup.private_dirty, true, false},
  };
  // The header line (an address range) and fields we do not read are skipped.
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const std::pair<absl::string_view, absl::string_view> name_value =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    for (Field& field : fields) {
      if (name_value.first != field.name) continue;
      if (field.seen) {
        return absl::InvalidArgumentError(absl::StrCat(field.name, " appears twice"));
      }
      absl::StatusOr<std::int64_t> bytes = ParseKiBValue(field.name, name_value.second);
      if (!bytes.ok()) return bytes.status();
      *field.bytes = *bytes;
      field.seen = true;
    }
  }
  const bool any_required =
      absl::c_any_of(fields, [](const Field& field) { return field.required && field.seen; });
  if (!any_required) return absl::NotFoundError("no Pss, Private_Clean or Private_Dirty line");
  for (const Field& field : fields) {
    if (field.required && !field.seen) {
      return absl::InvalidArgumentError(absl::StrCat("no ", field.name, " line"));
    }
  }
  // The unique set size is their sum: it must fit too.
  if (rollup.private_clean > std::numeric_limits<std::int64_t>::max() - rollup.private_dirty) {
    return absl::InvalidArgumentError("Private_Clean + Private_Dirty overflows");
  }
  return rollup;
}

ProcReader::ProcReader(std::string proc_root) : root_(std::move(proc_root)) {}

absl::StatusOr<std::int64_t> ProcReader::MemoryOf(std::int64_t pid, MemoryMeasure measure) const {
  const std::string process_dir = absl::StrCat(root_, "/", pid);
  if (measure == MemoryMeasure::kRss) {
    const std::string path = process_dir + "/status";
    absl::StatusOr<std::string> text = ReadSmallFile(path);
    if (!text.ok()) return text.status();
    absl::StatusOr<std::int64_t> rss = ParseStatusRss(*text);
    if (!rss.ok()) return AboutFile(path, rss.status());
    return *rss;
  }
  const std::string path = process_dir + "/smaps_rollup";
  absl::StatusOr<std::string> text = ReadSmallFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<SmapsRollup> rollup = ParseSmapsRollup(*text);
  if (!rollup.ok()) return AboutFile(path, rollup.status());
  if (measure == MemoryMeasure::kPss) return rollup->pss;
  return rollup->private_clean + rollup->private_dirty;
}

absl::StatusOr<ProcessTree> ProcessTree::Scan(const ProcReader& reader) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(reader.root().c_str()));
  if (dir == nullptr) return absl::ErrnoToStatus(errno, absl::StrCat("opendir ", reader.root()));
  ProcessTree tree;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return absl::ErrnoToStatus(errno, absl::StrCat("readdir ", reader.root()));
      break;
    }
    const absl::optional<std::int64_t> pid = ParseDigits(entry->d_name);
    if (!pid.has_value()) continue;  // self, net, meminfo, ...
    // A process may exit between readdir and open: it is left out.
    const absl::StatusOr<std::string> text =
        ReadSmallFile(absl::StrCat(reader.root(), "/", *pid, "/stat"));
    if (!text.ok()) continue;
    const absl::StatusOr<StatFields> stat = ParseStat(*text);
    if (!stat.ok() || stat->pid != *pid) continue;
    tree.parent_of_[stat->pid] = stat->ppid;
  }
  for (const auto& [pid, ppid] : tree.parent_of_) tree.children_of_[ppid].push_back(pid);
  // readdir's order is the file system's: sorted children make the walk
  // deterministic.
  for (auto& [ppid, children] : tree.children_of_) absl::c_sort(children);
  return tree;
}

std::vector<std::int64_t> ProcessTree::SelfAndDescendants(std::int64_t pid) const {
  std::vector<std::int64_t> found;
  if (!parent_of_.contains(pid)) return found;
  absl::flat_hash_set<std::int64_t> visited = {pid};
  found.push_back(pid);
  // `found` is also the queue: found[next] is the next process to expand.
  for (std::size_t next = 0; next < found.size(); ++next) {
    const auto children = children_of_.find(found[next]);
    if (children == children_of_.end()) continue;
    for (std::int64_t child : children->second) {
      if (visited.insert(child).second) found.push_back(child);
    }
  }
  return found;
}

}  // namespace procfs
}  // namespace svl
