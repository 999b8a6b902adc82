// File: tests/testing/curl_test_main.cc
// main() for gtest tests that use libcurl: link //tests/testing:curl_test_main
// instead of //third_party:gtest_main. As in production, libcurl is
// initialised once per process by main() (svl::curl::InitCurlGlobally()),
// before any test runs, and cleaned up after all of them; when the
// initialisation fails the test binary exits 1 without running any test.

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "curl/global.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

int main(int argc, char** argv) {
  if (const absl::Status status = svl::curl::InitCurlGlobally(); !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 1;
  }
  ::testing::InitGoogleMock(&argc, argv);
  const int result = RUN_ALL_TESTS();
  svl::curl::CleanUpCurlGlobally();
  return result;
}
