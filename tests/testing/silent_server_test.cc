#include "tests/testing/silent_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace testing {
namespace {

// A connected client socket, closed on destruction.
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    connected_ =
        fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  bool connected_ = false;
};

TEST(SilentServerTest, AcceptsAndNeverAnswers) {
  absl::StatusOr<std::unique_ptr<SilentServer>> server = SilentServer::Start();
  ASSERT_THAT(server.status(), IsOk());
  EXPECT_GT((*server)->port(), 0);
  EXPECT_EQ((*server)->accepted(), 0);

  Client client((*server)->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE((*server)->WaitForAccepted(1, absl::Seconds(30)));
  EXPECT_EQ((*server)->accepted(), 1);
  ASSERT_EQ(write(client.fd(), "EHLO x\r\n", 8), 8);

  // Silence: neither a byte nor a close (which would be readable too).
  pollfd readable = {client.fd(), POLLIN, 0};
  EXPECT_EQ(poll(&readable, 1, /*timeout_ms=*/200), 0);
}

TEST(SilentServerTest, CountsEveryConnection) {
  absl::StatusOr<std::unique_ptr<SilentServer>> server = SilentServer::Start();
  ASSERT_THAT(server.status(), IsOk());
  Client first((*server)->port());
  Client second((*server)->port());
  ASSERT_TRUE(first.connected());
  ASSERT_TRUE(second.connected());
  EXPECT_TRUE((*server)->WaitForAccepted(2, absl::Seconds(30)));
  EXPECT_EQ((*server)->accepted(), 2);
}

TEST(SilentServerTest, WaitForAcceptedTimesOutWithoutConnections) {
  absl::StatusOr<std::unique_ptr<SilentServer>> server = SilentServer::Start();
  ASSERT_THAT(server.status(), IsOk());
  EXPECT_FALSE((*server)->WaitForAccepted(1, absl::Milliseconds(50)));
}

TEST(SilentServerTest, DestructionClosesTheConnections) {
  absl::StatusOr<std::unique_ptr<SilentServer>> server = SilentServer::Start();
  ASSERT_THAT(server.status(), IsOk());
  Client client((*server)->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE((*server)->WaitForAccepted(1, absl::Seconds(30)));
  server->reset();

  // The client sees end of file: the server closed its side.
  pollfd readable = {client.fd(), POLLIN, 0};
  ASSERT_EQ(poll(&readable, 1, /*timeout_ms=*/30000), 1);
  char byte;
  EXPECT_EQ(read(client.fd(), &byte, 1), 0);
}

}  // namespace
}  // namespace testing
}  // namespace svl
