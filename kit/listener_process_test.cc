#include "kit/listener_process.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/event.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::StatusIs;

// Pipe is a pipe(2) pair closed on destruction.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) == 0) {
      read_end = fds[0];
      write_end = fds[1];
    }
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  void CloseRead() {
    if (read_end >= 0) close(read_end);
    read_end = -1;
  }
  void CloseWrite() {
    if (write_end >= 0) close(write_end);
    write_end = -1;
  }
  std::string ReadAll() {
    std::string all;
    char buffer[4096];
    ssize_t n;
    while ((n = read(read_end, buffer, sizeof buffer)) > 0) all.append(buffer, n);
    return all;
  }
};

void Write(int fd, const std::string& bytes) {
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
}

TEST(RunEventLoopTest, AnswersEveryEventThenRunsAtEndAndReturnsZeroAtEof) {
  Pipe in, out, err;
  Write(in.write_end,
        "ver:3.0 server:supervisor serial:1 pool:l poolserial:1 eventname:TICK_5 len:5\n"
        "when:");
  in.CloseWrite();
  std::vector<std::string> seen;
  bool ended = false;
  const int status = RunEventLoop(
      "memmon",
      [&seen](const protocol::Event& e) {
        seen.push_back(e.header.eventname);
        return std::string(protocol::kResultOk);
      },
      [&ended] { ended = true; }, {in.read_end, out.write_end, err.write_end});
  out.CloseWrite();
  err.CloseWrite();
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(ended);
  EXPECT_THAT(seen, ::testing::ElementsAre("TICK_5"));
  EXPECT_EQ(out.ReadAll(), "READY\nRESULT 2\nOKREADY\n");
  EXPECT_EQ(err.ReadAll(), "");
}

TEST(RunEventLoopTest, ClosedStdoutIsOneLineAndExitStatusOne) {
  Pipe in, out, err;
  out.CloseRead();  // supervisord is gone
  in.CloseWrite();
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old;
  sigaction(SIGPIPE, &ignore, &old);
  const int status = RunEventLoop(
      "memmon", [](const protocol::Event&) { return std::string(protocol::kResultOk); }, nullptr,
      {in.read_end, out.write_end, err.write_end});
  sigaction(SIGPIPE, &old, nullptr);
  err.CloseWrite();
  EXPECT_EQ(status, 1);
  EXPECT_EQ(err.ReadAll(), "memmon: cannot write to supervisord (stdout): Broken pipe\n");
}

TEST(ConnectToSupervisorTest, WithoutTheEnvironmentIsNotFound) {
  unsetenv("SUPERVISOR_SERVER_URL");
  EXPECT_THAT(ConnectToSupervisor().status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ConnectToSupervisorTest, ConnectsToTheUrlItIsGiven) {
  setenv("SUPERVISOR_SERVER_URL", "unix:///tmp/svl-no-such.sock", 1);
  absl::StatusOr<SupervisorConnection> connection = ConnectToSupervisor();
  unsetenv("SUPERVISOR_SERVER_URL");
  ASSERT_TRUE(connection.ok()) << connection.status();
  EXPECT_EQ(connection->server.url, "unix:///tmp/svl-no-such.sock");
  ASSERT_NE(connection->client, nullptr);
  EXPECT_THAT(connection->client->GetAllProcessInfo().status(),
              StatusIs(absl::StatusCode::kUnavailable,
                       ::testing::HasSubstr("/tmp/svl-no-such.sock")));
}

}  // namespace
}  // namespace kit
}  // namespace svl
