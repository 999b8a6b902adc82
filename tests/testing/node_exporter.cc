#include "tests/testing/node_exporter.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "curl/easy.h"
#include "tests/testing/loopback_listener.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

constexpr char kNodeExporter[] = "/usr/bin/prometheus-node-exporter";

size_t AppendBody(char* data, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeExporter>> NodeExporter::Start(
    const std::string& textfile_dir) {
  auto exporter = std::unique_ptr<NodeExporter>(new NodeExporter);
  absl::StatusOr<std::string> dir = MakeTestDir("node-exporter");
  if (!dir.ok()) return dir.status();
  exporter->log_path_ = *dir + "/node_exporter.log";
  absl::StatusOr<LoopbackListener> listening = ListenOnLoopback();
  if (!listening.ok()) return listening.status();
  const int listen_fd = listening->fd;
  absl::Cleanup close_listen_fd = [listen_fd] { close(listen_fd); };
  exporter->port_ = listening->port;
  const int log_fd = open(exporter->log_path_.c_str(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return absl::ErrnoToStatus(errno, exporter->log_path_);
  absl::Cleanup close_log_fd = [log_fd] { close(log_fd); };
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) return absl::ErrnoToStatus(errno, "/dev/null");
  absl::Cleanup close_null_fd = [null_fd] { close(null_fd); };

  // Everything the child needs is made before fork(): after it, in a
  // process with threads, only async-signal-safe calls (and the snprintf of
  // its own pid into a buffer made here).
  std::vector<std::string> args = {
      kNodeExporter,
      "--collector.disable-defaults",
      "--collector.textfile",
      "--collector.textfile.directory=" + textfile_dir,
      "--web.disable-exporter-metrics",
      "--web.systemd-socket",
  };
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  char path_env[] = "PATH=/usr/bin:/bin";
  char fds_env[] = "LISTEN_FDS=1";
  char pid_env[64] = "LISTEN_PID=";
  char* envp[] = {path_env, fds_env, pid_env, nullptr};

  const pid_t pid = fork();
  if (pid < 0) return absl::ErrnoToStatus(errno, "fork");
  if (pid == 0) {
    // socket activation wants the socket as fd 3 and LISTEN_PID naming the
    // process that execs node_exporter. dup2 clears FD_CLOEXEC; a socket
    // that already is fd 3 keeps it unless cleared.
    if (listen_fd == 3) {
      fcntl(3, F_SETFD, 0);
    } else if (dup2(listen_fd, 3) != 3) {
      _exit(126);
    }
    if (dup2(null_fd, 0) != 0 || dup2(log_fd, 1) != 1 || dup2(log_fd, 2) != 2) _exit(126);
    std::snprintf(pid_env, sizeof(pid_env), "LISTEN_PID=%d", static_cast<int>(getpid()));
    execve(argv[0], argv.data(), envp);
    _exit(127);
  }
  exporter->pid_ = pid;
  // The parent's copy is closed now (close_listen_fd), so that a dead
  // node_exporter refuses connections instead of leaving them in the
  // backlog. Connections wait in the backlog until node_exporter serves.
  std::move(close_listen_fd).Invoke();

  bool exited = false;
  absl::Status last_scrape = absl::UnknownError("no scrape yet");
  const absl::Status ready = WaitFor(
      [&] {
        int status;
        exited = waitpid(exporter->pid_, &status, WNOHANG) == exporter->pid_;
        if (exited) return true;
        absl::StatusOr<std::string> metrics = exporter->Scrape();
        last_scrape = metrics.status();
        return metrics.ok();
      },
      kWaitTimeout, "node_exporter to answer /metrics");
  if (exited) {
    exporter->pid_ = -1;
    return absl::InternalError(absl::StrCat("node_exporter exited: ", exporter->Log()));
  }
  if (!ready.ok()) {
    return absl::DeadlineExceededError(absl::StrCat(ready.message(), "; last scrape: ",
                                                    last_scrape.ToString(), "; log:\n",
                                                    exporter->Log()));
  }
  return exporter;
}

NodeExporter::~NodeExporter() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string NodeExporter::metrics_url() const {
  return absl::StrCat("http://127.0.0.1:", port_, "/metrics");
}

absl::StatusOr<std::string> NodeExporter::Scrape() const {
  absl::StatusOr<curl::EasyHandle> easy = curl::EasyHandle::Create();
  if (!easy.ok()) return easy.status();
  std::string body;
  const std::string url = metrics_url();
  curl::OptionSetter set(*easy);
  set(CURLOPT_URL, url.c_str())(CURLOPT_HTTPGET, 1L)(CURLOPT_TIMEOUT_MS, 30000L)(
      CURLOPT_NOPROXY, "*")(CURLOPT_WRITEFUNCTION, &AppendBody)(CURLOPT_WRITEDATA,
                                                                  static_cast<void*>(&body));
  if (!set.status().ok()) return set.status();
  const CURLcode code = easy->Perform();
  if (code != CURLE_OK) return easy->StatusOf(code);
  if (const long status = easy->ResponseCode(); status != 200) {
    return absl::UnavailableError(absl::StrCat("GET ", url, ": HTTP ", status, "\n", body));
  }
  return body;
}

std::string NodeExporter::Log() const {
  absl::StatusOr<std::string> text = ReadFile(log_path_);
  return text.ok() ? *text : text.status().ToString();
}

std::optional<double> SampleValue(absl::string_view metrics, absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(metrics, '\n')) {
    if (line.size() <= series.size() || line.substr(0, series.size()) != series ||
        line[series.size()] != ' ') {
      continue;
    }
    absl::string_view value = line.substr(series.size() + 1);
    // A sample may carry a timestamp after its value.
    value = value.substr(0, value.find(' '));
    double number;
    if (!absl::SimpleAtod(value, &number)) return std::nullopt;
    return number;
  }
  return std::nullopt;
}

}  // namespace testing
}  // namespace svl
