#include "tests/testing/smtp_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

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

}  // namespace
}  // namespace testing
}  // namespace svl
