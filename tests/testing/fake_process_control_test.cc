#include "tests/testing/fake_process_control.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace testing {
namespace {

using supervisor_rpc::FaultCode::kAlreadyStarted;
using supervisor_rpc::FaultCode::kBadName;
using supervisor_rpc::FaultCode::kFailed;
using supervisor_rpc::FaultCode::kNotRunning;
using supervisor_rpc::FaultFromStatus;
using supervisor_rpc::IsFault;
using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
using ::testing::ElementsAre;

std::vector<ProcessInfo> Table() {
  return {
      ProcessEntry("web", "web", ProcessState::kRunning, 11, 100),
      ProcessEntry("api", "api_00", ProcessState::kRunning, 21, 100),
      ProcessEntry("api", "api_01", ProcessState::kStopped),
  };
}

TEST(FakeProcessControlTest, AnswersFromTheTableWithItsClock) {
  FakeProcessControl sv(Table());
  absl::StatusOr<std::vector<ProcessInfo>> all = sv.GetAllProcessInfo();
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].name, "api_00");
  EXPECT_EQ((*all)[1].statename, "RUNNING");
  EXPECT_EQ((*all)[1].state_code, 20);
  EXPECT_EQ((*all)[1].now, kFakeSupervisordNow);

  sv.SetNow(5000);
  absl::StatusOr<ProcessInfo> web = sv.GetProcessInfo("web");
  ASSERT_THAT(web, IsOk());
  EXPECT_EQ(web->pid, 11);
  EXPECT_EQ(web->now, 5000);
  EXPECT_THAT(sv.GetProcessInfo("api:api_01"), IsOk());
  EXPECT_THAT(sv.calls(), ElementsAre("getAllProcessInfo()", "getProcessInfo('web')",
                                      "getProcessInfo('api:api_01')"));
}

TEST(FakeProcessControlTest, UnknownNamesAndGroupWildcardsAreBadName) {
  FakeProcessControl sv(Table());
  for (const char* name : {"nosuch", "api", "api:nosuch", "nosuch:x", "api:*"}) {
    absl::StatusOr<ProcessInfo> info = sv.GetProcessInfo(name);
    ASSERT_TRUE(IsFault(info.status(), kBadName)) << name << ": " << info.status();
    EXPECT_EQ(FaultFromStatus(info.status())->fault_string, std::string("BAD_NAME: ") + name);
  }
  EXPECT_TRUE(IsFault(sv.StopProcess("nosuch", true), kBadName));
  EXPECT_TRUE(IsFault(sv.StartProcess("api:nosuch", true), kBadName));
}

TEST(FakeProcessControlTest, StopAndStartChangeStatePidAndStart) {
  FakeProcessControl sv(Table());
  sv.SetNow(2000);
  ASSERT_THAT(sv.StopProcess("api:api_00", /*wait=*/true), IsOk());
  ProcessInfo stopped = *sv.Process("api:api_00");
  EXPECT_EQ(stopped.state, ProcessState::kStopped);
  EXPECT_EQ(stopped.statename, "STOPPED");
  EXPECT_EQ(stopped.pid, 0);
  EXPECT_EQ(stopped.stop, 2000);

  sv.SetNow(2003);
  ASSERT_THAT(sv.StartProcess("api:api_00", /*wait=*/false), IsOk());
  ASSERT_THAT(sv.StartProcess("api:api_01", /*wait=*/true), IsOk());
  ProcessInfo started = *sv.Process("api:api_00");
  EXPECT_EQ(started.state, ProcessState::kRunning);
  EXPECT_EQ(started.pid, 1001);
  EXPECT_EQ(started.start, 2003);
  EXPECT_EQ(sv.Process("api:api_01")->pid, 1002);
  EXPECT_THAT(sv.waits(), ElementsAre(true, false, true));
}

TEST(FakeProcessControlTest, StoppingAStoppedProcessIsNotRunningStartingARunningOneAlreadyStarted) {
  FakeProcessControl sv(Table());
  absl::Status stop = sv.StopProcess("api:api_01", true);
  ASSERT_TRUE(IsFault(stop, kNotRunning)) << stop;
  EXPECT_EQ(FaultFromStatus(stop)->fault_string, "NOT_RUNNING: api:api_01");
  absl::Status start = sv.StartProcess("web", true);
  ASSERT_TRUE(IsFault(start, kAlreadyStarted)) << start;
  EXPECT_EQ(FaultFromStatus(start)->fault_string, "ALREADY_STARTED: web");
}

TEST(FakeProcessControlTest, GroupWildcardStopsAndStartsTheGroup) {
  FakeProcessControl sv(Table());
  ASSERT_THAT(sv.StopProcess("api:*", true), IsOk());
  EXPECT_EQ(sv.Process("api:api_00")->state, ProcessState::kStopped);
  ASSERT_THAT(sv.StartProcess("api:*", true), IsOk());
  EXPECT_EQ(sv.Process("api:api_00")->state, ProcessState::kRunning);
  EXPECT_EQ(sv.Process("api:api_01")->state, ProcessState::kRunning);
  EXPECT_EQ(sv.Process("web")->state, ProcessState::kRunning);
}

TEST(FakeProcessControlTest, FaultsAndBrokenCallsChangeNothingButAreRecorded) {
  FakeProcessControl sv(Table());
  sv.SetFault("stopProcess", "web", {kFailed, "FAILED"});
  absl::Status stop = sv.StopProcess("web", true);
  ASSERT_TRUE(IsFault(stop, kFailed)) << stop;
  EXPECT_EQ(sv.Process("web")->state, ProcessState::kRunning);
  sv.ClearFaults();

  sv.SetBroken(true);
  absl::StatusOr<std::vector<ProcessInfo>> all = sv.GetAllProcessInfo();
  EXPECT_THAT(all, StatusIs(absl::StatusCode::kInternal));
  EXPECT_FALSE(FaultFromStatus(all.status()).has_value());
  EXPECT_THAT(sv.StopProcess("web", true), StatusIs(absl::StatusCode::kInternal));
  EXPECT_EQ(sv.Process("web")->state, ProcessState::kRunning);
  sv.SetBroken(false);
  EXPECT_THAT(sv.StopProcess("web", true), IsOk());
  EXPECT_THAT(sv.calls(), ElementsAre("stopProcess('web')", "getAllProcessInfo()",
                                      "stopProcess('web')", "stopProcess('web')"));
}

TEST(FakeProcessControlTest, TheHookSeesEachCallAndMayChangeTheTable) {
  FakeProcessControl sv(Table());
  std::vector<std::string> seen;
  sv.SetOnCall([&](const std::string& call) {
    seen.push_back(call);
    if (call == "stopProcess('web')") sv.SetState("web", ProcessState::kExited);
  });
  EXPECT_TRUE(IsFault(sv.StopProcess("web", true), kNotRunning));
  EXPECT_THAT(seen, ElementsAre("stopProcess('web')"));
}

TEST(FakeProcessControlTest, UpstreamTables) {
  std::vector<ProcessInfo> dummy = UpstreamDummyProcesses();
  ASSERT_EQ(dummy.size(), 3u);
  EXPECT_EQ(supervisor_rpc::MakeNamespec(dummy[2].group, dummy[2].name), "baz:baz_01");
  EXPECT_EQ(dummy[1].spawnerr, "screwed");
  EXPECT_EQ(UpstreamFailProcesses()[0].name, "FAILED");
}

}  // namespace
}  // namespace testing
}  // namespace svl
