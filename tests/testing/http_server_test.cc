#include "tests/testing/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace testing {
namespace {

// Sends `request` to 127.0.0.1:port and reads until the peer closes.
std::string Exchange(int port, const std::string& request, bool shutdown_write) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  if (shutdown_write) shutdown(fd, SHUT_WR);
  std::string reply;
  char buf[1024];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) reply.append(buf, static_cast<size_t>(n));
  close(fd);
  return reply;
}

TEST(HttpServerTest, AnswersWithTheHandlersResponseAndRecordsTheRequest) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  ASSERT_THAT(server, IsOk());
  HttpResponse response;
  response.status = 503;
  response.reason = "Service Unavailable";
  response.body = "down";
  (*server)->SetResponse(response);
  std::string reply = Exchange((*server)->port(),
                               "GET /a?b=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n",
                               /*shutdown_write=*/true);
  EXPECT_EQ(reply, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\ndown");
  std::vector<HttpRequest> requests = (*server)->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/a?b=1");
  EXPECT_EQ(requests[0].Header("user-agent"), "t");
  EXPECT_EQ((*server)->connections(), 1);
}

TEST(HttpServerTest, CloseImmediatelySendsNothing) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  ASSERT_THAT(server, IsOk());
  HttpResponse response;
  response.action = HttpResponse::Action::kCloseImmediately;
  (*server)->SetResponse(response);
  EXPECT_EQ(Exchange((*server)->port(), "GET / HTTP/1.1\r\n\r\n", false), "");
}

TEST(HttpServerTest, UrlNamesTheBoundPort) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  ASSERT_THAT(server, IsOk());
  EXPECT_EQ((*server)->Url("/x"), "http://127.0.0.1:" + std::to_string((*server)->port()) + "/x");
}

}  // namespace
}  // namespace testing
}  // namespace svl
