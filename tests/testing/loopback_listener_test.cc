#include "tests/testing/loopback_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace svl {
namespace testing {
namespace {

TEST(LoopbackListenerTest, ListensOnTheReportedLoopbackPort) {
  absl::StatusOr<LoopbackListener> listening = ListenOnLoopback();
  ASSERT_TRUE(listening.ok()) << listening.status();
  EXPECT_GT(listening->port, 0);
  EXPECT_NE(fcntl(listening->fd, F_GETFD) & FD_CLOEXEC, 0);
  const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(client, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(listening->port));
  EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const int accepted = accept(listening->fd, nullptr, nullptr);
  EXPECT_GE(accepted, 0);
  close(accepted);
  close(client);
  close(listening->fd);
}

}  // namespace
}  // namespace testing
}  // namespace svl
