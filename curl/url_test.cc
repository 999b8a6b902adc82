#include "curl/url.h"

#include <curl/curl.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace curl {
namespace {

using ::svl::testing::IsOk;

TEST(UrlHandleTest, GivesThePartsOfAUrl) {
  absl::StatusOr<UrlHandle> url = NewUrlHandle();
  ASSERT_THAT(url, IsOk());
  ASSERT_EQ(curl_url_set(url->get(), CURLUPART_URL, "http://user@example.com:8080/a?b#c", 0),
            CURLUE_OK);
  CurlString host = GetUrlPart(*url, CURLUPART_HOST);
  ASSERT_NE(host, nullptr);
  EXPECT_STREQ(host.get(), "example.com");
  CurlString port = GetUrlPart(*url, CURLUPART_PORT);
  ASSERT_NE(port, nullptr);
  EXPECT_STREQ(port.get(), "8080");
  CurlString fragment = GetUrlPart(*url, CURLUPART_FRAGMENT);
  ASSERT_NE(fragment, nullptr);
  EXPECT_STREQ(fragment.get(), "c");
}

TEST(UrlHandleTest, AMissingPartIsNull) {
  absl::StatusOr<UrlHandle> url = NewUrlHandle();
  ASSERT_THAT(url, IsOk());
  ASSERT_EQ(curl_url_set(url->get(), CURLUPART_URL, "http://example.com/", 0), CURLUE_OK);
  EXPECT_EQ(GetUrlPart(*url, CURLUPART_PORT), nullptr);
  EXPECT_EQ(GetUrlPart(*url, CURLUPART_PASSWORD), nullptr);
  // With CURLU_DEFAULT_PORT the scheme's port is given instead.
  CurlString port = GetUrlPart(*url, CURLUPART_PORT, CURLU_DEFAULT_PORT);
  ASSERT_NE(port, nullptr);
  EXPECT_STREQ(port.get(), "80");
}

TEST(UrlHandleTest, AnEmptyHandleHasNoParts) {
  absl::StatusOr<UrlHandle> url = NewUrlHandle();
  ASSERT_THAT(url, IsOk());
  EXPECT_EQ(GetUrlPart(*url, CURLUPART_HOST), nullptr);
}

}  // namespace
}  // namespace curl
}  // namespace svl
