// File: tests/testing/silent_server.h
//
// A loopback TCP server that accepts every connection and never writes a
// byte: a client's connect succeeds, then its wait for a greeting or an
// answer runs into its own timeout. Connections stay open until the server
// is destroyed.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<SilentServer>> silent = SilentServer::Start();
//   ASSERT_TRUE(silent.ok()) << silent.status();
//   config.url = absl::StrCat("smtp://127.0.0.1:", (*silent)->port());
//   ... the client times out ...
//   EXPECT_TRUE((*silent)->WaitForAccepted(1, absl::Seconds(30)));

#ifndef SVL_TESTS_TESTING_SILENT_SERVER_H_
#define SVL_TESTS_TESTING_SILENT_SERVER_H_

#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace svl {
namespace testing {

class SilentServer {
 public:
  // Start() binds 127.0.0.1:0 in this process, listens, and accepts on its
  // own thread until destroyed. Errors: socket, bind, listen or pipe failed.
  static absl::StatusOr<std::unique_ptr<SilentServer>> Start();

  // Stops the accepting thread, joins it and closes every socket.
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return port_; }

  // accepted() is the number of connections accepted so far (thread-safe).
  int accepted() const;

  // WaitForAccepted() blocks until at least `n` connections were accepted
  // (true) or `deadline` has passed (false).
  bool WaitForAccepted(int n, absl::Duration deadline) const;

 private:
  SilentServer() = default;
  void AcceptLoop();

  int listen_fd_ = -1;
  int wake_read_fd_ = -1;   // readable once the destructor wants the loop to end
  int wake_write_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<int> connections_ ABSL_GUARDED_BY(mu_);
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_SILENT_SERVER_H_
