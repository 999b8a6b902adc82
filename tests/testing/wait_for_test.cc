#include "tests/testing/wait_for.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/thread_syscall.h"

namespace svl {
namespace testing {
namespace {

using ::testing::HasSubstr;

TEST(WaitForTest, ReturnsOnceTheConditionHolds) {
  int calls = 0;
  EXPECT_THAT(WaitFor([&] { return ++calls == 3; }, kWaitTimeout, "the third call"), IsOk());
  EXPECT_EQ(calls, 3);
}

TEST(WaitForTest, DeadlineNamesWhatWasAwaited) {
  EXPECT_THAT(WaitFor([] { return false; }, absl::Milliseconds(50), "a miracle"),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       "timed out after 50ms waiting for a miracle"));
}

TEST(CountOccurrencesTest, CountsWithoutOverlap) {
  EXPECT_EQ(CountOccurrences("a\nb\nc\n", "\n"), 3);
  EXPECT_EQ(CountOccurrences("aaaa", "aa"), 2);
  EXPECT_EQ(CountOccurrences("aaa", "aa"), 1);
  EXPECT_EQ(CountOccurrences("RESULT 2\nOKREADY\nRESULT 2\nOK", "RESULT 2\nOKREADY\n"), 1);
  EXPECT_EQ(CountOccurrences("", "x"), 0);
  EXPECT_EQ(CountOccurrences("abc", ""), 0);
}

TEST(WaitForFileTest, ReturnsTheContentsOnceTheNeedleIsThere) {
  absl::StatusOr<std::string> dir = MakeTestDir("wait_for");
  ASSERT_THAT(dir, IsOk());
  const std::string path = *dir + "/log";
  EXPECT_THAT(WaitForFileContaining(path, "two", absl::Milliseconds(50)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("does not exist")));
  ASSERT_THAT(WriteFile(path, "one\n"), IsOk());
  EXPECT_THAT(WaitForFileContaining(path, "two", absl::Milliseconds(50)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("its tail:\none\n")));
  ASSERT_THAT(WriteFile(path, "one\ntwo\n"), IsOk());
  EXPECT_THAT(WaitForFileContaining(path, "two", kWaitTimeout), IsOkAndHolds("one\ntwo\n"));
  EXPECT_THAT(WaitForFile(path, kWaitTimeout), IsOkAndHolds("one\ntwo\n"));
}

// connect() to 127.0.0.1:<port>: 0 or the errno.
int ConnectError(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const int error =
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : errno;
  close(fd);
  return error;
}

TEST(RefusedPortTest, RefusesKeepsThePortAndAcceptsAfterListen) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused, IsOk());
  const int port = (*refused)->port();
  EXPECT_EQ((*refused)->Url("/x"), "http://127.0.0.1:" + std::to_string(port) + "/x");
  EXPECT_EQ(ConnectError(port), ECONNREFUSED);

  // Nobody else can bind it, not even with SO_REUSEADDR.
  const int other = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(other, 0);
  int one = 1;
  setsockopt(other, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  EXPECT_NE(bind(other, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(errno, EADDRINUSE);
  close(other);

  ASSERT_THAT((*refused)->Listen(), IsOk());
  EXPECT_EQ(ConnectError(port), 0);
}

TEST(ThreadSyscallTest, SeesAThreadBlockedInRead) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::atomic<pid_t> reader_tid{0};
  std::thread reader([&] {
    reader_tid = static_cast<pid_t>(syscall(SYS_gettid));
    char c;
    (void)!read(fds[0], &c, 1);
  });
  ASSERT_THAT(WaitFor([&] { return reader_tid != 0 && BlockedSyscall(getpid(), reader_tid) == SYS_read; },
                      kWaitTimeout, "the reader blocked in read(2)"),
              IsOk());
  EXPECT_TRUE(AnyThreadInSyscall(getpid(), {SYS_read}));
  EXPECT_FALSE(AnyThreadSleeping(getpid(), static_cast<pid_t>(syscall(SYS_gettid))));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  reader.join();
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace testing
}  // namespace svl
