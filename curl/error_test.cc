#include "curl/error.h"

#include <curl/curl.h>

#include <cerrno>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace curl {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;

struct Case {
  CURLcode code;
  CurlErrorKind kind;
  absl::StatusCode status_code;
};

TEST(CurlStatusCodeTest, Table) {
  const Case cases[] = {
      {CURLE_OK, CurlErrorKind::kNone, absl::StatusCode::kOk},
      {CURLE_OPERATION_TIMEDOUT, CurlErrorKind::kTimeout, absl::StatusCode::kDeadlineExceeded},
      {CURLE_COULDNT_RESOLVE_HOST, CurlErrorKind::kResolve, absl::StatusCode::kUnavailable},
      {CURLE_COULDNT_RESOLVE_PROXY, CurlErrorKind::kResolve, absl::StatusCode::kUnavailable},
      {CURLE_COULDNT_CONNECT, CurlErrorKind::kConnect, absl::StatusCode::kUnavailable},
      {CURLE_SEND_ERROR, CurlErrorKind::kNetwork, absl::StatusCode::kUnavailable},
      {CURLE_RECV_ERROR, CurlErrorKind::kNetwork, absl::StatusCode::kUnavailable},
      {CURLE_GOT_NOTHING, CurlErrorKind::kNetwork, absl::StatusCode::kUnavailable},
      {CURLE_SSL_CONNECT_ERROR, CurlErrorKind::kTls, absl::StatusCode::kFailedPrecondition},
      {CURLE_PEER_FAILED_VERIFICATION, CurlErrorKind::kTls,
       absl::StatusCode::kFailedPrecondition},
      {CURLE_USE_SSL_FAILED, CurlErrorKind::kTls, absl::StatusCode::kFailedPrecondition},
      {CURLE_SSL_CERTPROBLEM, CurlErrorKind::kTls, absl::StatusCode::kFailedPrecondition},
      {CURLE_SSL_CACERT_BADFILE, CurlErrorKind::kTls, absl::StatusCode::kFailedPrecondition},
      {CURLE_SSL_CLIENTCERT, CurlErrorKind::kTls, absl::StatusCode::kFailedPrecondition},
      {CURLE_LOGIN_DENIED, CurlErrorKind::kLogin, absl::StatusCode::kUnauthenticated},
      {CURLE_AUTH_ERROR, CurlErrorKind::kLogin, absl::StatusCode::kUnauthenticated},
      {CURLE_WEIRD_SERVER_REPLY, CurlErrorKind::kBadReply, absl::StatusCode::kDataLoss},
      {CURLE_PARTIAL_FILE, CurlErrorKind::kBadReply, absl::StatusCode::kDataLoss},
      {CURLE_BAD_CONTENT_ENCODING, CurlErrorKind::kBadReply, absl::StatusCode::kDataLoss},
      {CURLE_URL_MALFORMAT, CurlErrorKind::kBadRequest, absl::StatusCode::kInvalidArgument},
      {CURLE_UNSUPPORTED_PROTOCOL, CurlErrorKind::kBadRequest,
       absl::StatusCode::kInvalidArgument},
      {CURLE_BAD_FUNCTION_ARGUMENT, CurlErrorKind::kBadRequest,
       absl::StatusCode::kInvalidArgument},
      {CURLE_UNKNOWN_OPTION, CurlErrorKind::kBadRequest, absl::StatusCode::kInvalidArgument},
      {CURLE_NOT_BUILT_IN, CurlErrorKind::kBadRequest, absl::StatusCode::kInvalidArgument},
      {CURLE_OUT_OF_MEMORY, CurlErrorKind::kResource, absl::StatusCode::kResourceExhausted},
      {CURLE_FILESIZE_EXCEEDED, CurlErrorKind::kResource, absl::StatusCode::kResourceExhausted},
      {CURLE_WRITE_ERROR, CurlErrorKind::kOther, absl::StatusCode::kInternal},
      {CURLE_ABORTED_BY_CALLBACK, CurlErrorKind::kOther, absl::StatusCode::kInternal},
      {CURLE_FAILED_INIT, CurlErrorKind::kOther, absl::StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CurlErrorKindOf(c.code), c.kind) << c.code;
    EXPECT_EQ(CurlStatusCode(c.code), c.status_code) << c.code;
    EXPECT_EQ(CurlStatus(c.code).code(), c.status_code) << c.code;
  }
}

TEST(CurlStatusTest, OkIsOkWhateverTheBuffer) {
  EXPECT_THAT(CurlStatus(CURLE_OK, "ignored", ECONNREFUSED), IsOk());
  EXPECT_EQ(CurlErrorText(CURLE_OK, "ignored"), "");
}

TEST(CurlStatusTest, MessageIsTheErrorBufferElseCurlsText) {
  EXPECT_THAT(CurlStatus(CURLE_COULDNT_CONNECT, "Connection refused"),
              StatusIs(absl::StatusCode::kUnavailable, "Connection refused"));
  EXPECT_THAT(CurlStatus(CURLE_OPERATION_TIMEDOUT, ""),
              StatusIs(absl::StatusCode::kDeadlineExceeded, "Timeout was reached"));
  EXPECT_EQ(CurlErrorText(CURLE_GOT_NOTHING), std::string(curl_easy_strerror(CURLE_GOT_NOTHING)));
}

TEST(CurlErrorTextTest, ConnectFailureNamesTheErrno) {
  EXPECT_EQ(CurlErrorText(CURLE_COULDNT_CONNECT,
                          "Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to "
                          "server",
                          ECONNREFUSED),
            "Failed to connect to 127.0.0.1 port 1 after 0 ms: Connection refused");
  // Without a buffer, curl's own text is the one replaced.
  EXPECT_EQ(CurlErrorText(CURLE_COULDNT_CONNECT, "", ENOENT), "No such file or directory");
  // Without an errno, or for another code, the text stays.
  EXPECT_EQ(CurlErrorText(CURLE_COULDNT_CONNECT, "", 0), "Couldn't connect to server");
  EXPECT_EQ(CurlErrorText(CURLE_RECV_ERROR, "Couldn't connect to server", ECONNREFUSED),
            "Couldn't connect to server");
}

TEST(CurlErrorTextTest, IsOneTrimmedLine) {
  EXPECT_EQ(CurlErrorText(CURLE_WEIRD_SERVER_REPLY, " bad\r\nreply\n"), "bad  reply");
}

}  // namespace
}  // namespace curl
}  // namespace svl
