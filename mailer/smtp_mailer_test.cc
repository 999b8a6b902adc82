#include "mailer/smtp_mailer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mailer/message.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/smtp_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace mailer {
namespace {

using ::svl::testing::CountOpenFds;
using ::svl::testing::IsOk;
using ::svl::testing::RefusedPort;
using ::svl::testing::SmtpServer;
using ::svl::testing::SmtpServerOptions;
using ::svl::testing::StatusIs;
using ::testing::EndsWith;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

SmtpServerOptions StarttlsServer() {
  SmtpServerOptions options;
  options.starttls = true;
  return options;
}

std::unique_ptr<SmtpMailer> MakeMailer(SmtpConfig config) {
  absl::StatusOr<std::unique_ptr<SmtpMailer>> mailer =
      SmtpMailer::Create(std::move(config));
  EXPECT_THAT(mailer.status(), IsOk());
  return mailer.ok() ? std::move(*mailer) : nullptr;
}

class SmtpMailerServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<SmtpServer>> server = SmtpServer::Start();
    ASSERT_THAT(server.status(), IsOk());
    server_ = std::move(*server);
    config_.url = server_->url();
    config_.from = "httpok@example.com";
    config_.deadline = absl::Seconds(30);
  }

  std::unique_ptr<SmtpServer> server_;
  SmtpConfig config_;
};

TEST_F(SmtpMailerServerTest, DeliversEnvelopeHeadersAndBody) {
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config_);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "ops@example.com, Night Shift <night@example.com>";
  m.subject = "httpok: http://foo/bar: bad status returned";
  // A line with a lone dot must not end the DATA early.
  m.body = "error contacting http://foo/bar:\n\n foo\n.\n..two dots";
  const int fds_before = CountOpenFds();
  ASSERT_THAT(mailer->Send(m), IsOk());
  EXPECT_EQ(CountOpenFds(), fds_before);

  const std::vector<std::string> received = server_->Received();
  ASSERT_EQ(received.size(), 1u);
  const std::vector<std::string> lines =
      absl::StrSplit(received[0], absl::ByString("\r\n"));
  // Envelope lines end with LF (written by the recorder), then the wire
  // bytes with CRLF.
  EXPECT_THAT(received[0],
              StartsWith("MAIL FROM:httpok@example.com\n"
                         "RCPT TO:ops@example.com\n"
                         "RCPT TO:night@example.com\n"
                         "\n"
                         "From: httpok@example.com\r\n"
                         "To: ops@example.com, Night Shift "
                         "<night@example.com>\r\n"
                         "Subject: httpok: http://foo/bar: bad status "
                         "returned\r\n"
                         "Date: "));
  // curl ends the DATA with CRLF "." CRLF, so the message gains a final CRLF.
  ASSERT_EQ(lines.size(), 12u) << received[0];
  EXPECT_THAT(lines[3], MatchesRegex("Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), "
                                     "[0-9]{2} [A-Z][a-z]{2} [0-9]{4} "
                                     "[0-9]{2}:[0-9]{2}:[0-9]{2} \\+0000"));
  EXPECT_THAT(
      lines[4],
      MatchesRegex("Message-ID: <[0-9]+\\.[0-9a-f]{16}@example\\.com>"));
  EXPECT_EQ(lines[5], "");
  EXPECT_EQ(lines[6], "error contacting http://foo/bar:");
  EXPECT_EQ(lines[7], "");
  EXPECT_EQ(lines[8], " foo");
  EXPECT_EQ(lines[9], ".");
  EXPECT_EQ(lines[10], "..two dots");
  EXPECT_EQ(lines[11], "");
}

TEST_F(SmtpMailerServerTest, KeepsGivenHeadersAndEncodesSubject) {
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config_);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "ops@example.com";
  m.from = "Watcher <watch@example.com>";
  m.subject = "Caf\xc3\xa9\r\nBcc: evil@example.com";
  m.date = absl::FromUnixSeconds(1770285600);  // Thu, 05 Feb 2026 10:00 UTC
  m.message_id = "<fixed@example.com>";
  m.body = "b";
  ASSERT_THAT(mailer->Send(m), IsOk());
  const std::vector<std::string> received = server_->Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0],
            "MAIL FROM:httpok@example.com\n"
            "RCPT TO:ops@example.com\n"
            "\n"
            "From: Watcher <watch@example.com>\r\n"
            "To: ops@example.com\r\n"
            "Subject: =?UTF-8?B?Q2Fmw6kgIEJjYzogZXZpbEBleGFtcGxlLmNvbQ==?=\r\n"
            "Date: Thu, 05 Feb 2026 10:00:00 +0000\r\n"
            "Message-ID: <fixed@example.com>\r\n"
            "\r\n"
            "b\r\n");
}

TEST_F(SmtpMailerServerTest, RejectedRecipientIsFailedPreconditionWithReply) {
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config_);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "reject-me@example.com";
  m.subject = "s";
  m.body = "b";
  EXPECT_THAT(
      mailer->Send(m),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               absl::StrCat("SMTP delivery via ", server_->url(),
                            " failed: RCPT failed: 550 (server said: 550 "
                            "5.1.1 <reject-me@example.com>: Recipient "
                            "address rejected)")));
  EXPECT_TRUE(server_->Received().empty());
}

TEST_F(SmtpMailerServerTest, RequiredStarttlsNotOfferedIsFailedPrecondition) {
  config_.require_starttls = true;
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config_);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "ops@example.com";
  EXPECT_THAT(mailer->Send(m),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("SMTP delivery via ", server_->url(),
                                    " failed: STARTTLS not supported.")));
  EXPECT_TRUE(server_->Received().empty());
}

TEST(SmtpMailerStarttlsTest, DeliversOverStarttlsWithVerifiedCertificate) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> server =
      SmtpServer::Start(StarttlsServer());
  ASSERT_THAT(server.status(), IsOk());
  SmtpConfig config;
  config.url = (*server)->url();
  config.from = "httpok@example.com";
  config.require_starttls = true;
  config.ca_file = (*server)->cert_path();
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "ops@example.com";
  m.subject = "over TLS";
  m.body = "secret";
  ASSERT_THAT(mailer->Send(m), IsOk());
  const std::vector<std::string> received = (*server)->Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_THAT(received[0], StartsWith("MAIL FROM:httpok@example.com\n"
                                      "RCPT TO:ops@example.com\n"
                                      "\n"
                                      "From: httpok@example.com\r\n"
                                      "To: ops@example.com\r\n"
                                      "Subject: over TLS\r\n"));
  EXPECT_THAT(received[0], EndsWith("\r\n\r\nsecret\r\n"));
}

TEST(SmtpMailerStarttlsTest, UntrustedCertificateIsRefused) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> server =
      SmtpServer::Start(StarttlsServer());
  ASSERT_THAT(server.status(), IsOk());
  SmtpConfig config;
  config.url = (*server)->url();
  config.from = "httpok@example.com";
  // The system CA store does not know the self-signed certificate.
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "ops@example.com";
  EXPECT_THAT(mailer->Send(m),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       StartsWith(absl::StrCat("SMTP delivery via ", config.url,
                                               " failed: "))));
  EXPECT_TRUE((*server)->Received().empty());
}

TEST(SmtpMailerNetworkTest, RefusedConnectionIsUnavailable) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused.status(), IsOk());
  SmtpConfig config;
  config.url = absl::StrCat("smtp://127.0.0.1:", (*refused)->port());
  config.from = "httpok@example.com";
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "ops@example.com";
  const int fds_before = CountOpenFds();
  EXPECT_THAT(mailer->Send(m),
              StatusIs(absl::StatusCode::kUnavailable,
                       StartsWith(absl::StrCat("SMTP delivery via ", config.url,
                                               " failed: "))));
  EXPECT_EQ(CountOpenFds(), fds_before);
}

TEST(SmtpMailerNetworkTest, SilentServerHitsTheDeadline) {
  // A socket that accepts connections (backlog) but never greets.
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  absl::Cleanup close_listener = [listener] { close(listener); };
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)),
            0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);

  SmtpConfig config;
  config.url = absl::StrCat("smtp://127.0.0.1:", ntohs(addr.sin_port));
  config.from = "httpok@example.com";
  config.deadline = absl::Seconds(1);
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = "ops@example.com";
  EXPECT_THAT(mailer->Send(m),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       StartsWith(absl::StrCat("SMTP delivery via ", config.url,
                                               " failed: "))));
}

struct BadConfigCase {
  std::string name;
  std::string url;
  std::string from;
  std::string message;
};

class SmtpMailerCreateTest : public ::testing::TestWithParam<BadConfigCase> {};

TEST_P(SmtpMailerCreateTest, RejectsBadConfig) {
  SmtpConfig config;
  config.url = GetParam().url;
  config.from = GetParam().from;
  EXPECT_THAT(SmtpMailer::Create(config),
              StatusIs(absl::StatusCode::kInvalidArgument, GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SmtpMailerCreateTest,
    ::testing::Values(
        BadConfigCase{"HttpScheme", "http://mail.example.com", "a@example.com",
                      "SMTP URL 'http://mail.example.com' must start with "
                      "smtp:// or smtps://"},
        BadConfigCase{"Empty", "", "a@example.com",
                      "SMTP URL '' must start with smtp:// or smtps://"},
        BadConfigCase{"NoHost", "smtp://", "a@example.com",
                      "SMTP URL 'smtp://' has no valid host"},
        BadConfigCase{"Newline", "smtp://h\r\nx", "a@example.com",
                      "SMTP URL 'smtp://h  x' has no valid host"},
        BadConfigCase{
            "Credentials", "smtps://user:pw@mail.example.com", "a@example.com",
            "SMTP URL must not contain credentials; use username/password"},
        BadConfigCase{"EmptyFrom", "smtp://h", "",
                      "invalid SMTP sender address ''"},
        BadConfigCase{"InjectedFrom", "smtp://h", "a@x>\r\nRCPT TO:<b@y",
                      "invalid SMTP sender address 'a@x>  RCPT TO:<b@y'"}),
    [](const ::testing::TestParamInfo<BadConfigCase>& info) {
      return info.param.name;
    });

TEST(SmtpMailerCreateTest, AcceptsSmtpsAndNamedSender) {
  SmtpConfig config;
  config.url = "SMTPS://mail.example.com:465";
  config.from = "Watcher <watch@example.com>";
  EXPECT_THAT(SmtpMailer::Create(config).status(), IsOk());
}

TEST(SmtpMailerRecipientTest, RejectsBadRecipientsWithoutConnecting) {
  SmtpConfig config;
  config.url = "smtp://192.0.2.1:25";  // TEST-NET-1: never reached
  config.connect_timeout = absl::Seconds(1);
  config.from = "a@example.com";
  std::unique_ptr<SmtpMailer> mailer = MakeMailer(config);
  ASSERT_NE(mailer, nullptr);
  Message m;
  m.to = " , ";
  EXPECT_THAT(mailer->Send(m), StatusIs(absl::StatusCode::kInvalidArgument,
                                        "no recipient address in ' , '"));
  m.to = "a@example.com\r\nRCPT TO:<b@evil.example>";
  EXPECT_THAT(mailer->Send(m),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid recipient address 'a@example.com  RCPT "
                       "TO:<b@evil.example>'"));
}

}  // namespace
}  // namespace mailer
}  // namespace svl
