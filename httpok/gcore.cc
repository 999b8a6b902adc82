#include "httpok/gcore.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace svl {
namespace httpok {
namespace {

constexpr std::size_t kMaxOutputBytes = 64 * 1024;
// How often a child that closed its stdout is polled for its exit.
constexpr absl::Duration kExitPollInterval = absl::Milliseconds(5);

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Milliseconds left until `end` for poll(), rounded up, at least 0.
int PollTimeoutMs(absl::Time end) {
  absl::Duration left = end - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(
      std::min<int64_t>(absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))), 60000));
}

// The posix_spawn error for `program` as a Status.
absl::Status SpawnErrorToStatus(int error, const std::string& program) {
  return absl::ErrnoToStatus(error, absl::StrCat("cannot run gcore command ", program));
}

// Owns the spawn attributes and file actions.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attr_);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // stdin from /dev/null, stdout to `stdout_fd`, stderr inherited; a new
  // process group; no blocked signals and default dispositions for the
  // signals a listener may have changed.
  int Configure(int stdout_fd) {
    int rc = posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions_, stdout_fd, STDOUT_FILENO);
    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM}) {
      sigaddset(&defaults, sig);
    }
    if (rc == 0) rc = posix_spawnattr_setpgroup(&attr_, 0);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr_, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr_, &defaults);
    if (rc == 0) {
      rc = posix_spawnattr_setflags(
          &attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    return rc;
  }

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

int WaitBlocking(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitShellWords(absl::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // true once a word has started (even "" makes one)
  size_t i = 0;
  while (i < command.size()) {
    const char c = command[i];
    if (IsBlank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '\'') {
      size_t close = command.find('\'', i + 1);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("unterminated single quote at offset ", i, " in: ", command));
      }
      word.append(command.data() + i + 1, close - i - 1);
      in_word = true;
      i = close + 1;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < command.size() && command[j] != '"') {
        if (command[j] == '\\' && j + 1 < command.size()) {
          const char next = command[j + 1];
          if (next == '"' || next == '\\' || next == '$' || next == '`') {
            word.push_back(next);
            j += 2;
            continue;
          }
          if (next == '\n') {  // line continuation
            j += 2;
            continue;
          }
        }
        word.push_back(command[j]);
        ++j;
      }
      if (j >= command.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unterminated double quote at offset ", i, " in: ", command));
      }
      in_word = true;
      i = j + 1;
    } else if (c == '\\') {
      if (i + 1 >= command.size()) {
        return absl::InvalidArgumentError(absl::StrCat("trailing backslash in: ", command));
      }
      if (command[i + 1] != '\n') {  // backslash-newline joins lines
        word.push_back(command[i + 1]);
        in_word = true;
      }
      i += 2;
    } else {
      word.push_back(c);
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

absl::StatusOr<std::string> RunGcore(const std::vector<std::string>& gcore_words,
                                     const std::string& core_path, std::int64_t pid,
                                     absl::Duration deadline) {
  if (gcore_words.empty() || gcore_words[0].empty()) {
    return absl::InvalidArgumentError("empty gcore command");
  }
  if (deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gcore deadline must be positive, got ", absl::FormatDuration(deadline)));
  }
  const absl::Time end = absl::Now() + deadline;
  const std::string& program = gcore_words[0];

  std::vector<std::string> argv = gcore_words;
  argv.push_back(core_path);
  argv.push_back(absl::StrCat(pid));
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  int read_fd = pipe_fds[0];
  int write_fd = pipe_fds[1];
  absl::Cleanup close_read = [read_fd] { close(read_fd); };
  absl::Cleanup close_write = [&write_fd] {
    if (write_fd >= 0) close(write_fd);
  };

  pid_t child = 0;
  {
    SpawnSetup setup;
    int rc = setup.Configure(write_fd);
    if (rc != 0) return absl::ErrnoToStatus(rc, "posix_spawn setup");
    rc = posix_spawnp(&child, program.c_str(), setup.actions(), setup.attr(), args.data(), environ);
    if (rc != 0) return SpawnErrorToStatus(rc, program);
  }
  close(write_fd);
  write_fd = -1;

  // Kills the whole process group (gcore runs gdb as a child) and reaps.
  auto kill_and_reap = [child] {
    kill(-child, SIGKILL);
    WaitBlocking(child);
  };

  std::string output;
  bool timed_out = false;
  char buffer[4096];
  while (true) {
    if (absl::Now() >= end) {
      timed_out = true;
      break;
    }
    pollfd fd = {read_fd, POLLIN, 0};
    int ready = poll(&fd, 1, PollTimeoutMs(end));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      int error = errno;
      kill_and_reap();
      return absl::ErrnoToStatus(error, "poll on gcore output");
    }
    if (ready == 0) continue;
    ssize_t n = read(read_fd, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      int error = errno;
      kill_and_reap();
      return absl::ErrnoToStatus(error, "reading gcore output");
    }
    if (n == 0) break;  // EOF: every writer closed stdout
    // Keep the first kMaxOutputBytes, drain the rest so the child never
    // blocks on a full pipe.
    size_t keep = std::min(static_cast<size_t>(n), kMaxOutputBytes - output.size());
    output.append(buffer, keep);
  }

  int status = 0;
  while (!timed_out) {
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) {
      int error = errno;
      kill(-child, SIGKILL);
      return absl::ErrnoToStatus(error, "waitpid for gcore");
    }
    if (absl::Now() >= end) {
      timed_out = true;
      break;
    }
    absl::SleepFor(std::min(kExitPollInterval, end - absl::Now()));
  }
  if (timed_out) {
    kill_and_reap();
    return absl::DeadlineExceededError(
        absl::StrCat("gcore command ", program, " did not finish within ",
                     absl::FormatDuration(deadline), "; its process group was killed"));
  }
  if (WIFSIGNALED(status)) {
    return absl::InternalError(
        absl::StrCat("gcore command ", program, " was killed by signal ", WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("gcore command ", program, " exited with status ",
                                            WIFEXITED(status) ? WEXITSTATUS(status) : status));
  }
  return output;
}

}  // namespace httpok
}  // namespace svl
