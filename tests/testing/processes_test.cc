#include "tests/testing/processes.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

TEST(ProcessesTest, SeesItselfAndAZombieChild) {
  EXPECT_EQ(ProcessGroupOf(getpid()), getpgrp());
  EXPECT_EQ(ProcessName(getpid()), "processes_test");
  EXPECT_FALSE(IsGoneOrZombie(getpid()));
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setpgid(0, 0);
    _exit(0);
  }
  // Not reaped yet: a zombie once it has exited (it leads its own group, or
  // is still in ours if it exited before setpgid).
  ASSERT_THAT(WaitFor([child] { return IsGoneOrZombie(child); }, kWaitTimeout, "the child's exit"),
              IsOk());
  const std::vector<std::string> fields = ProcStatFields(child);
  ASSERT_FALSE(fields.empty());
  EXPECT_EQ(fields[0], "Z");
  const pid_t group = ProcessGroupOf(child);
  EXPECT_THAT(ProcessesInGroup(group, Zombies::kInclude), ::testing::Contains(child));
  EXPECT_THAT(ProcessesInGroup(group, Zombies::kExclude), ::testing::Not(::testing::Contains(child)));
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  EXPECT_TRUE(IsGoneOrZombie(child));
  EXPECT_TRUE(ProcStatFields(child).empty());
  EXPECT_EQ(ProcessGroupOf(child), 0);
  EXPECT_EQ(ProcessName(child), "");
}

TEST(ProcessesTest, SigpipeBlockedIsSeen) {
  EXPECT_FALSE(SigpipePendingOrBlocked());
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  EXPECT_TRUE(SigpipePendingOrBlocked());
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  EXPECT_FALSE(SigpipePendingOrBlocked());
}

}  // namespace
}  // namespace testing
}  // namespace svl
