#include "httpok/reasons.h"

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "httpok/http_probe.h"

namespace svl {
namespace httpok {
namespace {

TEST(ReasonsTest, ReasonCodes) {
  EXPECT_EQ(StatusReason(503), "status=503");
  EXPECT_EQ(StatusReason(200), "status=200");
  EXPECT_EQ(ProbeErrorReason(ProbeErrorKind::kTimeout), "timeout");
  EXPECT_EQ(ProbeErrorReason(ProbeErrorKind::kRefused), "refused");
  EXPECT_EQ(ProbeErrorReason(ProbeErrorKind::kDns), "dns");
  EXPECT_EQ(ProbeErrorReason(ProbeErrorKind::kTls), "tls");
  EXPECT_EQ(ProbeErrorReason(ProbeErrorKind::kOther), "error");
  EXPECT_EQ(ProbeErrorReason(ProbeErrorKind::kNone), "error");
}

TEST(ReasonsTest, SharedCodesAreTheKits) {
  EXPECT_EQ(absl::string_view(reason::kOk), "ok");
  EXPECT_EQ(absl::string_view(reason::kRpc), "rpc");
  EXPECT_EQ(absl::string_view(reason::kMail), "mail");
  EXPECT_EQ(absl::string_view(reason::kBody), "body");
  EXPECT_EQ(absl::string_view(reason::kNotBody), "not-body");
}

}  // namespace
}  // namespace httpok
}  // namespace svl
