#include "curl/global.h"

#include <curl/curl.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace curl {
namespace {

using ::svl::testing::IsOk;

TEST(InitCurlGloballyTest, InitialisesAndCountsCalls) {
  ASSERT_THAT(InitCurlGlobally(), IsOk());
  ASSERT_THAT(InitCurlGlobally(), IsOk());
  // Initialised: an easy handle can be made.
  CURL* handle = curl_easy_init();
  EXPECT_NE(handle, nullptr);
  curl_easy_cleanup(handle);
  CleanUpCurlGlobally();
  CleanUpCurlGlobally();
}

}  // namespace
}  // namespace curl
}  // namespace svl
