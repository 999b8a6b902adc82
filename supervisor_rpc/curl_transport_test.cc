#include "supervisor_rpc/curl_transport.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "tests/testing/http_server.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::HttpRequest;
using ::svl::testing::HttpResponse;
using ::svl::testing::HttpServer;
using ::svl::testing::IsOk;
using ::svl::testing::IsOkAndHolds;
using ::svl::testing::RefusedPort;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

std::unique_ptr<HttpServer> StartServer() {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  EXPECT_THAT(server, IsOk());
  return server.ok() ? *std::move(server) : nullptr;
}

std::unique_ptr<CurlTransport> MakeTransport(const ServerConfig& config) {
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(config);
  EXPECT_THAT(transport, IsOk());
  return transport.ok() ? *std::move(transport) : nullptr;
}

ServerConfig HttpConfig(const HttpServer& server, absl::string_view path = "/ignored/path") {
  ServerConfig config;
  config.url = absl::StrCat("http://127.0.0.1:", server.port(), path);
  config.deadline = absl::Seconds(30);  // every call is expected to answer long before
  return config;
}

TEST(CurlTransportTest, PostsXmlToRpc2OverOneKeptAliveConnection) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse response;
  response.body = "<reply/>";
  response.headers = {{"Content-Type", "text/xml"}};
  server->SetResponse(response);
  std::unique_ptr<CurlTransport> transport = MakeTransport(HttpConfig(*server));
  ASSERT_NE(transport, nullptr);

  EXPECT_THAT(transport->Post("<a/>"), IsOkAndHolds(std::string("<reply/>")));
  const std::string big(5000, 'x');  // large enough for curl to consider Expect: 100-continue
  EXPECT_THAT(transport->Post(big), IsOkAndHolds(std::string("<reply/>")));

  const std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/RPC2");
  EXPECT_EQ(requests[0].Header("Content-Type"), "text/xml");
  EXPECT_EQ(requests[0].Header("Host"), absl::StrCat("127.0.0.1:", server->port()));
  EXPECT_EQ(requests[0].Header("Authorization"), "");
  EXPECT_EQ(requests[0].body, "<a/>");
  EXPECT_EQ(requests[1].Header("Expect"), "");
  EXPECT_EQ(requests[1].body, big);
  EXPECT_EQ(server->connections(), 1);
}

TEST(CurlTransportTest, SendsBasicAuthWhenConfigured) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ServerConfig config = HttpConfig(*server);
  config.username = "user";
  config.password = "123";
  std::unique_ptr<CurlTransport> transport = MakeTransport(config);
  ASSERT_NE(transport, nullptr);
  EXPECT_THAT(transport->Post("<a/>"), IsOk());
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].Header("Authorization"), "Basic dXNlcjoxMjM=");
}

TEST(CurlTransportTest, HttpErrorsAndReconnect) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  std::unique_ptr<CurlTransport> transport = MakeTransport(HttpConfig(*server));
  ASSERT_NE(transport, nullptr);

  HttpResponse unauthorized;
  unauthorized.status = 401;
  unauthorized.reason = "Unauthorized";
  server->SetResponse(unauthorized);
  EXPECT_THAT(transport->Post("<a/>"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("HTTP 401")));

  HttpResponse internal;
  internal.status = 500;
  internal.reason = "Internal Server Error";
  server->SetResponse(internal);
  EXPECT_THAT(transport->Post("<a/>"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("HTTP 500 instead of 200")));

  HttpResponse close;
  close.action = HttpResponse::Action::kCloseImmediately;
  server->SetResponse(close);
  EXPECT_THAT(transport->Post("<a/>"),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr(absl::StrCat("XML-RPC call to http://127.0.0.1:", server->port(),
                                              "/ignored/path: "))));

  server->SetResponse(HttpResponse());
  EXPECT_THAT(transport->Post("<a/>"), IsOkAndHolds(std::string("OK")));
  // Every error dropped the connection: four calls, four connections.
  EXPECT_EQ(server->connections(), 4);
}

TEST(CurlTransportTest, HangingHttpServerHitsTheDeadline) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse hang;
  hang.action = HttpResponse::Action::kHang;
  server->SetResponse(hang);
  ServerConfig config = HttpConfig(*server);
  config.deadline = absl::Milliseconds(300);
  std::unique_ptr<CurlTransport> transport = MakeTransport(config);
  ASSERT_NE(transport, nullptr);
  EXPECT_THAT(transport->Post("<a/>"), StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST(CurlTransportTest, UnreachableServerIsUnavailable) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused, IsOk());
  ServerConfig config;
  config.url = (*refused)->Url("/ignored/path");
  config.deadline = absl::Seconds(30);
  std::unique_ptr<CurlTransport> transport = MakeTransport(config);
  ASSERT_NE(transport, nullptr);
  EXPECT_THAT(transport->Post("<a/>"), StatusIs(absl::StatusCode::kUnavailable));

  ServerConfig unix_config;
  unix_config.url = "unix:///nonexistent/dir/supervisor.sock";
  transport = MakeTransport(unix_config);
  ASSERT_NE(transport, nullptr);
  // The error names the socket (libcurl's own text says "localhost port 80").
  EXPECT_THAT(transport->Post("<a/>"),
              StatusIs(absl::StatusCode::kUnavailable,
                       "XML-RPC call to unix:///nonexistent/dir/supervisor.sock: cannot connect "
                       "to unix socket /nonexistent/dir/supervisor.sock: No such file or "
                       "directory (curl error 7)"));
}

TEST(CurlTransportTest, UnixSocketThatNeverAcceptsHitsTheDeadline) {
  char dir_template[] = "/tmp/svl-rpc-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string path = absl::StrCat(dir_template, "/s.sock");
  absl::Cleanup remove_dir = [&] {
    unlink(path.c_str());
    rmdir(dir_template);
  };
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  absl::Cleanup close_fd = [fd] { close(fd); };
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  path.copy(addr.sun_path, path.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 4), 0);  // connections complete in the backlog; never accepted

  ServerConfig config;
  config.url = "unix://" + path;
  config.deadline = absl::Milliseconds(300);
  std::unique_ptr<CurlTransport> transport = MakeTransport(config);
  ASSERT_NE(transport, nullptr);
  EXPECT_THAT(transport->Post("<a/>"), StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST(CurlTransportTest, ResponseSizeLimit) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse huge;
  huge.body = std::string(kMaxResponseBytes + 1, 'x');
  server->SetResponse(huge);
  std::unique_ptr<CurlTransport> transport = MakeTransport(HttpConfig(*server));
  ASSERT_NE(transport, nullptr);
  EXPECT_THAT(transport->Post("<a/>"),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("response larger than")));
}

TEST(CurlTransportTest, CreateValidatesTheUrl) {
  struct Case {
    const char* url;
    const char* message;
  };
  const Case cases[] = {
      {"https://localhost:9001", "Unknown protocol for serverurl https://localhost:9001"},
      {"localhost:9001", "Unknown protocol for serverurl localhost:9001"},
      {"", "Unknown protocol for serverurl "},
      {"unix://", "serverurl unix:// has no socket path"},
      {"http://", "serverurl http:// has no host"},
      {"http:///RPC2", "serverurl http:///RPC2 has no host"},
  };
  for (const Case& c : cases) {
    ServerConfig config;
    config.url = c.url;
    EXPECT_THAT(CurlTransport::Create(config),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
}

TEST(ServerConfigFromEnvironmentTest, ReadsTheVariables) {
  unsetenv("SUPERVISOR_SERVER_URL");
  unsetenv("SUPERVISOR_USERNAME");
  unsetenv("SUPERVISOR_PASSWORD");
  EXPECT_THAT(ServerConfigFromEnvironment(),
              StatusIs(absl::StatusCode::kNotFound, "SUPERVISOR_SERVER_URL is not set"));
  setenv("SUPERVISOR_SERVER_URL", "ftp://x", 1);
  EXPECT_THAT(ServerConfigFromEnvironment(),
              StatusIs(absl::StatusCode::kInvalidArgument, "Unknown protocol for serverurl ftp://x"));
  setenv("SUPERVISOR_SERVER_URL", "unix:///run/sv.sock", 1);
  absl::StatusOr<ServerConfig> config = ServerConfigFromEnvironment();
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->url, "unix:///run/sv.sock");
  EXPECT_EQ(config->username, "");
  setenv("SUPERVISOR_USERNAME", "u", 1);
  setenv("SUPERVISOR_PASSWORD", "p", 1);
  config = ServerConfigFromEnvironment();
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->username, "u");
  EXPECT_EQ(config->password, "p");
  unsetenv("SUPERVISOR_SERVER_URL");
  unsetenv("SUPERVISOR_USERNAME");
  unsetenv("SUPERVISOR_PASSWORD");
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
