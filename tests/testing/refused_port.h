// File: tests/testing/refused_port.h
//
// A loopback TCP port that refuses connections, for as long as the object
// lives: a socket bound to 127.0.0.1:0 without listen(). A connect() to it
// gets ECONNREFUSED, and since the socket stays bound (without SO_REUSEADDR)
// no other test running in parallel can take the port meanwhile — unlike a
// port that was bound, read and closed.
//
// Listen() turns the same socket into a listening one: a server that comes
// up late, on a port that was refusing until then.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<RefusedPort>> closed = RefusedPort::Bind();
//   ASSERT_TRUE(closed.ok()) << closed.status();
//   options.url = (*closed)->Url("/");  // http://127.0.0.1:<port>/

#ifndef SVL_TESTS_TESTING_REFUSED_PORT_H_
#define SVL_TESTS_TESTING_REFUSED_PORT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace testing {

class RefusedPort {
 public:
  static absl::StatusOr<std::unique_ptr<RefusedPort>> Bind();
  ~RefusedPort();  // closes the socket
  RefusedPort(const RefusedPort&) = delete;
  RefusedPort& operator=(const RefusedPort&) = delete;

  int port() const { return port_; }
  // Url() gives http://127.0.0.1:<port><path>.
  std::string Url(absl::string_view path = "/") const;

  // Listen() starts listening on the bound socket (connections then complete
  // in its backlog) and returns it, for accept(); it stays owned here.
  absl::StatusOr<int> Listen();

 private:
  RefusedPort() = default;
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_REFUSED_PORT_H_
