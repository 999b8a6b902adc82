// File: procfs/process_memory.h
//
// How much memory a process uses, read from Linux's /proc without forking:
//   rss  resident set size, /proc/PID/status `VmRSS` (the number `ps -o rss`
//        prints, in KiB, times 1024);
//   pss  proportional set size, /proc/PID/smaps_rollup `Pss`: each shared
//        page divided among the processes that map it, so a sum over a
//        pre-forking server's children counts each page once;
//   uss  unique set size, /proc/PID/smaps_rollup `Private_Clean` plus
//        `Private_Dirty`: what the process alone holds (freed when it exits).
// A process tree (a process and all its descendants) is found from one scan
// of /proc/*/stat (ProcessTree), walked without recursion.
//
// The /proc root is a parameter, so tests can lay out a fake one (a
// directory with `PID/status`, `PID/stat`, `PID/smaps_rollup` files).
//
// Example:
//
//   ProcReader proc;                       // "/proc"
//   absl::StatusOr<std::int64_t> rss = proc.MemoryOf(pid, MemoryMeasure::kRss);
//   if (absl::IsNotFound(rss.status())) ... the process is gone ...
//
//   absl::StatusOr<ProcessTree> tree = ProcessTree::Scan(proc);   // once per tick
//   for (std::int64_t p : tree->SelfAndDescendants(pid)) ... proc.MemoryOf(p, ...) ...

#ifndef SVL_PROCFS_PROCESS_MEMORY_H_
#define SVL_PROCFS_PROCESS_MEMORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace procfs {

// Which memory figure of a process is meant (see the top).
enum class MemoryMeasure { kRss, kPss, kUss };

// ParseMemoryMeasure() reads "rss", "pss" or "uss" (exactly, lower case).
// Error: kInvalidArgument "'X' is not one of rss, pss, uss".
absl::StatusOr<MemoryMeasure> ParseMemoryMeasure(absl::string_view text);

// MemoryMeasureName() is "rss", "pss" or "uss".
absl::string_view MemoryMeasureName(MemoryMeasure measure);

// The fields of /proc/PID/stat a process tree needs.
struct StatFields {
  std::int64_t pid = 0;
  std::int64_t ppid = 0;
};

// ParseStat() reads the text of /proc/PID/stat: `pid (comm) state ppid ...`,
// where comm may hold spaces, parentheses and any byte (the comm ends at the
// LAST ')'). Error: kInvalidArgument naming what is wrong.
absl::StatusOr<StatFields> ParseStat(absl::string_view text);

// ParseStatusRss() reads the `VmRSS:   N kB` line of /proc/PID/status and
// returns N * 1024. kNotFound when there is no such line (a zombie or a
// kernel thread has none); kInvalidArgument for a malformed one.
absl::StatusOr<std::int64_t> ParseStatusRss(absl::string_view text);

// The figures of /proc/PID/smaps_rollup, in bytes (the file says kB).
struct SmapsRollup {
  std::int64_t rss = 0;
  std::int64_t pss = 0;
  std::int64_t private_clean = 0;
  std::int64_t private_dirty = 0;
};

// ParseSmapsRollup() reads the text of /proc/PID/smaps_rollup (its first
// line is the address range header; other lines `Name:   N kB`). `Pss`,
// `Private_Clean` and `Private_Dirty` are required (`Rss` is 0 when absent;
// other lines are skipped); kNotFound when the file has none of the three (a
// zombie or kernel thread: empty file), kInvalidArgument for a malformed or
// repeated line or a missing one of them. Overflow, also of
// `Private_Clean` + `Private_Dirty`, is an error.
absl::StatusOr<SmapsRollup> ParseSmapsRollup(absl::string_view text);

// ProcReader reads processes' memory under a /proc root.
class ProcReader {
 public:
  explicit ProcReader(std::string proc_root = "/proc");

  const std::string& root() const { return root_; }

  // MemoryOf() is the process's memory by `measure`, in bytes.
  // kNotFound when the process does not exist (any more) or has no memory
  // figures (zombie, kernel thread); kPermissionDenied when /proc refuses
  // (smaps_rollup of another user's process); other errors name the file
  // (a malformed file: kInvalidArgument "<file>: <what is wrong>").
  absl::StatusOr<std::int64_t> MemoryOf(std::int64_t pid, MemoryMeasure measure) const;

 private:
  std::string root_;
};

// ProcessTree is a snapshot of who is whose parent, from one scan of
// /proc/*/stat. Processes that vanish during the scan are left out.
class ProcessTree {
 public:
  // Scan() reads every numeric entry of the reader's root. Error only when
  // the root itself cannot be listed.
  static absl::StatusOr<ProcessTree> Scan(const ProcReader& reader);

  // SelfAndDescendants() is `pid` followed by all its descendants
  // (breadth first); empty when `pid` was not in the snapshot. Cycles in a
  // malformed tree are not followed twice.
  std::vector<std::int64_t> SelfAndDescendants(std::int64_t pid) const;

  // size() is the number of processes seen.
  size_t size() const { return parent_of_.size(); }

 private:
  absl::flat_hash_map<std::int64_t, std::int64_t> parent_of_;
  absl::flat_hash_map<std::int64_t, std::vector<std::int64_t>> children_of_;
};

}  // namespace procfs
}  // namespace svl

#endif  // SVL_PROCFS_PROCESS_MEMORY_H_
