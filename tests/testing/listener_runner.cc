#include "tests/testing/listener_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {

std::string ListenerBinary(absl::string_view runfiles_path) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/",
                      workspace != nullptr ? workspace : "svlisten", "/", runfiles_path);
}

namespace {

// The parent's ends of a started listener's stdin, stdout and stderr pipes.
struct Child {
  pid_t pid;
  int in;
  int out;
  int err;
};

// Forks and execs ListenerBinary(runfiles_path) with `args`, an environment
// of a fixed PATH plus `env`, and stdin/stdout/stderr on fresh pipes.
absl::StatusOr<Child> SpawnListener(absl::string_view runfiles_path,
                                    const std::vector<std::string>& args,
                                    const std::vector<std::pair<std::string, std::string>>& env) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return absl::ErrnoToStatus(errno, "pipe2");
  }
  const std::string binary = ListenerBinary(runfiles_path);
  std::vector<std::string> argv_storage = {binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<std::string> env_storage = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  // The listener's restart journal stays inside this test's own directory
  // (a --state-dir in `args` still wins).
  if (const char* tmp = std::getenv("TEST_TMPDIR"); tmp != nullptr) {
    env_storage.push_back(absl::StrCat("SVLISTEN_STATE_DIR=", tmp, "/svlisten-state"));
  }
  for (const auto& [key, value] : env) env_storage.push_back(absl::StrCat(key, "=", value));
  std::vector<char*> argv, envp;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  for (std::string& e : env_storage) envp.push_back(e.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return absl::ErrnoToStatus(errno, "fork");
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  return Child{pid, in[1], out[0], err[0]};
}

}  // namespace

absl::StatusOr<RunResult> RunListener(absl::string_view runfiles_path,
                                      const std::vector<std::string>& args,
                                      const std::vector<std::pair<std::string, std::string>>& env,
                                      absl::string_view input, absl::Duration timeout) {
  absl::StatusOr<Child> child = SpawnListener(runfiles_path, args, env);
  if (!child.ok()) return child.status();
  const pid_t pid = child->pid;
  absl::Cleanup closer = [&] {
    close(child->out);
    close(child->err);
  };

  signal(SIGPIPE, SIG_IGN);
  for (absl::string_view rest = input; !rest.empty();) {
    const ssize_t n = write(child->in, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // the child exited early; its output says why
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  close(child->in);

  RunResult result;
  const absl::Time deadline = absl::Now() + timeout;
  bool out_open = true, err_open = true, timed_out = false;
  while (out_open || err_open) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[2] = {{out_open ? child->out : -1, POLLIN, 0}, {err_open ? child->err : -1, POLLIN, 0}};
    const int ready = poll(fds, 2, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) break;
    char buffer[4096];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        (i == 0 ? out_open : err_open) = false;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(runfiles_path, " did not exit; stdout: ", result.out,
                     " stderr: ", result.err));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

absl::StatusOr<RunResult> RunListenerWithClosedStdout(
    absl::string_view runfiles_path, const std::vector<std::string>& args,
    const std::vector<std::pair<std::string, std::string>>& env, absl::Duration timeout) {
  absl::StatusOr<Child> child = SpawnListener(runfiles_path, args, env);
  if (!child.ok()) return child.status();
  // The child's copy of the read end is CLOEXEC: once it runs the listener,
  // no reader is left.
  close(child->out);
  absl::Cleanup closer = [&] {
    close(child->in);
    close(child->err);
  };
  RunResult result;
  const absl::Time deadline = absl::Now() + timeout;
  bool timed_out = false;
  for (;;) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      kill(child->pid, SIGKILL);
      break;
    }
    pollfd fd = {child->err, POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(child->err, buffer, sizeof(buffer));
    if (n > 0) {
      result.err.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (waitpid(child->pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(runfiles_path, " did not exit; stderr: ", result.err));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

absl::StatusOr<std::unique_ptr<ListenerSession>> ListenerSession::Start(
    absl::string_view runfiles_path, const std::vector<std::string>& args,
    const std::vector<std::pair<std::string, std::string>>& env) {
  signal(SIGPIPE, SIG_IGN);
  absl::StatusOr<Child> child = SpawnListener(runfiles_path, args, env);
  if (!child.ok()) return child.status();
  auto session = std::unique_ptr<ListenerSession>(new ListenerSession);
  session->pid_ = child->pid;
  session->in_ = child->in;
  session->out_fd_ = child->out;
  session->err_fd_ = child->err;
  return session;
}

ListenerSession::~ListenerSession() {
  if (in_ >= 0) close(in_);
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

bool ListenerSession::Pump(absl::Duration wait) {
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  const int ready = poll(fds, 2, static_cast<int>(absl::ToInt64Milliseconds(wait)) + 1);
  if (ready <= 0) return true;
  char buffer[4096];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || fds[i].revents == 0) continue;
    const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
    if (n > 0) {
      (i == 0 ? out_ : err_).append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      close(fds[i].fd);
      (i == 0 ? out_fd_ : err_fd_) = -1;
    }
  }
  return true;
}

bool ListenerSession::Send(absl::string_view event, absl::Duration timeout) {
  for (absl::string_view rest = event; !rest.empty();) {
    const ssize_t n = write(in_, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  ++acks_;
  const absl::Time deadline = absl::Now() + timeout;
  while (CountOccurrences(out_, "RESULT 2\nOKREADY\n") < acks_) {
    if (absl::Now() > deadline || !Pump(absl::Milliseconds(100))) return false;
  }
  return true;
}

bool ListenerSession::WaitForStderr(absl::string_view needle, int count, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (CountOccurrences(err_, needle) < count) {
    if (absl::Now() > deadline || !Pump(absl::Milliseconds(100))) return false;
  }
  return true;
}

RunResult ListenerSession::Finish(absl::Duration timeout) {
  if (in_ >= 0) close(in_);
  in_ = -1;
  const absl::Time deadline = absl::Now() + timeout;
  while ((out_fd_ >= 0 || err_fd_ >= 0) && absl::Now() < deadline) Pump(absl::Milliseconds(100));
  RunResult result;
  if (out_fd_ >= 0 || err_fd_ >= 0) kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = out_;
  result.err = err_;
  return result;
}

}  // namespace testing
}  // namespace svl
