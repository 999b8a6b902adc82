// File: tests/testing/smtp_server.h
// A real SMTP server for tests: Debian's aiosmtpd, serving a socket the test
// bound to 127.0.0.1:0 and handed over, with a handler that records every
// delivery to a file.
//
// Example:
//   absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start();
//   ASSERT_TRUE(smtp.ok()) << smtp.status();
//   ... deliver to (*smtp)->url() ...
//   std::vector<std::string> received = (*smtp)->Received();
//
// Each recorded delivery is, with session lines (options.record_session, or
// options.auth_user set), first "TLS\n" if the session did STARTTLS and
// "AUTH <user>\n" if a client logged in, in that order; then (always)
// "MAIL FROM:<from>\n", one "RCPT TO:<rcpt>\n" per accepted recipient, a
// blank line "\n", then the raw DATA bytes exactly as aiosmtpd received them
// (CRLF line ends, dot-unstuffed). Recipients whose address starts with
// "reject-" are refused with "550 5.1.1 <addr>: Recipient address rejected".

#ifndef SVL_TESTS_TESTING_SMTP_SERVER_H_
#define SVL_TESTS_TESTING_SMTP_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace svl {
namespace testing {

struct SmtpServerOptions {
  // With `starttls`, Start() makes a fresh self-signed certificate for
  // 127.0.0.1 and localhost (subjectAltName IP:127.0.0.1, DNS:localhost;
  // cert_path(), usable as a client's CA file) and the server then requires
  // STARTTLS: before it, only EHLO, NOOP, QUIT and STARTTLS are served.
  bool starttls = false;
  // A non-empty `auth_user` makes the server offer AUTH PLAIN and LOGIN,
  // accept only this user with `auth_password` (535 5.7.8 otherwise), and
  // refuse MAIL, RCPT and DATA before a login (530 5.7.0).
  std::string auth_user;
  std::string auth_password;
  // With AUTH, offer and accept it only after STARTTLS (538 5.7.11 before);
  // false offers it in clear too.
  bool auth_require_tls = true;
  // Record the session lines (format above) even without AUTH.
  bool record_session = false;
  // Answer every DATA with "554 5.7.1 Rejected for testing" and record
  // nothing.
  bool reject_data = false;
};

class SmtpServer {
 public:
  // Start() binds and listens on 127.0.0.1:0, runs aiosmtpd's SMTP server
  // (/usr/bin/python3) on that socket with a fresh MakeTestDir() directory,
  // and returns once it serves. Errors: aiosmtpd exited (message includes
  // its log), did not serve within kWaitTimeout (kDeadlineExceeded), or
  // openssl failed.
  static absl::StatusOr<std::unique_ptr<SmtpServer>> Start(
      const SmtpServerOptions& options = {});

  // Kills (SIGKILL) and reaps the server.
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  int port() const { return port_; }
  // "smtp://127.0.0.1:<port>".
  std::string url() const;
  // The self-signed certificate (PEM); exists only with options.starttls.
  const std::string& cert_path() const { return cert_path_; }

  // Received() returns the recorded deliveries (format above), in order;
  // empty when none. A delivery appears only once fully written.
  std::vector<std::string> Received() const;

 private:
  SmtpServer() = default;

  std::string dir_;
  std::string cert_path_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_SMTP_SERVER_H_
