#include "tests/testing/supervisord.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "tests/testing/wait_for.h"

extern char** environ;

namespace svl {
namespace testing {
namespace {

// Waits for `pid` to exit for at most `timeout`; true when reaped.
bool WaitForExit(pid_t pid, absl::Duration timeout) {
  return WaitFor(
             [pid] {
               int status = 0;
               const pid_t reaped = waitpid(pid, &status, WNOHANG);
               return reaped == pid || (reaped < 0 && errno == ECHILD);
             },
             timeout, "supervisord to exit")
      .ok();
}

bool CanConnect(const std::string& socket_path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  absl::Cleanup closer = [fd] { close(fd); };
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof(addr.sun_path) - 1);
  return connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

// Runs argv with stdout captured; stderr and stdin go to /dev/null.
absl::StatusOr<std::string> RunCapture(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return absl::ErrnoToStatus(rc, absl::StrCat("posix_spawn ", args[0]));
  }
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return out;
}

// A random port for [inet_http_server], below the kernel's ephemeral range:
// supervisord rejects port 0, and below that range no server binding port 0
// and no outgoing connection ever gets it, so only a fixed-port server can
// hold it (then Start() tries another).
int RandomPortBelowEphemeralRange() {
  constexpr int kLowestPort = 10000;     // clear of well-known service ports
  constexpr int kLinuxDefault = 32768;  // the range's default start
  int first_ephemeral = kLinuxDefault;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  range >> first_ephemeral;
  // A range starting that low leaves too few ports below it.
  if (first_ephemeral < kLowestPort + 1000) first_ephemeral = kLinuxDefault;
  static std::mt19937 random(std::random_device{}());  // Start() runs on one thread
  return std::uniform_int_distribution<int>(kLowestPort, first_ephemeral - 1)(random);
}

}  // namespace

absl::StatusOr<std::string> MakeTestDir(absl::string_view prefix) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string templ = absl::StrCat(base != nullptr ? base : "/tmp", "/", prefix, ".XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::ErrnoToStatus(errno, absl::StrCat("mkdtemp ", templ));
  }
  return templ;
}

int CountOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

absl::Status WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<std::unique_ptr<Supervisord>> Supervisord::Start(
    absl::string_view extra_config, SupervisordOptions options) {
  // Without [inet_http_server] only unix sockets are used: one launch.
  // With it, a port another server holds makes supervisord exit at once
  // with "Another program is already listening on a port": bind and retry
  // with another random port.
  constexpr int kPortAttempts = 20;
  absl::Status last_error;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    const int inet_port = options.inet_http_server ? RandomPortBelowEphemeralRange() : 0;
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Launch(extra_config, options, inet_port);
    if (sv.ok() || !options.inet_http_server ||
        !absl::StrContains(sv.status().message(), "already listening on a port")) {
      return sv;
    }
    last_error = sv.status();
  }
  return last_error;
}

absl::StatusOr<std::unique_ptr<Supervisord>> Supervisord::Launch(
    absl::string_view extra_config, const SupervisordOptions& options, int inet_port) {
  std::unique_ptr<Supervisord> sv(new Supervisord());
  absl::StatusOr<std::string> dir = MakeTestDir("supervisord");
  if (!dir.ok()) return dir.status();
  sv->dir_ = *dir;
  std::string socket_dir = "/tmp/svl.XXXXXX";
  if (mkdtemp(socket_dir.data()) == nullptr) {
    return absl::ErrnoToStatus(errno, "mkdtemp /tmp/svl.XXXXXX");
  }
  sv->socket_dir_ = socket_dir;
  sv->socket_path_ = socket_dir + "/s.sock";
  sv->config_path_ = sv->dir_ + "/supervisord.conf";
  sv->log_path_ = sv->dir_ + "/supervisord.log";

  std::string auth;
  if (!options.username.empty()) {
    auth = absl::StrCat("username=", options.username, "\npassword=", options.password, "\n");
  }
  std::string config = absl::StrCat(
      "[unix_http_server]\nfile=", sv->socket_path_, "\n", auth,
      "\n[supervisord]\nlogfile=", sv->log_path_,
      "\nloglevel=", options.loglevel, "\npidfile=", sv->dir_, "/supervisord.pid",
      "\nchildlogdir=", sv->dir_, "\nidentifier=", options.identifier,
      "\nnodaemon=true\n",
      "\n[rpcinterface:supervisor]\n"
      "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
      "\n[supervisorctl]\nserverurl=unix://", sv->socket_path_, "\n");
  if (!options.username.empty()) {
    absl::StrAppend(&config, auth);
  }
  if (options.inet_http_server) {
    sv->http_url_ = absl::StrCat("http://127.0.0.1:", inet_port);
    absl::StrAppend(&config, "\n[inet_http_server]\nport=127.0.0.1:", inet_port, "\n", auth);
  }
  absl::StrAppend(&config, "\n", extra_config, "\n");
  if (absl::Status s = WriteFile(sv->config_path_, config); !s.ok()) return s;

  std::string out_path = sv->dir_ + "/supervisord.stdout";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args = {"/usr/bin/python3", "/usr/bin/supervisord", "-n", "-c",
                                   sv->config_path_};
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int rc = posix_spawn(&sv->pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    sv->pid_ = -1;
    return absl::ErrnoToStatus(rc, "posix_spawn /usr/bin/supervisord");
  }

  bool exited = false;
  const absl::Status ready = WaitFor(
      [&] {
        int status = 0;
        exited = waitpid(sv->pid_, &status, WNOHANG) == sv->pid_;
        return exited || CanConnect(sv->socket_path_);
      },
      options.start_timeout, "supervisord's socket to accept connections");
  if (exited) {
    sv->pid_ = -1;
    absl::StatusOr<std::string> out = ReadFile(out_path);
    return absl::InternalError(absl::StrCat("supervisord exited at start-up: ",
                                            out.ok() ? *out : "", sv->ReadLog()));
  }
  if (!ready.ok()) {
    return absl::DeadlineExceededError(absl::StrCat(ready.message(), ": ", sv->ReadLog()));
  }
  return sv;
}

Supervisord::~Supervisord() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!WaitForExit(pid_, absl::Seconds(30))) {
      kill(pid_, SIGKILL);
      WaitForExit(pid_, absl::Seconds(5));
    }
  }
  if (!socket_dir_.empty()) {
    unlink(socket_path_.c_str());
    rmdir(socket_dir_.c_str());
  }
}

std::string Supervisord::ReadLog() const {
  absl::StatusOr<std::string> log = ReadFile(log_path_);
  return log.ok() ? *log : std::string();
}

absl::Status Supervisord::WaitForLog(absl::string_view needle,
                                     absl::Duration timeout) const {
  absl::StatusOr<std::string> log = WaitForFileContaining(log_path_, needle, timeout);
  if (!log.ok()) return log.status();
  return absl::OkStatus();
}

int Supervisord::CountInLog(absl::string_view needle) const {
  return CountOccurrences(ReadLog(), needle);
}

absl::StatusOr<std::string> Supervisord::Ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"/usr/bin/python3", "/usr/bin/supervisorctl", "-c",
                                   config_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCapture(argv);
}

}  // namespace testing
}  // namespace svl
