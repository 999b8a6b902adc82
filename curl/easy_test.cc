#include "curl/easy.h"

#include <curl/curl.h>

#include <cerrno>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_server.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace curl {
namespace {

using ::svl::testing::HttpServer;
using ::svl::testing::IsOk;
using ::svl::testing::RefusedPort;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

size_t Collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

TEST(EasyHandleTest, PerformsATransfer) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  ASSERT_THAT(server, IsOk());
  absl::StatusOr<EasyHandle> easy = EasyHandle::Create();
  ASSERT_THAT(easy, IsOk());
  std::string body;
  const std::string url = (*server)->Url("/x");
  OptionSetter set(*easy);
  set(CURLOPT_URL, url.c_str())(CURLOPT_PROXY, "")(CURLOPT_WRITEFUNCTION, &Collect)(
      CURLOPT_WRITEDATA, &body);
  ASSERT_THAT(set.status(), IsOk());
  EXPECT_EQ(easy->Perform(), CURLE_OK);
  EXPECT_EQ(easy->ResponseCode(), 200);
  EXPECT_EQ(body, "OK");
  EXPECT_EQ(easy->error_buffer(), "");
  EXPECT_THAT(easy->StatusOf(CURLE_OK), IsOk());
}

TEST(EasyHandleTest, ARefusedConnectionIsUnavailableAndNamesTheErrno) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused, IsOk());
  absl::StatusOr<EasyHandle> created = EasyHandle::Create();
  ASSERT_THAT(created, IsOk());
  // The error buffer stays with the handle when it moves.
  EasyHandle easy = *std::move(created);
  const std::string url = (*refused)->Url("/");
  ASSERT_THAT(easy.SetOption(CURLOPT_URL, url.c_str()), IsOk());
  ASSERT_THAT(easy.SetOption(CURLOPT_PROXY, ""), IsOk());
  const CURLcode code = easy.Perform();
  ASSERT_EQ(code, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(easy.OsErrno(), ECONNREFUSED);
  EXPECT_EQ(easy.ResponseCode(), 0);
  EXPECT_THAT(std::string(easy.error_buffer()), HasSubstr(absl::StrCat("port ", (*refused)->port())));
  EXPECT_THAT(easy.StatusOf(code),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Connection refused")));
  EXPECT_EQ(easy.ErrorText(code), std::string(easy.StatusOf(code).message()));
}

TEST(EasyHandleTest, AnEmptyHandleFailsWithoutCrashing) {
  EasyHandle empty;
  EXPECT_FALSE(empty);
  EXPECT_EQ(empty.get(), nullptr);
  EXPECT_EQ(empty.Perform(), CURLE_BAD_FUNCTION_ARGUMENT);
  EXPECT_EQ(empty.error_buffer(), "");
  EXPECT_EQ(empty.OsErrno(), 0);
  EXPECT_EQ(empty.ResponseCode(), 0);
}

TEST(SetOptionTest, NamesTheOptionOnFailure) {
  absl::StatusOr<EasyHandle> easy = EasyHandle::Create();
  ASSERT_THAT(easy, IsOk());
  // A value of the wrong kind never reaches curl_easy_setopt.
  EXPECT_THAT(easy->SetOption(CURLOPT_URL, 1L),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "curl option CURLOPT_URL: does not take a long"));
  EXPECT_THAT(easy->SetOption(CURLOPT_TIMEOUT_MS, "10"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "curl option CURLOPT_TIMEOUT_MS: does not take a data pointer"));
  EXPECT_THAT(easy->SetOption(CURLOPT_WRITEDATA, &Collect),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "curl option CURLOPT_WRITEDATA: does not take a function pointer"));
  // libcurl's own refusals keep its code's status.
  EXPECT_THAT(easy->SetOption(CURLOPT_HTTP_VERSION, 99L),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("curl option CURLOPT_HTTP_VERSION: ")));
  EXPECT_THAT(easy->SetOption(static_cast<CURLoption>(99999), 1L),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("curl option #99999: ")));
  // curl_off_t options take a curl_off_t.
  EXPECT_THAT(easy->SetOption(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(3)), IsOk());
}

TEST(OptionSetterTest, KeepsTheFirstFailureAndStops) {
  absl::StatusOr<EasyHandle> easy = EasyHandle::Create();
  ASSERT_THAT(easy, IsOk());
  OptionSetter set(*easy);
  EXPECT_THAT(set.status(), IsOk());
  set(CURLOPT_NOBODY, 1L)(CURLOPT_URL, 2L)(CURLOPT_TIMEOUT_MS, "x");
  EXPECT_THAT(set.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                     "curl option CURLOPT_URL: does not take a long"));
}

TEST(SlistTest, AppendsCopiesInOrder) {
  Slist list;
  EXPECT_EQ(list.get(), nullptr);
  std::string item = "Accept: text/xml";
  ASSERT_THAT(list.Append(item), IsOk());
  item = "changed";
  ASSERT_THAT(list.Append("Expect:"), IsOk());
  ASSERT_NE(list.get(), nullptr);
  EXPECT_STREQ(list.get()->data, "Accept: text/xml");
  ASSERT_NE(list.get()->next, nullptr);
  EXPECT_STREQ(list.get()->next->data, "Expect:");
  EXPECT_EQ(list.get()->next->next, nullptr);
}

TEST(SlistTest, RefusesANulByte) {
  Slist list;
  EXPECT_THAT(list.Append(absl::string_view("a\0b", 3)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(list.get(), nullptr);
}

}  // namespace
}  // namespace curl
}  // namespace svl
