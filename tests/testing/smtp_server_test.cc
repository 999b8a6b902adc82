#include "tests/testing/smtp_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mailer/message.h"
#include "mailer/smtp_mailer.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace testing {
namespace {

using ::svl::mailer::Message;
using ::svl::mailer::SmtpConfig;
using ::svl::mailer::SmtpMailer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// A raw SMTP client: one command per Exchange(), one single-line reply.
class RawSmtp {
 public:
  explicit RawSmtp(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    connected_ = fd_ >= 0 &&
                 connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawSmtp() {
    if (fd_ >= 0) close(fd_);
  }
  bool connected() const { return connected_; }

  // Sends `command` (may be empty) and returns the next reply line, CRLF
  // stripped; "" on a closed connection.
  std::string Exchange(const std::string& command) {
    if (!command.empty() &&
        write(fd_, command.data(), command.size()) != static_cast<ssize_t>(command.size())) {
      return "";
    }
    std::string line;
    char c;
    while (!absl::EndsWith(line, "\r\n")) {
      if (read(fd_, &c, 1) != 1) return "";
      line.push_back(c);
    }
    line.resize(line.size() - 2);
    return line;
  }

  // Sends `command` and returns every line of a multi-line reply ("250-a",
  // "250 b"), each CRLF-stripped, joined by "\n".
  std::string ExchangeMultiline(const std::string& command) {
    std::string reply = Exchange(command);
    std::string last = reply;
    while (last.size() >= 4 && last[3] == '-') {
      last = Exchange("");
      reply += "\n" + last;
    }
    return reply;
  }

 private:
  int fd_;
  bool connected_ = false;
};

TEST(SmtpServerTest, RecordsEnvelopeAndRawDataAndRejectsRejectRecipients) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start();
  ASSERT_THAT(server.status(), IsOk());
  EXPECT_EQ((*server)->url(), "smtp://127.0.0.1:" + std::to_string((*server)->port()));
  EXPECT_THAT((*server)->Received(), IsEmpty());

  RawSmtp smtp((*server)->port());
  ASSERT_TRUE(smtp.connected());
  EXPECT_EQ(smtp.Exchange("").substr(0, 4), "220 ");
  EXPECT_EQ(smtp.Exchange("HELO test\r\n").substr(0, 4), "250 ");
  EXPECT_EQ(smtp.Exchange("MAIL FROM:<a@example.com>\r\n"), "250 OK");
  EXPECT_EQ(smtp.Exchange("RCPT TO:<b@example.com>\r\n"), "250 OK");
  EXPECT_EQ(smtp.Exchange("RCPT TO:<reject-c@example.com>\r\n"),
            "550 5.1.1 <reject-c@example.com>: Recipient address rejected");
  EXPECT_EQ(smtp.Exchange("DATA\r\n").substr(0, 4), "354 ");
  EXPECT_EQ(smtp.Exchange("Subject: hi\r\n\r\nbody\r\n..dot\r\n.\r\n"),
            "250 Message accepted for delivery");
  EXPECT_EQ(smtp.Exchange("QUIT\r\n").substr(0, 4), "221 ");

  EXPECT_THAT((*server)->Received(), ElementsAre("MAIL FROM:a@example.com\n"
                                                 "RCPT TO:b@example.com\n"
                                                 "\n"
                                                 "Subject: hi\r\n\r\nbody\r\n.dot\r\n"));
}

// "AUTH PLAIN <base64 of \0user\0password>\r\n".
std::string AuthPlain(const std::string& user, const std::string& password) {
  return "AUTH PLAIN " + absl::Base64Escape(std::string(1, '\0') + user + std::string(1, '\0') + password) +
         "\r\n";
}

SmtpServerOptions AuthInClear() {
  SmtpServerOptions options;
  options.auth_user = "alice";
  options.auth_password = "s3cret";
  options.auth_require_tls = false;
  return options;
}

TEST(SmtpServerTest, AuthInClearAcceptsOnlyTheUserAndRecordsTheLogin) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(AuthInClear());
  ASSERT_THAT(server.status(), IsOk());
  RawSmtp smtp((*server)->port());
  ASSERT_TRUE(smtp.connected());
  EXPECT_EQ(smtp.Exchange("").substr(0, 4), "220 ");
  EXPECT_THAT(smtp.ExchangeMultiline("EHLO test\r\n"), HasSubstr("\n250-AUTH LOGIN PLAIN\n"));
  EXPECT_EQ(smtp.Exchange("MAIL FROM:<a@example.com>\r\n"), "530 5.7.0 Authentication required");
  EXPECT_EQ(smtp.Exchange(AuthPlain("alice", "wrong")),
            "535 5.7.8 Authentication credentials invalid");
  EXPECT_EQ(smtp.Exchange(AuthPlain("bob", "s3cret")),
            "535 5.7.8 Authentication credentials invalid");
  EXPECT_EQ(smtp.Exchange(AuthPlain("alice", "s3cret")), "235 2.7.0 Authentication successful");
  EXPECT_EQ(smtp.Exchange("MAIL FROM:<a@example.com>\r\n"), "250 OK");
  EXPECT_EQ(smtp.Exchange("RCPT TO:<b@example.com>\r\n"), "250 OK");
  EXPECT_EQ(smtp.Exchange("DATA\r\n").substr(0, 4), "354 ");
  EXPECT_EQ(smtp.Exchange("body\r\n.\r\n"), "250 Message accepted for delivery");
  EXPECT_EQ(smtp.Exchange("QUIT\r\n").substr(0, 4), "221 ");

  EXPECT_THAT((*server)->Received(), ElementsAre("AUTH alice\n"
                                                 "MAIL FROM:a@example.com\n"
                                                 "RCPT TO:b@example.com\n"
                                                 "\n"
                                                 "body\r\n"));
}

TEST(SmtpServerTest, AuthLoginMechanismWorks) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(AuthInClear());
  ASSERT_THAT(server.status(), IsOk());
  RawSmtp smtp((*server)->port());
  ASSERT_TRUE(smtp.connected());
  EXPECT_EQ(smtp.Exchange("").substr(0, 4), "220 ");
  EXPECT_THAT(smtp.ExchangeMultiline("EHLO test\r\n"), HasSubstr("250-AUTH LOGIN PLAIN"));
  EXPECT_EQ(smtp.Exchange("AUTH LOGIN\r\n").substr(0, 4), "334 ");
  EXPECT_EQ(smtp.Exchange(absl::Base64Escape("alice") + "\r\n").substr(0, 4), "334 ");
  EXPECT_EQ(smtp.Exchange(absl::Base64Escape("s3cret") + "\r\n"),
            "235 2.7.0 Authentication successful");
}

TEST(SmtpServerTest, AuthRequiresTlsByDefault) {
  SmtpServerOptions options;
  options.auth_user = "alice";
  options.auth_password = "s3cret";
  absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(options);
  ASSERT_THAT(server.status(), IsOk());
  RawSmtp smtp((*server)->port());
  ASSERT_TRUE(smtp.connected());
  EXPECT_EQ(smtp.Exchange("").substr(0, 4), "220 ");
  EXPECT_THAT(smtp.ExchangeMultiline("EHLO test\r\n"), Not(HasSubstr("AUTH")));
  EXPECT_EQ(smtp.Exchange(AuthPlain("alice", "s3cret")),
            "538 5.7.11 Encryption required for requested authentication mechanism");
  EXPECT_EQ(smtp.Exchange("MAIL FROM:<a@example.com>\r\n"), "530 5.7.0 Authentication required");
  EXPECT_THAT((*server)->Received(), IsEmpty());
}

TEST(SmtpServerTest, RejectDataRefusesEveryMessageAndRecordsNothing) {
  SmtpServerOptions options;
  options.reject_data = true;
  absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(options);
  ASSERT_THAT(server.status(), IsOk());
  RawSmtp smtp((*server)->port());
  ASSERT_TRUE(smtp.connected());
  EXPECT_EQ(smtp.Exchange("").substr(0, 4), "220 ");
  EXPECT_EQ(smtp.Exchange("HELO test\r\n").substr(0, 4), "250 ");
  EXPECT_EQ(smtp.Exchange("MAIL FROM:<a@example.com>\r\n"), "250 OK");
  EXPECT_EQ(smtp.Exchange("RCPT TO:<b@example.com>\r\n"), "250 OK");
  EXPECT_EQ(smtp.Exchange("DATA\r\n").substr(0, 4), "354 ");
  EXPECT_EQ(smtp.Exchange("body\r\n.\r\n"), "554 5.7.1 Rejected for testing");
  EXPECT_EQ(smtp.Exchange("QUIT\r\n").substr(0, 4), "221 ");
  EXPECT_THAT((*server)->Received(), IsEmpty());
}

// Through the real client: STARTTLS, verified against cert_path().
class SmtpServerStarttlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SmtpServerOptions options;
    options.starttls = true;
    options.record_session = true;
    absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(options);
    ASSERT_THAT(server.status(), IsOk());
    server_ = *std::move(server);
  }

  absl::Status Send(SmtpConfig config) {
    config.from = "httpok@example.com";
    config.require_starttls = true;
    config.verify_peer = true;
    absl::StatusOr<std::unique_ptr<SmtpMailer>> mailer = SmtpMailer::Create(config);
    if (!mailer.ok()) return mailer.status();
    Message m;
    m.to = "ops@example.com";
    m.subject = "over TLS";
    m.body = "secret";
    return (*mailer)->Send(m);
  }

  std::unique_ptr<SmtpServer> server_;
};

TEST_F(SmtpServerStarttlsTest, CertificateIsTrustedFor127001AndLocalhost) {
  for (const char* host : {"127.0.0.1", "localhost"}) {
    SCOPED_TRACE(host);
    SmtpConfig config;
    config.url = absl::StrCat("smtp://", host, ":", server_->port());
    config.ca_file = server_->cert_path();
    EXPECT_THAT(Send(config), IsOk());
  }
  const std::vector<std::string> received = server_->Received();
  ASSERT_EQ(received.size(), 2u);
  for (const std::string& delivery : received) {
    EXPECT_THAT(delivery, StartsWith("TLS\n"
                                     "MAIL FROM:httpok@example.com\n"
                                     "RCPT TO:ops@example.com\n"
                                     "\n"));
  }
}

TEST_F(SmtpServerStarttlsTest, CertificateIsNotTrustedBySystemCas) {
  SmtpConfig config;
  config.url = server_->url();
  EXPECT_THAT(Send(config), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(server_->Received(), IsEmpty());
}

TEST(SmtpServerAuthTest, StarttlsThenAuthRecordsBoth) {
  SmtpServerOptions options;
  options.starttls = true;
  options.auth_user = "alice";
  options.auth_password = "s3cret";
  absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start(options);
  ASSERT_THAT(server.status(), IsOk());
  SmtpConfig config;
  config.url = (*server)->url();
  config.from = "httpok@example.com";
  config.require_starttls = true;
  config.ca_file = (*server)->cert_path();
  config.username = "alice";
  Message m;
  m.to = "ops@example.com";
  m.body = "b";

  config.password = "wrong";
  absl::StatusOr<std::unique_ptr<SmtpMailer>> refused = SmtpMailer::Create(config);
  ASSERT_THAT(refused.status(), IsOk());
  EXPECT_THAT((*refused)->Send(m), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT((*server)->Received(), IsEmpty());

  config.password = "s3cret";
  absl::StatusOr<std::unique_ptr<SmtpMailer>> mailer = SmtpMailer::Create(config);
  ASSERT_THAT(mailer.status(), IsOk());
  ASSERT_THAT((*mailer)->Send(m), IsOk());
  const std::vector<std::string> received = (*server)->Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_THAT(received[0], StartsWith("TLS\n"
                                      "AUTH alice\n"
                                      "MAIL FROM:httpok@example.com\n"
                                      "RCPT TO:ops@example.com\n"
                                      "\n"));
}

}  // namespace
}  // namespace testing
}  // namespace svl
