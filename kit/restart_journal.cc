#include "kit/restart_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/fd_io.h"

namespace svl {
namespace kit {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::ErrnoToStatus(errno, absl::StrCat(what, " ", path));
}

// ReadJournalFile() reads a regular file of at most kMaxJournalBytes.
// O_NONBLOCK: opening a FIFO planted at the path must not wait for a writer.
absl::StatusOr<std::string> ReadJournalFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return ErrnoError("cannot open", path);
  struct stat info;
  if (fstat(fd, &info) != 0) {
    absl::Status error = ErrnoError("cannot stat", path);
    close(fd);
    return error;
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  if (static_cast<size_t>(info.st_size) > kMaxJournalBytes) {
    close(fd);
    return absl::ResourceExhaustedError(
        absl::StrCat(path, " is larger than ", kMaxJournalBytes, " bytes"));
  }
  std::string text;
  char buf[4096];
  while (text.size() <= kMaxJournalBytes) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      absl::Status error = ErrnoError("cannot read", path);
      close(fd);
      return error;
    }
  }
  close(fd);
  return text;
}

// ParseEntry() reads `<start> <pid> <C-escaped namespec>`.
bool ParseEntry(absl::string_view line, PendingRestart* entry) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, absl::MaxSplits(' ', 2));
  return fields.size() == 3 && absl::SimpleAtoi(fields[0], &entry->start) &&
         absl::SimpleAtoi(fields[1], &entry->pid) && absl::CUnescape(fields[2], &entry->namespec) &&
         !entry->namespec.empty();
}

// FNV-1a: a hash that is the same in every run and every build.
uint32_t StableHash(absl::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

std::string FileNameSafe(absl::string_view text) {
  std::string safe(text);
  for (char& c : safe) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      c = '_';
    }
  }
  return safe;
}

}  // namespace

RestartJournal RestartJournal::InMemory() { return RestartJournal(""); }

absl::StatusOr<RestartJournal> RestartJournal::Open(std::string path) {
  RestartJournal journal(std::move(path));
  absl::StatusOr<std::string> text = ReadJournalFile(journal.path_);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) return journal;
    return text.status();
  }
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    PendingRestart entry;
    if (!ParseEntry(line, &entry)) {
      return absl::DataLossError(absl::StrCat("restart journal ", journal.path_, ": bad line '",
                                              absl::CHexEscape(line.substr(0, 200)), "'"));
    }
    journal.Put(std::move(entry));
  }
  return journal;
}

void RestartJournal::Put(PendingRestart entry) {
  for (PendingRestart& existing : pending_) {
    if (existing.namespec == entry.namespec) {
      existing = std::move(entry);
      return;
    }
  }
  pending_.push_back(std::move(entry));
}

absl::Status RestartJournal::Add(PendingRestart entry) {
  Put(std::move(entry));
  return Save();
}

absl::Status RestartJournal::Remove(absl::string_view namespec) {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [namespec](const PendingRestart& e) { return e.namespec == namespec; });
  if (it == pending_.end()) return absl::OkStatus();
  pending_.erase(it);
  return Save();
}

absl::Status RestartJournal::Save() const {
  if (path_.empty()) return absl::OkStatus();
  if (pending_.empty()) {
    if (unlink(path_.c_str()) != 0 && errno != ENOENT) return ErrnoError("cannot remove", path_);
    return absl::OkStatus();
  }
  std::string text;
  for (const PendingRestart& entry : pending_) {
    absl::StrAppend(&text, entry.start, " ", entry.pid, " ", absl::CEscape(entry.namespec), "\n");
  }
  const std::string temporary = absl::StrCat(path_, ".tmp");
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return ErrnoError("cannot create", temporary);
  absl::Status written = base::WriteAll(fd, text);
  if (written.ok() && fsync(fd) != 0) written = absl::ErrnoToStatus(errno, "fsync");
  close(fd);
  if (!written.ok()) {
    unlink(temporary.c_str());
    return absl::Status(written.code(), absl::StrCat("cannot write ", temporary, ": ",
                                                     written.message()));
  }
  if (rename(temporary.c_str(), path_.c_str()) != 0) {
    absl::Status error = ErrnoError("cannot rename to", path_);
    unlink(temporary.c_str());
    return error;
  }
  return absl::OkStatus();
}

std::string DefaultStateDir() {
  if (const char* dir = std::getenv("SVLISTEN_STATE_DIR"); dir != nullptr && dir[0] != '\0') {
    return dir;
  }
  if (geteuid() == 0) return "/run/svlisten";
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && runtime[0] == '/') {
    return absl::StrCat(runtime, "/svlisten");
  }
  const char* tmp = std::getenv("TMPDIR");
  return absl::StrCat(tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp", "/svlisten-", geteuid());
}

absl::StatusOr<std::string> EnsureStateDir(const std::string& given) {
  // "link/" would make lstat() follow the link.
  std::string dir = given;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoError("cannot create state directory", dir);
  }
  struct stat info;
  if (lstat(dir.c_str(), &info) != 0) return ErrnoError("cannot stat state directory", dir);
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("state directory ", dir, " is not a directory (or is a symbolic link)"));
  }
  if (info.st_uid != geteuid()) {
    return absl::PermissionDeniedError(
        absl::StrCat("state directory ", dir, " belongs to uid ", info.st_uid, ", not to uid ",
                     geteuid()));
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("state directory ", dir, " is writable by others (mode ",
                     absl::StrFormat("%04o", info.st_mode & 07777), ")"));
  }
  return dir;
}

std::string JournalFileName(absl::string_view listener, absl::string_view server_url,
                            absl::string_view group, absl::string_view process) {
  return absl::StrCat(FileNameSafe(listener), "-", absl::StrFormat("%08x", StableHash(server_url)),
                      "-", FileNameSafe(group), "-", FileNameSafe(process), ".restarts");
}

std::string JoinStatePath(absl::string_view dir, absl::string_view file_name) {
  if (!dir.empty() && dir.back() == '/') return absl::StrCat(dir, file_name);
  return absl::StrCat(dir, "/", file_name);
}

RestartJournal OpenListenerJournal(absl::string_view listener, const std::string& state_dir,
                                   absl::string_view server_url, absl::string_view group,
                                   absl::string_view process, std::string* problem) {
  problem->clear();
  absl::StatusOr<std::string> dir = EnsureStateDir(state_dir.empty() ? DefaultStateDir() : state_dir);
  const std::string in_memory = absl::StrCat(
      ": restarts cut short by a restart of ", listener, " will not be finished");
  if (!dir.ok()) {
    *problem = absl::StrCat(dir.status().message(), in_memory);
    return RestartJournal::InMemory();
  }
  const std::string path =
      JoinStatePath(*dir, JournalFileName(listener, server_url, group, process));
  absl::StatusOr<RestartJournal> journal = RestartJournal::Open(path);
  if (absl::IsDataLoss(journal.status()) || absl::IsResourceExhausted(journal.status())) {
    // Kept for a look, out of the way: the next listener starts afresh.
    const std::string bad = absl::StrCat(path, ".bad");
    if (rename(path.c_str(), bad.c_str()) == 0) {
      *problem = absl::StrCat(journal.status().message(), "; moved to ", bad);
      journal = RestartJournal::Open(path);
      if (journal.ok()) return *std::move(journal);
    }
  }
  if (!journal.ok()) {
    *problem = absl::StrCat(journal.status().message(), in_memory);
    return RestartJournal::InMemory();
  }
  return *std::move(journal);
}

}  // namespace kit
}  // namespace svl
