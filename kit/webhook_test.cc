#include "kit/webhook.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_server.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::HttpRequest;
using ::svl::testing::HttpResponse;
using ::svl::testing::HttpServer;
using ::svl::testing::IsOk;
using ::svl::testing::IsOkAndHolds;
using ::svl::testing::MakeResponse;
using ::svl::testing::RefusedPort;
using ::svl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

WebhookNotice RestartNotice() {
  WebhookNotice notice;
  notice.text = "httpok [edge1]: web:web restarted (status=503)";
  notice.listener = "httpok";
  notice.name = "edge1";
  notice.host = "db1";
  notice.event = "restart";
  notice.processes = {"web:web", "api:api_00"};
  notice.reason = "status=503";
  notice.subject = "httpok [edge1]: web:web";
  notice.body = "web:web answered 503\n";
  // Fractions of a second are left out of the document.
  notice.time = absl::FromUnixSeconds(1796131971) + absl::Milliseconds(700);
  return notice;
}

std::unique_ptr<HttpServer> StartServer() {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  EXPECT_THAT(server, IsOk());
  return server.ok() ? *std::move(server) : nullptr;
}

// A handler answering the requests with `responses` in turn, the last one
// for every request beyond.
svl::testing::HttpHandler InTurn(std::vector<HttpResponse> responses) {
  auto count = std::make_shared<size_t>(0);
  return [responses = std::move(responses), count](const HttpRequest&) {
    const size_t i = std::min((*count)++, responses.size() - 1);
    return responses[i];
  };
}

HttpResponse Hang() {
  HttpResponse response;
  response.action = HttpResponse::Action::kHang;
  return response;
}

HttpResponse CloseImmediately() {
  HttpResponse response;
  response.action = HttpResponse::Action::kCloseImmediately;
  return response;
}

TEST(WebhookJsonTest, KnownNotice) {
  EXPECT_EQ(WebhookJson(RestartNotice()),
            "{\"text\":\"httpok [edge1]: web:web restarted (status=503)\",\"listener\":\"httpok\","
            "\"name\":\"edge1\",\"host\":\"db1\",\"event\":\"restart\","
            "\"processes\":[\"web:web\",\"api:api_00\"],\"reason\":\"status=503\","
            "\"subject\":\"httpok [edge1]: web:web\",\"body\":\"web:web answered 503\\n\","
            "\"time\":\"2026-12-01T13:32:51Z\"}");
}

TEST(WebhookJsonTest, EmptyFieldsAndNoProcesses) {
  WebhookNotice notice;
  notice.time = absl::UnixEpoch();
  EXPECT_EQ(WebhookJson(notice),
            "{\"text\":\"\",\"listener\":\"\",\"name\":\"\",\"host\":\"\",\"event\":\"\","
            "\"processes\":[],\"reason\":\"\",\"subject\":\"\",\"body\":\"\","
            "\"time\":\"1970-01-01T00:00:00Z\"}");
}

TEST(WebhookJsonTest, InvalidUtf8IsReplacedAndNonAsciiKept) {
  WebhookNotice notice = RestartNotice();
  notice.text = "caf\xc3\xa9 \xff end \xe2\x82";  // é, a stray byte, a cut-off €
  notice.processes = {"g:\xc3\xa9", "g:\xc0"};
  const std::string json = WebhookJson(notice);
  EXPECT_THAT(json, StartsWith("{\"text\":\"caf\xc3\xa9 \xef\xbf\xbd end \xef\xbf\xbd\","));
  EXPECT_THAT(json, HasSubstr("\"processes\":[\"g:\xc3\xa9\",\"g:\xef\xbf\xbd\"],"));
}

TEST(WebhookJsonTest, ControlCharactersAreEscaped) {
  WebhookNotice notice = RestartNotice();
  notice.body = std::string("a\x01\tb\r\n\"q\"\\\x7f\0z", 13);
  EXPECT_THAT(WebhookJson(notice),
              HasSubstr("\"body\":\"a\\u0001\\tb\\r\\n\\\"q\\\"\\\\\x7f\\u0000z\","));
}

TEST(CheckWebhookUrlTest, AcceptsHttpAndHttps) {
  EXPECT_THAT(CheckWebhookUrl("http://127.0.0.1:8080/hook"), IsOk());
  EXPECT_THAT(CheckWebhookUrl("https://hooks.example.com/services/T0/B0/x?y=1"), IsOk());
  EXPECT_THAT(CheckWebhookUrl("HTTPS://user:secret@[::1]:8443/"), IsOk());
  EXPECT_THAT(CheckWebhookUrl("http://example.com"), IsOk());
}

TEST(ShownWebhookUrlTest, KeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(ShownWebhookUrl("https://hooks.slack.com/services/T000/B000/XXXX"),
            "https://hooks.slack.com/***");
  EXPECT_EQ(ShownWebhookUrl("http://user:secret@127.0.0.1:8080/hook?token=t"),
            "http://127.0.0.1:8080/***");
  EXPECT_EQ(ShownWebhookUrl("http://h:9?token=t"), "http://h:9/***");
  EXPECT_EQ(ShownWebhookUrl("http://h/"), "http://h/");
  EXPECT_EQ(ShownWebhookUrl("http://[::1]:9"), "http://[::1]:9");
  EXPECT_EQ(ShownWebhookUrl("no-scheme"), "no-scheme");
  // A password holding '?', '#' or '/' (not encoded) is never shown.
  EXPECT_EQ(ShownWebhookUrl("http://u:pa?ss@host/x"), "http://***");
  EXPECT_EQ(ShownWebhookUrl("http://u:pa/ss@host/x"), "http://***");
  EXPECT_EQ(ShownWebhookUrl("http://u:pa#ss@host/x"), "http://***");
}

TEST(CheckWebhookUrlTest, RefusesOtherSchemes) {
  EXPECT_THAT(CheckWebhookUrl("ftp://x/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'ftp://x/' is not an http:// or https:// URL"));
  EXPECT_THAT(CheckWebhookUrl("hooks.example.com/x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'hooks.example.com/x' is not an http:// or https:// URL"));
  EXPECT_THAT(CheckWebhookUrl(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                            "'' is not an http:// or https:// URL"));
  EXPECT_THAT(CheckWebhookUrl("smtp://u:secret@mail/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'smtp://mail/' is not an http:// or https:// URL"));
}

TEST(CheckWebhookUrlTest, RefusesUrlsWithoutHost) {
  EXPECT_THAT(CheckWebhookUrl("http:///x"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'http:///***' has no host"));
  EXPECT_THAT(CheckWebhookUrl("https://user:secret@:443/x"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'https://***' has no host"));
  EXPECT_THAT(CheckWebhookUrl("http://[]/"),
              StatusIs(absl::StatusCode::kInvalidArgument, "'http://[]/' has no host"));
}

TEST(CheckWebhookUrlTest, RefusesSpacesAndControlCharacters) {
  EXPECT_THAT(CheckWebhookUrl("http://x/a b"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'http://x/***' holds a space or a control character"));
  EXPECT_THAT(CheckWebhookUrl("http://u:secret@x/a\r\nb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'http://***' holds a space or a control character"));
  EXPECT_THAT(CheckWebhookUrl(absl::string_view("http://x/\0", 10)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "'http://x/***' holds a space or a control character"));
}

TEST(CheckWebhookUrlTest, RefusesWhatLibcurlCannotParse) {
  EXPECT_THAT(CheckWebhookUrl("http://u:secret@x:99999/"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("'http://***' is not a valid URL: ",
                                    curl_url_strerror(CURLUE_BAD_PORT_NUMBER))));
}

TEST(ParseWebhookHeaderTest, SplitsAtTheFirstColonAndStripsBlanks) {
  EXPECT_THAT(ParseWebhookHeader("Authorization: Bearer abc"),
              IsOkAndHolds(Pair("Authorization", "Bearer abc")));
  EXPECT_THAT(ParseWebhookHeader("X-Key:\t a:b c \t"), IsOkAndHolds(Pair("X-Key", "a:b c")));
  EXPECT_THAT(ParseWebhookHeader("X-Empty:"), IsOkAndHolds(Pair("X-Empty", "")));
  EXPECT_THAT(ParseWebhookHeader("x!#$%&'*+-.^_`|~9:v"),
              IsOkAndHolds(Pair("x!#$%&'*+-.^_`|~9", "v")));
}

TEST(ParseWebhookHeaderTest, RefusesBadHeadersWithoutShowingTheValue) {
  EXPECT_THAT(ParseWebhookHeader("Bearer secret"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "webhook header without ':' (expected \"Name: value\")"));
  EXPECT_THAT(ParseWebhookHeader(": secret"),
              StatusIs(absl::StatusCode::kInvalidArgument, "webhook header with an empty name"));
  EXPECT_THAT(ParseWebhookHeader("X Key: secret"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "webhook header name 'X Key' is not a token"));
  EXPECT_THAT(ParseWebhookHeader("X\nKey: secret"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "webhook header name 'X\\nKey' is not a token"));
  EXPECT_THAT(ParseWebhookHeader("X-Key: secret\r\nInjected: 1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "webhook header 'X-Key' has a control character in its value"));
  EXPECT_THAT(ParseWebhookHeader("X-Key: se\tcret"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "webhook header 'X-Key' has a control character in its value"));
}

TEST(WebhookClientTest, PostsTheDocumentWithItsHeaders) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string url = server->Url("/hook?x=1");
  WebhookClient client({{url},
                        {{"Authorization", "Bearer abc"}, {"X-Empty", ""}},
                        kDefaultWebhookTimeout,
                        ""});
  const std::string json = WebhookJson(RestartNotice());
  EXPECT_THAT(client.Post(url, json), IsOk());

  const std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 1);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hook?x=1");
  EXPECT_EQ(requests[0].body, json);
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(requests[0].Header("Content-Length"), std::to_string(json.size()));
  EXPECT_EQ(requests[0].Header("Authorization"), "Bearer abc");
  EXPECT_THAT(requests[0].headers, ::testing::Contains(Pair("X-Empty", "")));
}

// curl would announce a body over 1 MiB with "Expect: 100-continue" and
// wait for an answer webhooks rarely give.
TEST(WebhookClientTest, LargeBodyIsSentWithoutExpect) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string url = server->Url("/hook");
  WebhookNotice notice = RestartNotice();
  notice.body = std::string(2 << 20, 'x');
  const std::string json = WebhookJson(notice);
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, json), IsOk());
  const std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 1);
  EXPECT_EQ(requests[0].body, json);
  EXPECT_THAT(requests[0].raw_head, Not(HasSubstr("Expect")));
}

TEST(WebhookClientTest, ServerErrorThenSuccessIsRetriedOnce) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetHandler(InTurn({MakeResponse(500, "Internal Server Error"), MakeResponse(200, "OK")}));
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  const std::string json = WebhookJson(RestartNotice());
  EXPECT_THAT(client.Post(url, json), IsOk());
  const std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 2);
  EXPECT_EQ(requests[0].body, json);
  EXPECT_EQ(requests[1].body, json);
}

TEST(WebhookClientTest, ServerErrorTwiceIsAnError) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetResponse(MakeResponse(503, "Service Unavailable"));
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kUnavailable,
                       absl::StrCat("webhook ", ShownWebhookUrl(url), ": HTTP 503 Service Unavailable (after a retry)")));
  EXPECT_EQ(server->requests().size(), 2);
}

TEST(WebhookClientTest, ClientErrorIsNotRetried) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetResponse(MakeResponse(404, "Not Found"));
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("webhook ", ShownWebhookUrl(url), ": HTTP 404 Not Found")));
  EXPECT_EQ(server->requests().size(), 1);
}

TEST(WebhookClientTest, RedirectIsNotFollowed) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse moved = MakeResponse(301, "Moved Permanently");
  moved.headers = {{"Location", server->Url("/elsewhere")}};
  server->SetResponse(moved);
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("webhook ", ShownWebhookUrl(url), ": HTTP 301 Moved Permanently")));
  const std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 1);
  EXPECT_EQ(requests[0].target, "/hook");
}

TEST(WebhookClientTest, TimeoutIsNotRetried) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetResponse(Hang());
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {}, absl::Milliseconds(200), ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       AllOf(StartsWith(absl::StrCat("webhook ", ShownWebhookUrl(url), ": Operation timed out after ")),
                             EndsWith(" milliseconds with 0 bytes received"))));
  EXPECT_EQ(server->requests().size(), 1);
  EXPECT_EQ(server->connections(), 1);
}

TEST(WebhookClientTest, ConnectionClosedWithoutAnswerIsRetried) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetResponse(CloseImmediately());
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kUnavailable,
                       absl::StrCat("webhook ", ShownWebhookUrl(url), ": Empty reply from server (after a retry)")));
  EXPECT_EQ(server->requests().size(), 2);
  EXPECT_EQ(server->connections(), 2);
}

TEST(WebhookClientTest, ConnectionClosedThenAnsweredSucceeds) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetHandler(InTurn({CloseImmediately(), MakeResponse(204, "No Content", "")}));
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())), IsOk());
  EXPECT_EQ(server->requests().size(), 2);
  EXPECT_EQ(server->connections(), 2);
}

TEST(WebhookClientTest, RefusedConnectionIsRetriedThenAnError) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused, IsOk());
  const std::string url = (*refused)->Url("/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(StartsWith(absl::StrCat("webhook ", ShownWebhookUrl(url), ": Failed to connect to 127.0.0.1 port ",
                                                     (*refused)->port(), " after ")),
                             EndsWith(" ms: Connection refused (after a retry)"))));
}

TEST(WebhookClientTest, PasswordNeverAppearsInErrors) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetResponse(MakeResponse(500, "Internal Server Error"));
  const std::string url = absl::StrCat("http://user:secret@127.0.0.1:", server->port(), "/hook");
  WebhookClient client({{url}, {}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kUnavailable,
                       absl::StrCat("webhook http://127.0.0.1:", server->port(),
                                    "/***: HTTP 500 Internal Server Error (after a retry)")));
  const std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 2);
  EXPECT_EQ(requests[0].Header("Authorization"), "Basic dXNlcjpzZWNyZXQ=");  // user:secret

  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused, IsOk());
  const std::string refused_url =
      absl::StrCat("http://user:secret@127.0.0.1:", (*refused)->port(), "/hook");
  const absl::Status status = client.Post(refused_url, WebhookJson(RestartNotice()));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable,
                               AllOf(StartsWith(absl::StrCat("webhook http://127.0.0.1:",
                                                             (*refused)->port(), "/***: ")),
                                     Not(HasSubstr("secret")))));
}

TEST(WebhookClientTest, BadConfiguredHeaderSendsNothing) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string url = server->Url("/hook");
  WebhookClient client({{url}, {{"X-Key", "secret\r\nInjected: 1"}}, kDefaultWebhookTimeout, ""});
  EXPECT_THAT(client.Post(url, WebhookJson(RestartNotice())),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       absl::StrCat("webhook ", ShownWebhookUrl(url),
                                    ": header 'X-Key' has a control character in its value")));
  EXPECT_EQ(server->connections(), 0);
}

}  // namespace
}  // namespace kit
}  // namespace svl
