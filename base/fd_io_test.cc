#include "base/fd_io.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace base {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;

// ReadAll() reads `fd` to EOF.
std::string ReadAll(int fd) {
  std::string got;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) got.append(buffer, static_cast<size_t>(n));
  return got;
}

TEST(WriteAllTest, WritesEveryByte) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_THAT(WriteAll(fds[1], "line\n"), IsOk());
  EXPECT_THAT(WriteAll(fds[1], ""), IsOk());
  close(fds[1]);
  EXPECT_EQ(ReadAll(fds[0]), "line\n");
  close(fds[0]);
}

TEST(WriteAllTest, WritesLargeBuffersWhole) {
  char path[] = "/tmp/fd_io_test.XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  unlink(path);
  const std::string big(1 << 20, 'x');
  EXPECT_THAT(WriteAll(fd, big), IsOk());
  ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
  EXPECT_EQ(ReadAll(fd), big);
  close(fd);
}

TEST(WriteAllTest, BadDescriptorIsAnErrnoStatus) {
  const absl::Status status = WriteAll(-1, "lost");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               "write(2) to fd -1: Bad file descriptor"));
  EXPECT_FALSE(IsBrokenPipe(status));
}

TEST(WriteAllTest, ClosedReaderIsABrokenPipe) {
  signal(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  const absl::Status status = WriteAll(fds[1], "nobody reads\n");
  close(fds[1]);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               ::testing::HasSubstr("write(2) to fd ")));
  EXPECT_TRUE(IsBrokenPipe(status));
  EXPECT_FALSE(IsBrokenPipe(absl::OkStatus()));
  EXPECT_FALSE(IsBrokenPipe(absl::UnavailableError("write(2) to fd 1: Broken pipe")));
}

}  // namespace
}  // namespace base
}  // namespace svl
