#include "tests/testing/silent_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tests/testing/loopback_listener.h"

namespace svl {
namespace testing {

absl::StatusOr<std::unique_ptr<SilentServer>> SilentServer::Start() {
  // The destructor closes whatever was opened, also on an early return.
  auto server = std::unique_ptr<SilentServer>(new SilentServer);
  absl::StatusOr<LoopbackListener> listening = ListenOnLoopback();
  if (!listening.ok()) return listening.status();
  server->listen_fd_ = listening->fd;
  server->port_ = listening->port;
  int wake[2];
  if (pipe2(wake, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  server->wake_read_fd_ = wake[0];
  server->wake_write_fd_ = wake[1];
  server->thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

SilentServer::~SilentServer() {
  if (thread_.joinable()) {
    // One byte on the self-pipe wakes the loop's poll().
    const char byte = 0;
    while (write(wake_write_fd_, &byte, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
  }
  absl::MutexLock lock(&mu_);
  for (int fd : connections_) close(fd);
  for (int fd : {listen_fd_, wake_read_fd_, wake_write_fd_}) {
    if (fd >= 0) close(fd);
  }
}

void SilentServer::AcceptLoop() {
  for (;;) {
    pollfd fds[2] = {{wake_read_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    if (fds[1].revents == 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // e.g. the client already gave up (ECONNABORTED)
    absl::MutexLock lock(&mu_);
    connections_.push_back(fd);
  }
}

int SilentServer::accepted() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(connections_.size());
}

bool SilentServer::WaitForAccepted(int n, absl::Duration deadline) const {
  absl::MutexLock lock(&mu_);
  auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return static_cast<int>(connections_.size()) >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), deadline);
}

}  // namespace testing
}  // namespace svl
