// File: tests/testing/curl_test_main.cc
// main() for gtest tests that use libcurl: link //tests/testing:curl_test_main
// instead of //third_party:gtest_main. As in production, libcurl is
// initialised once per process by main() (curl_global_init(CURL_GLOBAL_ALL)),
// before any test runs, and cleaned up after all of them; when the
// initialisation fails the test binary exits 1 without running any test.

#include <curl/curl.h>

#include <cstdio>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

int main(int argc, char** argv) {
  const CURLcode code = curl_global_init(CURL_GLOBAL_ALL);
  if (code != CURLE_OK) {
    std::fprintf(stderr, "curl_global_init failed: %s\n",
                 curl_easy_strerror(code));
    return 1;
  }
  ::testing::InitGoogleMock(&argc, argv);
  const int result = RUN_ALL_TESTS();
  curl_global_cleanup();
  return result;
}
