#include "kit/stop_signals.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "gtest/gtest.h"

namespace svl {
namespace kit {
namespace {

// Each case runs in a child (a death test): the watcher ends the process.
class StopSignalsDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { ::testing::FLAGS_gtest_death_test_style = "threadsafe"; }
};

// Waits for the watcher's exit; never returns.
[[noreturn]] void WaitForever() {
  for (;;) pause();
}

TEST_F(StopSignalsDeathTest, SigtermRunsTheWorkThenExits143WithTheStopLine) {
  EXPECT_EXIT(
      {
        if (!WatchStopSignals("lst", [] { write(STDERR_FILENO, "flushed\n", 8); }).ok()) {
          std::exit(1);
        }
        kill(getpid(), SIGTERM);
        WaitForever();
      },
      ::testing::ExitedWithCode(143),
      "^flushed\nlst: stopping on SIGTERM \\(killed 0 child process groups\\)\n$");
}

TEST_F(StopSignalsDeathTest, SigintAndSighupToo) {
  EXPECT_EXIT(
      {
        if (!WatchStopSignals("lst", nullptr).ok()) std::exit(1);
        kill(getpid(), SIGINT);
        WaitForever();
      },
      ::testing::ExitedWithCode(130), "lst: stopping on SIGINT");
  EXPECT_EXIT(
      {
        if (!WatchStopSignals("lst", nullptr).ok()) std::exit(1);
        kill(getpid(), SIGHUP);
        WaitForever();
      },
      ::testing::ExitedWithCode(129), "lst: stopping on SIGHUP");
}

}  // namespace
}  // namespace kit
}  // namespace svl
