#include "mailer/smtp_status.h"

#include <curl/curl.h>

#include <cerrno>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace mailer {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;

struct Case {
  CURLcode curl;
  long smtp_code;
  absl::StatusCode expected;
};

class SmtpTransferStatusTest : public ::testing::TestWithParam<Case> {};

TEST_P(SmtpTransferStatusTest, MapsCode) {
  const Case& c = GetParam();
  EXPECT_THAT(SmtpTransferStatus(c.curl, c.smtp_code, "err", "", "smtp://h"),
              StatusIs(c.expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SmtpTransferStatusTest,
    ::testing::Values(
        Case{CURLE_OPERATION_TIMEDOUT, 220,
             absl::StatusCode::kDeadlineExceeded},
        Case{CURLE_LOGIN_DENIED, 535, absl::StatusCode::kUnauthenticated},
        Case{CURLE_AUTH_ERROR, 0, absl::StatusCode::kUnauthenticated},
        Case{CURLE_COULDNT_CONNECT, 0, absl::StatusCode::kUnavailable},
        Case{CURLE_COULDNT_RESOLVE_HOST, 0, absl::StatusCode::kUnavailable},
        Case{CURLE_SSL_CONNECT_ERROR, 0, absl::StatusCode::kFailedPrecondition},
        Case{CURLE_USE_SSL_FAILED, 250, absl::StatusCode::kFailedPrecondition},
        Case{CURLE_PEER_FAILED_VERIFICATION, 0,
             absl::StatusCode::kFailedPrecondition},
        Case{CURLE_URL_MALFORMAT, 0, absl::StatusCode::kInvalidArgument},
        // Rejected recipient / sender / data: curl says SEND_ERROR or
        // RECV_ERROR; the reply code tells a rejection from the network.
        Case{CURLE_SEND_ERROR, 550, absl::StatusCode::kFailedPrecondition},
        Case{CURLE_RECV_ERROR, 554, absl::StatusCode::kFailedPrecondition},
        Case{CURLE_SEND_ERROR, 451, absl::StatusCode::kUnavailable},
        Case{CURLE_WEIRD_SERVER_REPLY, 554,
             absl::StatusCode::kFailedPrecondition},
        Case{CURLE_SEND_ERROR, 0, absl::StatusCode::kUnavailable},
        Case{CURLE_RECV_ERROR, 250, absl::StatusCode::kUnavailable},
        Case{CURLE_GOT_NOTHING, 0, absl::StatusCode::kUnavailable},
        Case{CURLE_WEIRD_SERVER_REPLY, 0, absl::StatusCode::kDataLoss},
        Case{CURLE_OUT_OF_MEMORY, 0, absl::StatusCode::kResourceExhausted}));

TEST(SmtpTransferStatusMessageTest, OkIsOk) {
  EXPECT_THAT(SmtpTransferStatus(CURLE_OK, 250, "", "", "smtp://h"), IsOk());
}

TEST(SmtpTransferStatusMessageTest, IncludesErrorBufferAndServerReply) {
  EXPECT_THAT(
      SmtpTransferStatus(CURLE_SEND_ERROR, 550, "RCPT failed: 550",
                         "550 5.1.1 no such user", "smtp://127.0.0.1:25"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "SMTP delivery via smtp://127.0.0.1:25 failed: RCPT failed: "
               "550 (server said: 550 5.1.1 no such user)"));
}

TEST(SmtpTransferStatusMessageTest, FallsBackToCurlStrerror) {
  EXPECT_THAT(SmtpTransferStatus(CURLE_COULDNT_CONNECT, 0, "", "", "smtp://h"),
              StatusIs(absl::StatusCode::kUnavailable,
                       std::string("SMTP delivery via smtp://h failed: ") +
                           curl_easy_strerror(CURLE_COULDNT_CONNECT)));
}

TEST(SmtpTransferStatusMessageTest, ConnectFailureNamesTheErrno) {
  EXPECT_THAT(
      SmtpTransferStatus(CURLE_COULDNT_CONNECT, 0,
                         "Failed to connect to 127.0.0.1 port 1 after 0 ms: "
                         "Couldn't connect to server",
                         "", "smtp://127.0.0.1:1", ECONNREFUSED),
      StatusIs(absl::StatusCode::kUnavailable,
               "SMTP delivery via smtp://127.0.0.1:1 failed: Failed to connect "
               "to 127.0.0.1 port 1 after 0 ms: Connection refused"));
}

}  // namespace
}  // namespace mailer
}  // namespace svl
