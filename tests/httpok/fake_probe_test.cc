#include "tests/httpok/fake_probe.h"

#include <thread>

#include "gtest/gtest.h"

namespace svl {
namespace testing {
namespace {

TEST(FakeProbeTest, GivesTheScriptInOrderThenTheFallback) {
  FakeProbe probe;
  probe.Push(Responded(500, "Internal Server Error", "oops"));
  probe.Push(NoResponse("refused", httpok::ProbeErrorKind::kRefused));
  httpok::ProbeResult first = probe.Check();
  EXPECT_TRUE(first.responded);
  EXPECT_EQ(first.status, 500);
  EXPECT_EQ(first.reason, "Internal Server Error");
  EXPECT_EQ(first.body, "oops");
  httpok::ProbeResult second = probe.Check();
  EXPECT_FALSE(second.responded);
  EXPECT_EQ(second.error, "refused");
  EXPECT_EQ(second.error_kind, httpok::ProbeErrorKind::kRefused);
  EXPECT_EQ(probe.Check().status, 200);  // the default fallback
  probe.SetFallback(Responded(404, "Not Found"));
  EXPECT_EQ(probe.Check().status, 404);
  EXPECT_EQ(probe.Check().status, 404);
  EXPECT_EQ(probe.checks(), 5);
}

TEST(FakeProbeTest, WaitForChecksReturnsOnceThatManyWereMade) {
  FakeProbe probe;
  std::thread checker([&probe] {
    probe.Check();
    probe.Check();
  });
  probe.WaitForChecks(2);
  EXPECT_EQ(probe.checks(), 2);
  checker.join();
}

}  // namespace
}  // namespace testing
}  // namespace svl
