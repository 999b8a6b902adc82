// File: kit/restart_journal.h
//
// The processes a listener has stopped and not yet seen started again. A
// restart is stop-then-start: if the start cannot be made at once (the
// process is slow to stop, supervisord did not answer, the listener itself
// was stopped or restarted), the process would stay down. The journal keeps
// each such namespec until the process runs again, in memory and, when given
// a path, in a small file, so that the next incarnation of the listener
// finishes what the last one began.
//
// Each entry also keeps the `start` time and pid supervisord reported for
// the process that was stopped, so that a later listener can tell that
// someone started (and maybe stopped) the program since: then the entry is
// no longer its business. The file holds one entry per line, `<start> <pid>
// <C-escaped namespec>`, at most kMaxJournalBytes, and is replaced
// atomically (a temporary file in the same directory, then rename). Not
// thread-safe: one thread owns a journal.
//
// Example:
//
//   std::string problem;
//   RestartJournal journal =
//       OpenListenerJournal("httpok", "", server_url, group, name, &problem);
//   if (!problem.empty()) warn(problem);  // kept in memory only
//   journal.Add({"web", info.start, info.pid});  // before stopProcess
//   ...                     // stop, start
//   journal.Remove("web");  // once supervisord answered the start

#ifndef SVL_KIT_RESTART_JOURNAL_H_
#define SVL_KIT_RESTART_JOURNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace kit {

// The largest journal file Open() reads.
inline constexpr size_t kMaxJournalBytes = 64 * 1024;

// One restart begun and not finished: the process and what it was.
struct PendingRestart {
  std::string namespec;
  std::int64_t start = 0;  // supervisord's `start` of the stopped process
  std::int64_t pid = 0;    // its pid
  bool operator==(const PendingRestart& other) const {
    return namespec == other.namespec && start == other.start && pid == other.pid;
  }
};

// RestartJournal keeps the pending restarts, on disk or in memory.
class RestartJournal {
 public:
  // InMemory() is a journal that keeps nothing on disk.
  static RestartJournal InMemory();

  // Open() loads `path` when it exists (a missing file is an empty journal)
  // and writes there from now on. Errors (the message names the path): the
  // file cannot be read, is not a regular file (a FIFO is never opened for
  // long), is larger than kMaxJournalBytes (kResourceExhausted), or has a
  // line that is not an entry (kDataLoss).
  static absl::StatusOr<RestartJournal> Open(std::string path);

  // Add() records `entry` (replacing an entry of the same namespec) and
  // writes the file. The error names the path; the entry stays in memory.
  ABSL_MUST_USE_RESULT absl::Status Add(PendingRestart entry);

  // Remove() forgets the entry of `namespec` (if any) and writes the file.
  ABSL_MUST_USE_RESULT absl::Status Remove(absl::string_view namespec);

  // The entries, oldest first.
  const std::vector<PendingRestart>& pending() const { return pending_; }
  bool empty() const { return pending_.empty(); }

  // The file, or "" for an in-memory journal.
  const std::string& path() const { return path_; }

 private:
  explicit RestartJournal(std::string path) : path_(std::move(path)) {}
  void Put(PendingRestart entry);  // in memory only
  absl::Status Save() const;

  std::string path_;
  std::vector<PendingRestart> pending_;
};

// DefaultStateDir() is where listeners keep their state unless told
// otherwise: $SVLISTEN_STATE_DIR when set; /run/svlisten for root; else
// $XDG_RUNTIME_DIR/svlisten, or ${TMPDIR:-/tmp}/svlisten-<uid>.
std::string DefaultStateDir();

// EnsureStateDir() creates `dir` (mode 0700) when missing and checks that it
// is a real directory (not a symbolic link) owned by this user and not
// writable by others. Returns `dir`; the error says what is wrong with it.
absl::StatusOr<std::string> EnsureStateDir(const std::string& dir);

// JournalFileName() names one listener instance's journal: the listener, a
// hash of the supervisord URL, and its group and process names (any byte
// outside [A-Za-z0-9._-] becomes '_'), e.g.
// "httpok-3f2a9c1d-httpok-httpok.restarts".
std::string JournalFileName(absl::string_view listener, absl::string_view server_url,
                            absl::string_view group, absl::string_view process);

// JoinStatePath() is dir + "/" + file_name.
std::string JoinStatePath(absl::string_view dir, absl::string_view file_name);

// OpenListenerJournal() opens the journal of one listener instance (named as
// in JournalFileName()) in `state_dir`, or in DefaultStateDir() when it is
// empty, creating the directory. When that fails it returns an in-memory
// journal and sets `*problem` to why (else clears it). A file that cannot be
// parsed is renamed to `<file>.bad` (and said so), and a new one begun.
RestartJournal OpenListenerJournal(absl::string_view listener, const std::string& state_dir,
                                   absl::string_view server_url, absl::string_view group,
                                   absl::string_view process, std::string* problem);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_RESTART_JOURNAL_H_
