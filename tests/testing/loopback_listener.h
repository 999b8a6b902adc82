// File: tests/testing/loopback_listener.h
//
// A listening TCP socket on 127.0.0.1 at a port the kernel picks, for the
// test servers: they bind port 0 themselves (or hand the socket to the
// server they start), so no other test can take the port in between.
//
// Example:
//
//   absl::StatusOr<LoopbackListener> listening = ListenOnLoopback();
//   if (!listening.ok()) return listening.status();
//   ... accept(listening->fd, ...) or hand fd to a child; port for clients ...

#ifndef SVL_TESTS_TESTING_LOOPBACK_LISTENER_H_
#define SVL_TESTS_TESTING_LOOPBACK_LISTENER_H_

#include "absl/status/statusor.h"

namespace svl {
namespace testing {

// A listening socket (close-on-exec; the caller owns and closes it) and the
// port it got.
struct LoopbackListener {
  int fd = -1;
  int port = 0;
};

// ListenOnLoopback() binds 127.0.0.1:0 and listens (backlog 64). An errno
// status ("socket", "bind/listen 127.0.0.1:0") when it cannot; nothing is
// left open then.
absl::StatusOr<LoopbackListener> ListenOnLoopback();

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_LOOPBACK_LISTENER_H_
