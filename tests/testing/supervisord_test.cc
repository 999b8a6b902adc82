#include "tests/testing/supervisord.h"

#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(SupervisordTest, StartsAProgramAndReportsItThroughSupervisorctl) {
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(R"(
[program:sleeper]
command=/bin/sleep 1000
startsecs=1
)");
  ASSERT_THAT(sv, IsOk());
  EXPECT_THAT((*sv)->server_url(), StartsWith("unix:///tmp/svl."));
  EXPECT_LT((*sv)->socket_path().size(), 108u);
  ASSERT_THAT((*sv)->WaitForLog("success: sleeper entered RUNNING state", kWaitTimeout),
              IsOk());
  absl::StatusOr<std::string> status = (*sv)->Ctl({"status", "sleeper"});
  ASSERT_THAT(status, IsOk());
  EXPECT_THAT(*status, HasSubstr("RUNNING"));
}

TEST(SupervisordTest, InetHttpServerServesOnAPortBelowTheEphemeralRange) {
  SupervisordOptions options;
  options.inet_http_server = true;
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(R"(
[program:sleeper]
command=/bin/sleep 1000
startsecs=0
)",
                                                                        options);
  ASSERT_THAT(sv, IsOk());
  ASSERT_THAT((*sv)->http_url(), StartsWith("http://127.0.0.1:"));
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripPrefix((*sv)->http_url(), "http://127.0.0.1:"), &port));
  absl::StatusOr<std::string> range = ReadFile("/proc/sys/net/ipv4/ip_local_port_range");
  ASSERT_THAT(range, IsOk());
  int first_ephemeral = 0;
  ASSERT_TRUE(absl::SimpleAtoi(range->substr(0, range->find_first_of(" \t")), &first_ephemeral));
  EXPECT_GE(port, 10000);
  EXPECT_LT(port, first_ephemeral);
  ASSERT_THAT((*sv)->WaitForLog("success: sleeper entered RUNNING state", kWaitTimeout), IsOk());
  absl::StatusOr<std::string> status = (*sv)->Ctl({"-s", (*sv)->http_url(), "status", "sleeper"});
  ASSERT_THAT(status, IsOk());
  EXPECT_THAT(*status, HasSubstr("RUNNING"));
}

TEST(CountOpenFdsTest, CountsADescriptorWhileItIsOpen) {
  const int before = CountOpenFds();
  ASSERT_GT(before, 0);
  const int fd = dup(0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(CountOpenFds(), before + 1);
  close(fd);
  EXPECT_EQ(CountOpenFds(), before);
}

TEST(SupervisordTest, BadConfigFailsToStartWithItsMessage) {
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start("[program:x]\n");
  EXPECT_THAT(sv, StatusIs(absl::StatusCode::kInternal, HasSubstr("command")));
}

}  // namespace
}  // namespace testing
}  // namespace svl
