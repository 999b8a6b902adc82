#include "tests/testing/smtp_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/testing/loopback_listener.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

// The server: aiosmtpd's SMTP protocol with a handler that records each
// delivery (format in the header) or refuses it, served on the listening
// socket the test hands over as fd 3. It writes "ready" (atomically) once it
// serves. hostname= spares socket.getfqdn(), a DNS lookup. Arguments: out_dir,
// cert and key ("" without STARTTLS), auth user and password ("" without
// AUTH), then "1"/"0" for auth_require_tls, record_session, reject_data.
constexpr char kServerPy[] = R"py(import asyncio, os, socket, ssl, sys
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, out_dir, record_session, reject_data):
        self.out_dir = out_dir
        self.record_session = record_session
        self.reject_data = reject_data
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith('reject-'):
            return '550 5.1.1 <%s>: Recipient address rejected' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data:
            return '554 5.7.1 Rejected for testing'
        self.count += 1
        base = os.path.join(self.out_dir, 'msg%d' % self.count)
        with open(base + '.tmp', 'wb') as f:
            if self.record_session:
                if session.ssl is not None:
                    f.write(b'TLS\n')
                if session.authenticated:
                    f.write(b'AUTH ' + session.auth_data.login + b'\n')
            f.write(b'MAIL FROM:' + envelope.mail_from.encode() + b'\n')
            for rcpt in envelope.rcpt_tos:
                f.write(b'RCPT TO:' + rcpt.encode() + b'\n')
            f.write(b'\n' + envelope.original_content)
        os.rename(base + '.tmp', base + '.eml')
        return '250 Message accepted for delivery'


def Authenticator(user, password):
    # Only the builtin PLAIN and LOGIN mechanisms exist (the Recorder has no
    # auth_ methods); both hand over a LoginPassword.
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == user and auth_data.password == password)
        # handled=False: aiosmtpd answers 535 itself on failure.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return authenticate


(out_dir, cert, key, auth_user, auth_password, auth_require_tls,
 record_session, reject_data) = sys.argv[1:9]
tls_context = None
if cert:
    tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_context.check_hostname = False
    tls_context.load_cert_chain(cert, key)
auth_options = {}
if auth_user:
    auth_options = dict(
        authenticator=Authenticator(auth_user.encode(), auth_password.encode()),
        auth_required=True, auth_require_tls=auth_require_tls == '1')
recorder = Recorder(out_dir, record_session == '1', reject_data == '1')
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
loop.run_until_complete(loop.create_server(
    lambda: SMTP(recorder, hostname='localhost', tls_context=tls_context,
                 require_starttls=tls_context is not None, **auth_options),
    sock=socket.socket(fileno=3)))
ready = os.path.join(out_dir, 'ready')
with open(ready + '.tmp', 'w'):
    pass
os.rename(ready + '.tmp', ready)
loop.run_forever()
)py";

}  // namespace

absl::StatusOr<std::unique_ptr<SmtpServer>> SmtpServer::Start(
    const SmtpServerOptions& options) {
  auto server = std::unique_ptr<SmtpServer>(new SmtpServer);
  absl::StatusOr<std::string> dir = MakeTestDir("aiosmtpd");
  if (!dir.ok()) return dir.status();
  server->dir_ = *dir;
  absl::StatusOr<LoopbackListener> listening = ListenOnLoopback();
  if (!listening.ok()) return listening.status();
  const int listen_fd = listening->fd;
  absl::Cleanup close_listen_fd = [listen_fd] { close(listen_fd); };
  server->port_ = listening->port;
  server->cert_path_ = *dir + "/cert.pem";
  const std::string key_path = *dir + "/key.pem";
  if (options.starttls) {
    const std::string openssl = absl::StrCat(
        "/usr/bin/openssl req -x509 -newkey ec -pkeyopt "
        "ec_paramgen_curve:prime256v1 -nodes -keyout '",
        key_path, "' -out '", server->cert_path_,
        "' -subj /CN=127.0.0.1 -addext "
        "subjectAltName=IP:127.0.0.1,DNS:localhost -days 2 "
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
  // The listening socket becomes the server's fd 3 (dup2 clears CLOEXEC).
  posix_spawn_file_actions_adddup2(&actions, listen_fd, 3);
  std::vector<std::string> args = {"/usr/bin/python3", "-c", kServerPy, *dir,
                                   options.starttls ? server->cert_path_ : "",
                                   options.starttls ? key_path : "",
                                   options.auth_user,
                                   options.auth_password,
                                   options.auth_require_tls ? "1" : "0",
                                   options.record_session || !options.auth_user.empty() ? "1" : "0",
                                   options.reject_data ? "1" : "0"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  if (int rc = posix_spawn(&server->pid_, argv[0], &actions, nullptr,
                           argv.data(), envp.data());
      rc != 0) {
    server->pid_ = -1;
    return absl::ErrnoToStatus(rc, "posix_spawn aiosmtpd");
  }
  // Connections to the port already complete in the kernel's backlog; wait
  // until aiosmtpd serves them, so that a client's greeting timeout does not
  // include python's start-up.
  bool exited = false;
  const absl::Status ready = WaitFor(
      [&] {
        int status;
        exited = waitpid(server->pid_, &status, WNOHANG) == server->pid_;
        return exited || access((*dir + "/ready").c_str(), F_OK) == 0;
      },
      kWaitTimeout, "aiosmtpd to serve");
  if (exited) {
    server->pid_ = -1;
    absl::StatusOr<std::string> text = ReadFile(log);
    return absl::InternalError(absl::StrCat(
        "aiosmtpd exited: ", text.ok() ? *text : text.status().ToString()));
  }
  if (!ready.ok()) return ready;
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
