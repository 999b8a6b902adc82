#include "subprocess/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "subprocess/child_registry.h"

extern char** environ;

namespace svl {
namespace subprocess {
namespace {

// Largest single write() to the child's stdin.
constexpr std::size_t kMaxWrite = 64 * 1024;
// After the child's exit, at most this much is read from the output pipe (a
// background grandchild that keeps writing must not hold Run() forever).
constexpr std::size_t kMaxReadAfterExit = 1 << 20;
// The kernel's number of signals (its _NSIG); glibc's NSIG is one more.
constexpr int kKernelSignals = 64;

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
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
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

// AboveStandardFds() moves `fd` above 2 (CLOEXEC kept), so that the child's
// dup2() onto 0/1/2 can never clobber another of its descriptors even when
// the caller runs with a standard descriptor closed.
absl::Status AboveStandardFds(Fd* fd) {
  if (fd->get() > 2) return absl::OkStatus();
  const int moved = fcntl(fd->get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return absl::ErrnoToStatus(errno, "fcntl(F_DUPFD_CLOEXEC)");
  *fd = Fd(moved);
  return absl::OkStatus();
}

// MakePipe() creates a CLOEXEC pipe whose ends are both above 2.
absl::Status MakePipe(Fd* read_end, Fd* write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  *read_end = Fd(fds[0]);
  *write_end = Fd(fds[1]);
  if (absl::Status s = AboveStandardFds(read_end); !s.ok()) return s;
  return AboveStandardFds(write_end);
}

absl::Status OpenDevNull(Fd* fd) {
  *fd = Fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!fd->valid()) return absl::ErrnoToStatus(errno, "open /dev/null");
  return AboveStandardFds(fd);
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

// Blocks every signal in the calling thread until Restore() or the
// destructor: between the registry reservation and the registration of the
// pid, no handler may run in this thread (a termination handler would wait
// for the reserved slot), and the child starts with everything blocked until
// it has reset its dispositions.
class ScopedBlockAllSignals {
 public:
  ScopedBlockAllSignals() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old_mask_);
  }
  ScopedBlockAllSignals(const ScopedBlockAllSignals&) = delete;
  ScopedBlockAllSignals& operator=(const ScopedBlockAllSignals&) = delete;
  ~ScopedBlockAllSignals() { Restore(); }

  // Restore() puts the caller's mask back; idempotent.
  void Restore() {
    if (restored_) return;
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    restored_ = true;
  }

 private:
  sigset_t old_mask_;
  bool restored_ = false;
};

// ExecCandidates() lists the paths execve() tries, in order, for `program`:
// itself when it has a '/', else each $PATH entry (an empty entry is the
// current directory) joined with it.
std::vector<std::string> ExecCandidates(const std::string& program) {
  if (absl::StrContains(program, '/')) return {program};
  const char* path = std::getenv("PATH");
  std::vector<std::string> candidates;
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "/bin:/usr/bin", ':')) {
    candidates.push_back(dir.empty() ? program : absl::StrCat(dir, "/", program));
  }
  return candidates;
}

// Everything the child needs, prepared before fork(): after it, the child
// may only make async-signal-safe calls (another thread may hold malloc's
// lock).
struct ChildSetup {
  pid_t parent = -1;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;  // -1: keep the inherited stderr
  int exec_error_fd = -1;
  char* const* argv = nullptr;
  const char* const* candidates = nullptr;  // null-terminated
  sigset_t empty_mask;
};

// RunChild() is the child between fork() and execve(). On failure it writes
// the errno to exec_error_fd and exits 127.
[[noreturn]] void RunChild(const ChildSetup& setup) {
  setpgid(0, 0);
  // The parent may have died before prctl(): then nobody would send the
  // signal, and the child must not run.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != setup.parent) _exit(127);
  // The raw system call: glibc's sigaction() refuses its two internal
  // real-time signals (32, 33), which an ignoring ancestor may have passed
  // down as SIG_IGN. All zeros is SIG_DFL, no flags, an empty mask, in the
  // kernel's layout on every architecture.
  for (int sig = 1; sig <= kKernelSignals; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    const unsigned long default_action[4] = {0, 0, 0, 0};
    syscall(SYS_rt_sigaction, sig, default_action, nullptr, kKernelSignals / 8);
  }
  int error = 0;
  if (dup2(setup.stdin_fd, STDIN_FILENO) < 0 || dup2(setup.stdout_fd, STDOUT_FILENO) < 0 ||
      (setup.stderr_fd >= 0 && dup2(setup.stderr_fd, STDERR_FILENO) < 0)) {
    error = errno;
  } else {
    sigprocmask(SIG_SETMASK, &setup.empty_mask, nullptr);
    // As execvp(): a missing or unreachable candidate moves on to the next
    // one; EACCES wins over "not found" at the end.
    bool saw_eacces = false;
    error = ENOENT;
    for (const char* const* path = setup.candidates; *path != nullptr; ++path) {
      execve(*path, setup.argv, environ);
      error = errno;
      if (error == EACCES) {
        saw_eacces = true;
      } else if (error != ENOENT && error != ENOTDIR && error != ESTALE && error != ENODEV &&
                 error != ETIMEDOUT) {
        break;
      }
    }
    if (saw_eacces && (error == ENOENT || error == ENOTDIR)) error = EACCES;
  }
  ssize_t ignored = write(setup.exec_error_fd, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

// Owns a started child: unless Reap() ran, the destructor kills its process
// group and reaps it, so no error path leaves a child behind. The registry
// slot is freed before the child is reaped (see child_registry.h).
class Child {
 public:
  Child(pid_t pid, ChildRegistration* registration) : pid_(pid), registration_(registration) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (reaped_) return;
    KillGroup();
    int ignored;
    (void)Reap(&ignored);
  }

  void KillGroup() {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
  }

  // HasExited() tells whether the child has exited, leaving it unreaped.
  absl::StatusOr<bool> HasExited() {
    for (;;) {
      siginfo_t info;
      info.si_pid = 0;
      if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0) {
        return info.si_pid == pid_;
      }
      if (errno != EINTR) return absl::ErrnoToStatus(errno, "waitid");
    }
  }

  // Reap() waits for the exit (blocking) and collects the status.
  absl::Status Reap(int* status) {
    registration_->Release();
    reaped_ = true;
    for (;;) {
      if (waitpid(pid_, status, 0) == pid_) return absl::OkStatus();
      if (errno != EINTR) return absl::ErrnoToStatus(errno, "waitpid");
    }
  }

 private:
  pid_t pid_;
  ChildRegistration* registration_;
  bool reaped_ = false;
};

// The output capture.
struct Capture {
  std::size_t limit = 0;
  std::string output;
  bool truncated = false;
};

// ReadAvailable() reads what the non-blocking `fd` has now, up to `budget`
// bytes when given; returns false at EOF (or on a read error, which ends the
// capture the same way).
bool ReadAvailable(int fd, Capture* capture, std::size_t budget = SIZE_MAX) {
  char buf[4096];
  while (budget > 0) {
    const ssize_t n = read(fd, buf, std::min(sizeof buf, budget));
    if (n > 0) {
      const std::size_t got = static_cast<std::size_t>(n);
      const std::size_t keep = std::min(capture->limit - capture->output.size(), got);
      capture->output.append(buf, keep);
      if (keep < got) capture->truncated = true;
      budget -= got;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
  return true;
}

// PollTimeoutMs() is `remaining` rounded up to whole milliseconds, at most
// `cap_ms`.
int PollTimeoutMs(absl::Duration remaining, int cap_ms) {
  if (remaining <= absl::ZeroDuration()) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(remaining, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, cap_ms));
}

}  // namespace

absl::StatusOr<Result> Run(const Command& command) {
  if (command.argv.empty() || command.argv[0].empty()) {
    return absl::InvalidArgumentError("empty command");
  }
  const std::string& program = command.program.empty() ? command.argv[0] : command.program;
  const std::string description = command.description.empty() ? program : command.description;
  for (const std::string& arg : command.argv) {
    if (absl::StrContains(arg, absl::string_view("\0", 1))) {
      return absl::InvalidArgumentError(
          absl::StrCat(description, ": an argument contains a NUL byte"));
    }
  }
  auto failed = [&description](const absl::Status& status) {
    return absl::Status(status.code(), absl::StrCat(description, ": ", status.message()));
  };
  const absl::Time deadline = absl::Now() + command.deadline;

  // Everything execve() needs, built before fork().
  std::vector<std::string> argv_storage = command.argv;
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::vector<std::string> candidate_storage = ExecCandidates(program);
  std::vector<const char*> candidates;
  for (const std::string& path : candidate_storage) candidates.push_back(path.c_str());
  candidates.push_back(nullptr);

  Fd stdin_r, stdin_w, output_r, output_w, exec_error_r, exec_error_w;
  absl::Status opened = command.stdin_data.has_value() ? MakePipe(&stdin_r, &stdin_w)
                                                       : OpenDevNull(&stdin_r);
  if (opened.ok()) opened = MakePipe(&output_r, &output_w);
  if (opened.ok()) opened = MakePipe(&exec_error_r, &exec_error_w);
  if (!opened.ok()) return failed(opened);

  ChildSetup setup;
  setup.parent = getpid();
  setup.stdin_fd = stdin_r.get();
  setup.stdout_fd = output_w.get();
  setup.stderr_fd = command.stderr_mode == StderrMode::kMergeWithStdout ? output_w.get() : -1;
  setup.exec_error_fd = exec_error_w.get();
  setup.argv = argv.data();
  setup.candidates = candidates.data();
  sigemptyset(&setup.empty_mask);

  ScopedBlockAllSignals block_signals;
  ChildRegistration registration;
  const pid_t pid = fork();
  if (pid == 0) RunChild(setup);
  if (pid < 0) return failed(absl::ErrnoToStatus(errno, "fork"));
  // Also here, so that the group exists before anyone may kill it; fails
  // harmlessly when the child has already exec'd.
  setpgid(pid, pid);
  registration.Set(pid);
  block_signals.Restore();
  Child child(pid, &registration);
  // Only the child may hold these now: its exit must close the pipes.
  stdin_r.Close();
  output_w.Close();
  exec_error_w.Close();

  // EOF on the error pipe: the exec succeeded (CLOEXEC closed it).
  int exec_error = 0;
  for (;;) {
    const ssize_t n = read(exec_error_r.get(), &exec_error, sizeof exec_error);
    if (n >= 0) {
      if (n != static_cast<ssize_t>(sizeof exec_error)) exec_error = 0;
      break;
    }
    if (errno != EINTR) return failed(absl::ErrnoToStatus(errno, "read"));
  }
  exec_error_r.Close();
  if (exec_error != 0) {
    int ignored;
    (void)child.Reap(&ignored);
    return absl::ErrnoToStatus(exec_error, absl::StrCat("cannot run ", description));
  }

  if (stdin_w.valid()) {
    if (absl::Status s = SetNonBlocking(stdin_w.get()); !s.ok()) return failed(s);
  }
  if (absl::Status s = SetNonBlocking(output_r.get()); !s.ok()) return failed(s);

  Result result;
  Capture capture;
  capture.limit = command.max_output;
  bool output_open = true;
  // Phase 1: write stdin while reading the output.
  if (stdin_w.valid()) {
    const std::string& text = *command.stdin_data;
    ScopedSigpipeBlock sigpipe;
    std::size_t written = 0;
    while (stdin_w.valid()) {
      if (written == text.size()) {
        stdin_w.Close();
        break;
      }
      const absl::Time now = absl::Now();
      if (now >= deadline) {
        result.timed_out = true;
        break;
      }
      struct pollfd fds[2] = {{stdin_w.get(), POLLOUT, 0},
                              {output_open ? output_r.get() : -1, POLLIN, 0}};
      if (poll(fds, 2, PollTimeoutMs(deadline - now, INT_MAX)) < 0) {
        if (errno == EINTR) continue;
        return failed(absl::ErrnoToStatus(errno, "poll"));
      }
      if (fds[1].revents != 0) output_open = ReadAvailable(output_r.get(), &capture);
      if (fds[0].revents == 0) continue;
      const std::size_t chunk = std::min(text.size() - written, kMaxWrite);
      const ssize_t n = write(stdin_w.get(), text.data() + written, chunk);
      if (n >= 0) {
        written += static_cast<std::size_t>(n);
      } else if (errno == EPIPE) {
        sigpipe.ConsumeRaisedSigpipe();
        result.stdin_epipe = true;
        stdin_w.Close();
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return failed(absl::ErrnoToStatus(errno, "writing its stdin"));
      }
    }
  }
  // Phase 2: wait for the exit, still reading the output. The output pipe
  // normally reaches EOF when the child exits; a background grandchild may
  // keep it open, so the exit is what ends the wait (checked every 100 ms
  // while the output is open, 5 ms after its EOF).
  while (!result.timed_out) {
    absl::StatusOr<bool> exited = child.HasExited();
    if (!exited.ok()) return failed(exited.status());
    if (*exited) break;
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      result.timed_out = true;
      break;
    }
    struct pollfd fd = {output_open ? output_r.get() : -1, POLLIN, 0};
    if (poll(&fd, 1, PollTimeoutMs(deadline - now, output_open ? 100 : 5)) < 0 &&
        errno != EINTR) {
      return failed(absl::ErrnoToStatus(errno, "poll"));
    }
    if (fd.revents != 0) output_open = ReadAvailable(output_r.get(), &capture);
  }
  if (result.timed_out) child.KillGroup();
  if (absl::Status s = child.Reap(&result.wait_status); !s.ok()) return failed(s);
  if (output_open) ReadAvailable(output_r.get(), &capture, kMaxReadAfterExit);

  result.output = std::move(capture.output);
  result.output_truncated = capture.truncated;
  return result;
}

}  // namespace subprocess
}  // namespace svl
