#include "subprocess/child_registry.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace svl {
namespace subprocess {
namespace {

TEST(ChildRegistryTest, ReserveSetAndRelease) {
  ASSERT_EQ(RegisteredChildCount(), 0);
  {
    ChildRegistration registration;
    EXPECT_TRUE(registration.registered());
    EXPECT_EQ(RegisteredChildCount(), 1);  // reserved counts
    registration.Set(12345);
    EXPECT_EQ(RegisteredChildCount(), 1);
    registration.Release();
    EXPECT_EQ(RegisteredChildCount(), 0);
    registration.Release();  // idempotent
    EXPECT_EQ(RegisteredChildCount(), 0);
  }
  {
    ChildRegistration freed_by_destructor;
    EXPECT_EQ(RegisteredChildCount(), 1);
  }
  EXPECT_EQ(RegisteredChildCount(), 0);
}

TEST(ChildRegistryTest, AFullRegistryRunsUnregistered) {
  std::vector<std::unique_ptr<ChildRegistration>> all;
  for (int i = 0; i < kMaxChildren; ++i) {
    all.push_back(std::make_unique<ChildRegistration>());
    EXPECT_TRUE(all.back()->registered());
  }
  ChildRegistration one_too_many;
  EXPECT_FALSE(one_too_many.registered());
  one_too_many.Set(12345);  // no effect
  EXPECT_EQ(RegisteredChildCount(), kMaxChildren);
  all.clear();
  EXPECT_EQ(RegisteredChildCount(), 0);
}

TEST(ChildRegistryTest, KillRegisteredChildrenKillsTheGroup) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setpgid(0, 0);
    for (;;) pause();
  }
  setpgid(child, child);
  ChildRegistration registration;
  registration.Set(child);
  pid_t killed[kMaxChildren];
  EXPECT_EQ(KillRegisteredChildren(killed, kMaxChildren), 1);
  EXPECT_EQ(killed[0], child);
  int status = 0;
  registration.Release();
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  // Nothing registered: nothing killed.
  EXPECT_EQ(KillRegisteredChildren(killed, kMaxChildren), 0);
}

}  // namespace
}  // namespace subprocess
}  // namespace svl
