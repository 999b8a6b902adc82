// File: tests/testing/supervisord.h
//
// A private, real supervisord (Debian's /usr/bin/supervisord) for integration
// tests: config written into a fresh directory under TEST_TMPDIR, its unix
// socket in a short mkdtemp directory under /tmp (a socket path must be under
// 108 bytes), debug-level log (or as SupervisordOptions says), stopped and
// cleaned up by the destructor.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(R"(
//   [program:web]
//   command=/usr/bin/python3 -m http.server 8000
//   )");
//   ASSERT_TRUE(sv.ok()) << sv.status();
//   ASSERT_TRUE((*sv)->WaitForLog("success: web entered RUNNING state",
//                                 absl::Seconds(10)).ok());
//   setenv("SUPERVISOR_SERVER_URL", (*sv)->server_url().c_str(), 1);

#ifndef SVL_TESTS_TESTING_SUPERVISORD_H_
#define SVL_TESTS_TESTING_SUPERVISORD_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace testing {

struct SupervisordOptions {
  // Also serve XML-RPC on 127.0.0.1:<port> ([inet_http_server]): a random
  // port below the ephemeral range (supervisord rejects port 0), another one
  // when that port is taken.
  bool inet_http_server = false;
  // When non-empty, both servers require these credentials.
  std::string username;
  std::string password;
  // The `[supervisord] identifier` (the `server:` header token).
  std::string identifier = "supervisor";
  // The `[supervisord] loglevel`. "trace" also logs every XML-RPC call
  // (`XML-RPC method called: supervisor.getAllProcessInfo()`).
  std::string loglevel = "debug";
  // How long Start() waits for the socket to accept connections.
  absl::Duration start_timeout = absl::Seconds(60);
};

class Supervisord {
 public:
  // Start() writes supervisord.conf (base sections + `extra_config`) into a
  // new directory under TEST_TMPDIR and starts supervisord in the foreground
  // (-n). `extra_config` may use %(here)s for that directory. Returns once
  // the unix socket accepts connections.
  static absl::StatusOr<std::unique_ptr<Supervisord>> Start(
      absl::string_view extra_config, SupervisordOptions options = {});

  // Sends SIGTERM, waits (SIGKILL after 30 s), removes the socket directory.
  ~Supervisord();
  Supervisord(const Supervisord&) = delete;
  Supervisord& operator=(const Supervisord&) = delete;

  // The directory holding the config, logs and test files (%(here)s).
  const std::string& dir() const { return dir_; }
  const std::string& config_path() const { return config_path_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& log_path() const { return log_path_; }
  // unix:///<socket_path>, what supervisord gives its children.
  std::string server_url() const { return "unix://" + socket_path_; }
  // http://127.0.0.1:<port> when inet_http_server was requested, else "".
  const std::string& http_url() const { return http_url_; }
  pid_t pid() const { return pid_; }

  // ReadLog() returns supervisord's log so far.
  std::string ReadLog() const;

  // WaitForLog() polls the log until it contains `needle` (kDeadlineExceeded
  // with the log's tail otherwise).
  absl::Status WaitForLog(absl::string_view needle, absl::Duration timeout) const;

  // CountInLog() counts occurrences of `needle` in the log.
  int CountInLog(absl::string_view needle) const;

  // Ctl() runs `/usr/bin/supervisorctl -c <config> <args...>` and returns its
  // stdout (supervisorctl's exit status is not checked: `status` exits 3 when
  // a process is not running).
  absl::StatusOr<std::string> Ctl(const std::vector<std::string>& args) const;

 private:
  Supervisord() = default;
  // One start-up attempt; `inet_port` is used with options.inet_http_server.
  static absl::StatusOr<std::unique_ptr<Supervisord>> Launch(
      absl::string_view extra_config, const SupervisordOptions& options, int inet_port);

  std::string dir_;
  std::string socket_dir_;
  std::string config_path_;
  std::string socket_path_;
  std::string log_path_;
  std::string http_url_;
  pid_t pid_ = -1;
};

// MakeTestDir() creates a fresh directory under TEST_TMPDIR (or /tmp).
absl::StatusOr<std::string> MakeTestDir(absl::string_view prefix);

// CountOpenFds() is the number of open file descriptors of this process
// (-1 if /proc/self/fd cannot be read), for fd-leak assertions.
int CountOpenFds();

// WriteFile() / ReadFile(): whole-file helpers for tests.
absl::Status WriteFile(const std::string& path, absl::string_view contents);
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_SUPERVISORD_H_
