#include "tests/testing/smtp_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace testing {
namespace {

// The aiosmtpd handler: see the header for the recorded format.
constexpr char kRecorderPy[] = R"py(import os


class Recorder:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith('reject-'):
            return '550 5.1.1 <%s>: Recipient address rejected' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out_dir, 'msg%d' % self.count)
        with open(base + '.tmp', 'wb') as f:
            f.write(b'MAIL FROM:' + envelope.mail_from.encode() + b'\n')
            for rcpt in envelope.rcpt_tos:
                f.write(b'RCPT TO:' + rcpt.encode() + b'\n')
            f.write(b'\n' + envelope.original_content)
        os.rename(base + '.tmp', base + '.eml')
        return '250 Message accepted for delivery'
)py";

}  // namespace

bool PortAccepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok =
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

absl::StatusOr<std::unique_ptr<SmtpServer>> SmtpServer::Start(
    const SmtpServerOptions& options) {
  auto server = std::unique_ptr<SmtpServer>(new SmtpServer);
  absl::StatusOr<std::string> dir = MakeTestDir("aiosmtpd");
  if (!dir.ok()) return dir.status();
  server->dir_ = *dir;
  absl::Status s = WriteFile(*dir + "/recorder.py", kRecorderPy);
  if (!s.ok()) return s;
  absl::StatusOr<int> port = PickFreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;
  server->cert_path_ = *dir + "/cert.pem";
  const std::string key_path = *dir + "/key.pem";
  if (options.starttls) {
    const std::string openssl = absl::StrCat(
        "/usr/bin/openssl req -x509 -newkey ec -pkeyopt "
        "ec_paramgen_curve:prime256v1 -nodes -keyout '",
        key_path, "' -out '", server->cert_path_,
        "' -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 "
        "2> '",
        *dir, "/openssl.log'");
    if (std::system(openssl.c_str()) != 0) {
      return absl::InternalError("openssl req failed: " + openssl);
    }
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  absl::Cleanup destroy = [&actions] {
    posix_spawn_file_actions_destroy(&actions);
  };
  const std::string log = *dir + "/aiosmtpd.log";
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<std::string> args = {"/usr/bin/python3",
                                   "-m",
                                   "aiosmtpd",
                                   "-n",
                                   "-l",
                                   absl::StrCat("127.0.0.1:", *port),
                                   "-c",
                                   "recorder.Recorder",
                                   *dir};
  if (options.starttls) {
    args.insert(args.begin() + 6,
                {"--tlscert", server->cert_path_, "--tlskey", key_path});
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"PYTHONPATH=" + *dir,
                                          "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  if (int rc = posix_spawn(&server->pid_, argv[0], &actions, nullptr,
                           argv.data(), envp.data());
      rc != 0) {
    server->pid_ = -1;
    return absl::ErrnoToStatus(rc, "posix_spawn aiosmtpd");
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (!PortAccepts(*port)) {
    int status;
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      absl::StatusOr<std::string> text = ReadFile(log);
      return absl::InternalError(absl::StrCat(
          "aiosmtpd exited: ", text.ok() ? *text : text.status().ToString()));
    }
    if (absl::Now() > give_up) {
      return absl::DeadlineExceededError("aiosmtpd did not start");
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return server;
}

SmtpServer::~SmtpServer() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string SmtpServer::url() const {
  return absl::StrCat("smtp://127.0.0.1:", port_);
}

std::vector<std::string> SmtpServer::Received() const {
  std::vector<std::string> out;
  for (int i = 1;; ++i) {
    absl::StatusOr<std::string> text =
        ReadFile(absl::StrCat(dir_, "/msg", i, ".eml"));
    if (!text.ok()) break;
    out.push_back(*text);
  }
  return out;
}

}  // namespace testing
}  // namespace svl
