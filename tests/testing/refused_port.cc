#include "tests/testing/refused_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace svl {
namespace testing {

absl::StatusOr<std::unique_ptr<RefusedPort>> RefusedPort::Bind() {
  std::unique_ptr<RefusedPort> refused(new RefusedPort);
  refused->fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (refused->fd_ < 0) return absl::ErrnoToStatus(errno, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(refused->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::ErrnoToStatus(errno, "bind 127.0.0.1:0");
  }
  socklen_t len = sizeof(addr);
  if (getsockname(refused->fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return absl::ErrnoToStatus(errno, "getsockname");
  }
  refused->port_ = ntohs(addr.sin_port);
  return refused;
}

RefusedPort::~RefusedPort() {
  if (fd_ >= 0) close(fd_);
}

std::string RefusedPort::Url(absl::string_view path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

absl::StatusOr<int> RefusedPort::Listen() {
  if (listen(fd_, 16) != 0) return absl::ErrnoToStatus(errno, "listen");
  return fd_;
}

}  // namespace testing
}  // namespace svl
