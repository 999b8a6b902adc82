#include "base/url_redaction.h"

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"

namespace svl {
namespace base {
namespace {

TEST(RedactUrlTest, HidesUserInfo) {
  EXPECT_EQ(RedactUrl("http://user:pass@host:8080/x"), "http://***@host:8080/x");
  EXPECT_EQ(RedactUrl("https://user@host/x@y"), "https://***@host/x@y");
  EXPECT_EQ(RedactUrl("http://a:b@c@host?q=@"), "http://***@host?q=@");
  EXPECT_EQ(RedactUrl("http://host/path?u=a@b"), "http://host/path?u=a@b");
  EXPECT_EQ(RedactUrl("http://host"), "http://host");
  EXPECT_EQ(RedactUrl("u:p@host/x"), "***@host/x");
  EXPECT_EQ(RedactUrl(""), "");
  EXPECT_EQ(RedactUrl("http://@host/"), "http://***@host/");
}

TEST(RedactUrlTest, FragmentEndsTheAuthority) {
  EXPECT_EQ(RedactUrl("http://host#a@b"), "http://host#a@b");
  EXPECT_EQ(RedactUrl("smtp://u:p@mail:25"), "smtp://***@mail:25");
}

TEST(UrlUserInfoTest, FindsTheCredentialsOfTheAuthorityOnly) {
  EXPECT_EQ(UrlUserInfo("http://user:pass@host:8080/x"), absl::string_view("user:pass"));
  EXPECT_EQ(UrlUserInfo("http://a:b@c@host?q=@"), absl::string_view("a:b@c"));
  EXPECT_EQ(UrlUserInfo("http://@host/"), absl::string_view(""));
  EXPECT_EQ(UrlUserInfo("http://host/path?u=a@b"), absl::nullopt);
  EXPECT_EQ(UrlUserInfo(""), absl::nullopt);
}

TEST(UrlUserInfoTest, PointsIntoTheUrl) {
  const absl::string_view url = "http://u:p@h/";
  const absl::optional<absl::string_view> user_info = UrlUserInfo(url);
  ASSERT_TRUE(user_info.has_value());
  EXPECT_EQ(user_info->data(), url.data() + 7);
}

}  // namespace
}  // namespace base
}  // namespace svl
