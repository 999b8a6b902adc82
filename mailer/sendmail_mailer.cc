#include "mailer/sendmail_mailer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <string>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

extern char** environ;

namespace svl {
namespace mailer {
namespace {

// How much of the command's output (stderr and stdout) is kept for the error.
constexpr size_t kMaxOutput = 4096;
// Largest single write() to the command's stdin.
constexpr size_t kMaxWrite = 64 * 1024;

// Owns one file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() { Close(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// MakePipe() creates a CLOEXEC pipe whose ends are both above 2, so that the
// dup2() onto the child's 0/1/2 can never clobber one another even when the
// caller runs with a standard descriptor closed.
absl::Status MakePipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  Fd ends[2] = {Fd(fds[0]), Fd(fds[1])};
  for (Fd& end : ends) {
    if (end.get() > 2) continue;
    const int moved = fcntl(end.get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return absl::ErrnoToStatus(errno, "fcntl(F_DUPFD_CLOEXEC)");
    end = Fd(moved);
  }
  *read_end = std::move(ends[0]);
  *write_end = std::move(ends[1]);
  return absl::OkStatus();
}

absl::Status SetNonBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return absl::ErrnoToStatus(errno, "fcntl(O_NONBLOCK)");
  }
  return absl::OkStatus();
}

// SIGPIPE policy. A write to a pipe whose reader is gone raises SIGPIPE in the
// writing thread, and pipes have no MSG_NOSIGNAL. Rather than changing the
// process-wide disposition (which belongs to main()), SIGPIPE is blocked in
// this thread for the duration of the writes; a SIGPIPE raised by our own
// EPIPE write stays pending on this thread and is consumed with a zero-timeout
// sigtimedwait() before the old mask is restored. A SIGPIPE that was already
// pending before is left alone.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;
  ~ScopedSigpipeBlock() { pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr); }

  // Call once after a write() failed with EPIPE.
  void ConsumeRaisedSigpipe() {
    if (was_pending_) return;
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set_, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }

 private:
  sigset_t pipe_set_;
  sigset_t old_mask_;
  bool was_pending_ = false;
};

// Owns the spawned child: unless Reap() succeeded, the destructor kills its
// process group and reaps it, so no error path leaves a child behind.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!reaped_) {
      KillGroup();
      int ignored;
      (void)WaitBlocking(&ignored);
    }
  }

  void KillGroup() { kill(-pid_, SIGKILL); }

  // TryReap() returns true once the child has exited (status in *status).
  absl::StatusOr<bool> TryReap(int* status) {
    for (;;) {
      const pid_t r = waitpid(pid_, status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        return true;
      }
      if (r == 0) return false;
      if (errno != EINTR) return absl::ErrnoToStatus(errno, "waitpid");
    }
  }

  absl::Status WaitBlocking(int* status) {
    for (;;) {
      if (waitpid(pid_, status, 0) == pid_) {
        reaped_ = true;
        return absl::OkStatus();
      }
      if (errno != EINTR) {
        reaped_ = true;  // ECHILD: nothing left to reap
        return absl::ErrnoToStatus(errno, "waitpid");
      }
    }
  }

 private:
  pid_t pid_;
  bool reaped_ = false;
};

// Spawn() runs `/bin/sh -c command` in a new process group with stdin from
// `stdin_fd`, stdout and stderr to `output_fd`, an empty signal mask and
// default dispositions (an ignored SIGPIPE or SIGCHLD would otherwise be
// inherited through exec).
absl::Status Spawn(const std::string& command, int stdin_fd, int output_fd,
                   pid_t* pid) {
  posix_spawn_file_actions_t actions;
  if (int rc = posix_spawn_file_actions_init(&actions); rc != 0) {
    return absl::ErrnoToStatus(rc, "posix_spawn_file_actions_init");
  }
  absl::Cleanup destroy_actions = [&actions] {
    posix_spawn_file_actions_destroy(&actions);
  };
  posix_spawnattr_t attr;
  if (int rc = posix_spawnattr_init(&attr); rc != 0) {
    return absl::ErrnoToStatus(rc, "posix_spawnattr_init");
  }
  absl::Cleanup destroy_attr = [&attr] { posix_spawnattr_destroy(&attr); };

  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaddset(&defaults, sig);
  }
  int rc = posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, output_fd, 1);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, output_fd, 2);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &empty_mask);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &defaults);
  if (rc == 0) rc = posix_spawnattr_setpgroup(&attr, 0);
  if (rc == 0) {
    rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                             POSIX_SPAWN_SETSIGMASK |
                                             POSIX_SPAWN_SETSIGDEF);
  }
  if (rc != 0) return absl::ErrnoToStatus(rc, "posix_spawn setup");

  std::string sh = "sh";
  std::string dash_c = "-c";
  std::string command_copy = command;
  char* argv[] = {sh.data(), dash_c.data(), command_copy.data(), nullptr};
  rc = posix_spawn(pid, "/bin/sh", &actions, &attr, argv, environ);
  if (rc != 0) return absl::ErrnoToStatus(rc, "posix_spawn /bin/sh");
  return absl::OkStatus();
}

// What happened to one run of the command.
struct Outcome {
  bool epipe = false;
  bool timed_out = false;
  int wait_status = 0;
  std::string output;  // first kMaxOutput bytes of stderr + stdout
  bool output_truncated = false;
};

// ReadAvailable() reads what the non-blocking `fd` has now; returns false at
// EOF (or on a read error, which ends the capture the same way).
bool ReadAvailable(int fd, Outcome* outcome) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      const size_t room = kMaxOutput - outcome->output.size();
      const size_t keep = std::min(room, static_cast<size_t>(n));
      outcome->output.append(buf, keep);
      if (keep < static_cast<size_t>(n)) outcome->output_truncated = true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

// PollTimeoutMs() is `remaining` rounded up to whole milliseconds, at most
// `cap_ms`.
int PollTimeoutMs(absl::Duration remaining, int cap_ms) {
  if (remaining <= absl::ZeroDuration()) return 0;
  const int64_t ms =
      absl::ToInt64Milliseconds(absl::Ceil(remaining, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, cap_ms));
}

}  // namespace

SendmailMailer::SendmailMailer(std::string command, absl::Duration deadline)
    : command_(std::move(command)), deadline_(deadline) {}

absl::Status SendmailMailer::Send(const Message& message) {
  const std::string what = absl::StrCat("sendmail command '", command_, "'");
  if (absl::StripAsciiWhitespace(command_).empty()) {
    return absl::InvalidArgumentError("sendmail command is empty");
  }
  if (absl::StrContains(command_, absl::string_view("\0", 1))) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " contains a NUL byte"));
  }
  auto failed = [&what](absl::string_view step, const absl::Status& status) {
    return absl::Status(status.code(),
                        absl::StrCat(what, ": ", step, ": ", status.message()));
  };

  const std::string text = FormatMessage(message);
  const absl::Time deadline = absl::Now() + deadline_;

  Fd stdin_r, stdin_w, output_r, output_w;
  if (absl::Status s = MakePipe(&stdin_r, &stdin_w); !s.ok()) {
    return failed("cannot start", s);
  }
  if (absl::Status s = MakePipe(&output_r, &output_w); !s.ok()) {
    return failed("cannot start", s);
  }
  pid_t pid = -1;
  if (absl::Status s = Spawn(command_, stdin_r.get(), output_w.get(), &pid);
      !s.ok()) {
    return failed("cannot start", s);
  }
  Child child(pid);
  // Only the child may hold these now: its exit must close the pipes.
  stdin_r.Close();
  output_w.Close();
  if (absl::Status s = SetNonBlocking(stdin_w.get()); !s.ok()) {
    return failed("cannot start", s);
  }
  if (absl::Status s = SetNonBlocking(output_r.get()); !s.ok()) {
    return failed("cannot start", s);
  }

  Outcome outcome;
  bool output_open = true;
  // Phase 1: write the message while reading the output.
  {
    ScopedSigpipeBlock sigpipe;
    size_t written = 0;
    while (stdin_w.valid()) {
      if (written == text.size()) {
        stdin_w.Close();
        break;
      }
      const absl::Time now = absl::Now();
      if (now >= deadline) {
        outcome.timed_out = true;
        break;
      }
      struct pollfd fds[2] = {{stdin_w.get(), POLLOUT, 0},
                              {output_open ? output_r.get() : -1, POLLIN, 0}};
      if (poll(fds, 2, PollTimeoutMs(deadline - now, INT_MAX)) < 0) {
        if (errno == EINTR) continue;
        return failed("poll", absl::ErrnoToStatus(errno, "poll"));
      }
      if (fds[1].revents != 0)
        output_open = ReadAvailable(output_r.get(), &outcome);
      if (fds[0].revents == 0) continue;
      const size_t chunk = std::min(text.size() - written, kMaxWrite);
      const ssize_t n = write(stdin_w.get(), text.data() + written, chunk);
      if (n >= 0) {
        written += static_cast<size_t>(n);
      } else if (errno == EPIPE) {
        sigpipe.ConsumeRaisedSigpipe();
        outcome.epipe = true;
        stdin_w.Close();
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return failed("writing the message to its stdin",
                      absl::ErrnoToStatus(errno, "write"));
      }
    }
  }
  // Phase 2: wait for the exit, still reading the output. The output pipe
  // normally reaches EOF when the command exits; a background grandchild may
  // keep it open, so the exit is what ends the wait (checked every 100 ms
  // while the output is open, 5 ms after its EOF).
  while (!outcome.timed_out) {
    absl::StatusOr<bool> exited = child.TryReap(&outcome.wait_status);
    if (!exited.ok()) return failed("waiting for its exit", exited.status());
    if (*exited) break;
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      outcome.timed_out = true;
      break;
    }
    struct pollfd fd = {output_open ? output_r.get() : -1, POLLIN, 0};
    const int timeout = PollTimeoutMs(deadline - now, output_open ? 100 : 5);
    if (poll(&fd, 1, timeout) < 0 && errno != EINTR) {
      return failed("poll", absl::ErrnoToStatus(errno, "poll"));
    }
    if (fd.revents != 0) output_open = ReadAvailable(output_r.get(), &outcome);
  }
  if (outcome.timed_out) {
    child.KillGroup();
    if (absl::Status s = child.WaitBlocking(&outcome.wait_status); !s.ok()) {
      return failed("waiting for its exit", s);
    }
  }
  if (output_open) ReadAvailable(output_r.get(), &outcome);

  std::string output(absl::StripAsciiWhitespace(outcome.output));
  if (!output.empty()) {
    output = absl::StrCat(
        ": ", output, outcome.output_truncated ? " [output truncated]" : "");
  }
  if (outcome.timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, " was killed after ",
                     absl::FormatDuration(deadline_), " deadline", output));
  }
  if (WIFSIGNALED(outcome.wait_status)) {
    const int sig = WTERMSIG(outcome.wait_status);
    return absl::InternalError(absl::StrCat(what, " killed by signal ", sig,
                                            " (", strsignal(sig), ")", output));
  }
  const int code =
      WIFEXITED(outcome.wait_status) ? WEXITSTATUS(outcome.wait_status) : -1;
  if (code != 0) {
    return absl::InternalError(
        absl::StrCat(what, " exited with status ", code, output));
  }
  if (outcome.epipe) {
    return absl::InternalError(absl::StrCat(
        what, " closed its stdin before reading the message (EPIPE)", output));
  }
  return absl::OkStatus();
}

}  // namespace mailer
}  // namespace svl
