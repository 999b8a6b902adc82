#include "kit/process_selection.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/event.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "tests/testing/fake_process_control.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
using ::svl::testing::FakeProcessControl;
using ::svl::testing::IsOkAndHolds;
using ::svl::testing::ProcessEntry;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// web:web and blue:web share the name `web`; httpok is a listener pool.
std::vector<ProcessInfo> Table() {
  return {
      ProcessEntry("web", "web", ProcessState::kRunning, 11),
      ProcessEntry("blue", "web", ProcessState::kStopped),
      ProcessEntry("workers", "w1", ProcessState::kRunning, 21),
      ProcessEntry("workers", "w2", ProcessState::kStopped),
      ProcessEntry("api", "api_00", ProcessState::kStopped),
      ProcessEntry("httpok", "httpok_0", ProcessState::kRunning, 31),
      ProcessEntry("httpok", "httpok_1", ProcessState::kRunning, 32),
  };
}

const SelfProcess kNoSelf{"", ""};
const SelfProcess kPool{"httpok", "httpok_0"};

ProcessInfo P(const char* group, const char* name) {
  return ProcessEntry(group, name, ProcessState::kRunning);
}

TEST(ProcessSelectionTest, SelectsByNameGroupNameAndGroupWildcard) {
  const ProcessSelection by_name({"web"}, false, kNoSelf);
  EXPECT_TRUE(by_name.Selected(P("web", "web")));
  EXPECT_TRUE(by_name.Selected(P("blue", "web")));  // a bare name, in every group
  EXPECT_FALSE(by_name.Selected(P("workers", "w1")));

  const ProcessSelection by_spec({"workers:w1"}, false, kNoSelf);
  EXPECT_TRUE(by_spec.Selected(P("workers", "w1")));
  EXPECT_FALSE(by_spec.Selected(P("workers", "w2")));
  EXPECT_FALSE(by_spec.Selected(P("other", "w1")));

  const ProcessSelection by_group({"workers:*"}, false, kNoSelf);
  EXPECT_TRUE(by_group.Selected(P("workers", "w2")));
  EXPECT_TRUE(by_group.NamedByGroup(P("workers", "w2")));
  EXPECT_FALSE(by_group.Selected(P("web", "web")));
  EXPECT_FALSE(by_spec.NamedByGroup(P("workers", "w1")));

  const ProcessSelection any({}, true, kNoSelf);
  EXPECT_TRUE(any.Selected(P("anything", "at_all")));
  EXPECT_TRUE(any.any());
  EXPECT_THAT(by_group.programs(), ElementsAre("workers:*"));
}

TEST(ProcessSelectionTest, GroupOfWildcard) {
  EXPECT_EQ(GroupOfWildcard("workers:*"), "workers");
  EXPECT_EQ(GroupOfWildcard("workers:w1"), "");
  EXPECT_EQ(GroupOfWildcard(":*"), "");
  EXPECT_EQ(GroupOfWildcard("web"), "");
}

TEST(ProcessSelectionTest, SelfIsTheWholeOwnPoolOrJustTheNameWithoutAGroup) {
  const ProcessSelection pool({}, true, kPool);
  EXPECT_TRUE(pool.IsSelf(P("httpok", "httpok_0")));
  EXPECT_TRUE(pool.IsSelf(P("httpok", "httpok_1")));  // the rest of its pool
  EXPECT_FALSE(pool.IsSelf(P("web", "httpok_0")));

  const ProcessSelection named({}, true, {"", "httpok"});
  EXPECT_TRUE(named.IsSelf(P("httpok", "httpok")));
  EXPECT_TRUE(named.IsSelf(P("other", "httpok")));
  EXPECT_FALSE(named.IsSelf(P("httpok", "httpok_1")));

  EXPECT_FALSE(ProcessSelection({}, true, kNoSelf).IsSelf(P("", "")));
}

TEST(ProcessSelectionTest, SelfFromEnvironmentReadsSupervisordsVariables) {
  setenv("SUPERVISOR_GROUP_NAME", "httpok", 1);
  setenv("SUPERVISOR_PROCESS_NAME", "httpok_1", 1);
  SelfProcess self = SelfFromEnvironment();
  EXPECT_EQ(self.group, "httpok");
  EXPECT_EQ(self.name, "httpok_1");
  unsetenv("SUPERVISOR_GROUP_NAME");
  unsetenv("SUPERVISOR_PROCESS_NAME");
  self = SelfFromEnvironment();
  EXPECT_EQ(self.group, "");
  EXPECT_EQ(self.name, "");
}

TEST(ProcessSelectionTest, UnmatchedListsWhatNoProcessTookUp) {
  const ProcessSelection selection(
      {"web", "nosuch", "workers:*", "api:api_00", "gone:*", "api:nosuch"}, false, kNoSelf);
  EXPECT_THAT(selection.Unmatched(Table()), ElementsAre("nosuch", "gone:*", "api:nosuch"));
  EXPECT_THAT(ProcessSelection({"w1"}, false, kNoSelf).Unmatched(Table()), IsEmpty());
}

TEST(ProcessSelectionTest, UnmatchedCountsDuplicatesOncePerMatchingProcess) {
  // One process takes up one entry per form it matches: api:api_00 takes
  // one "api:api_00"; web:web takes "web" as its name and "web" as its
  // namespec; blue:web then takes the third "web".
  EXPECT_THAT(ProcessSelection({"api:api_00", "api:api_00"}, false, kNoSelf).Unmatched(Table()),
              ElementsAre("api:api_00"));
  EXPECT_THAT(ProcessSelection({"web", "web", "web", "web"}, false, kNoSelf).Unmatched(Table()),
              ElementsAre("web"));
}

TEST(ProcessSelectionTest, WithAnyTheOwnPoolTakesUpNothing) {
  EXPECT_THAT(ProcessSelection({"httpok:httpok_1", "web"}, true, kPool).Unmatched(Table()),
              ElementsAre("httpok:httpok_1"));
  EXPECT_THAT(ProcessSelection({"httpok:httpok_1"}, false, kPool).Unmatched(Table()), IsEmpty());
}

TEST(AnySelectedRunningTest, AnyMakesOneGetAllProcessInfoAndIgnoresTheOwnPool) {
  FakeProcessControl sv(Table());
  EXPECT_THAT(ProcessSelection({}, true, kPool).AnySelectedRunning(sv), IsOkAndHolds(true));
  EXPECT_THAT(sv.calls(), ElementsAre("getAllProcessInfo()"));

  FakeProcessControl only_pool({Table()[5], Table()[6], Table()[1]});
  EXPECT_THAT(ProcessSelection({}, true, kPool).AnySelectedRunning(only_pool),
              IsOkAndHolds(false));
  EXPECT_THAT(only_pool.calls(), ElementsAre("getAllProcessInfo()"));
}

TEST(AnySelectedRunningTest, AsksOneEntryAtATimeUntilOneRuns) {
  FakeProcessControl sv(Table());
  EXPECT_THAT(ProcessSelection({"api:api_00", "web", "workers:w1"}, false, kNoSelf)
                  .AnySelectedRunning(sv),
              IsOkAndHolds(true));
  EXPECT_THAT(sv.calls(), ElementsAre("getProcessInfo('api:api_00')", "getProcessInfo('web')"));

  sv.ClearCalls();
  EXPECT_THAT(ProcessSelection({"api:api_00", "workers:w2", "nosuch:x"}, false, kNoSelf)
                  .AnySelectedRunning(sv),
              IsOkAndHolds(false));
  EXPECT_THAT(sv.calls(), ElementsAre("getProcessInfo('api:api_00')",
                                      "getProcessInfo('workers:w2')", "getProcessInfo('nosuch:x')"));
}

TEST(AnySelectedRunningTest, BareNameUnknownAsNameNameIsLookedForInEveryGroupOnce) {
  FakeProcessControl sv(Table());
  EXPECT_THAT(ProcessSelection({"w2", "api_00", "w1"}, false, kNoSelf).AnySelectedRunning(sv),
              IsOkAndHolds(true));
  EXPECT_THAT(sv.calls(), ElementsAre("getProcessInfo('w2')", "getAllProcessInfo()",
                                      "getProcessInfo('api_00')", "getProcessInfo('w1')"));
}

TEST(AnySelectedRunningTest, GroupWildcardsShareOneGetAllProcessInfoAndSkipTheOwnPool) {
  FakeProcessControl sv(Table());
  EXPECT_THAT(ProcessSelection({"httpok:*", "api:*", "workers:*"}, false, kPool)
                  .AnySelectedRunning(sv),
              IsOkAndHolds(true));
  EXPECT_THAT(sv.calls(), ElementsAre("getAllProcessInfo()"));

  sv.ClearCalls();
  EXPECT_THAT(ProcessSelection({"httpok:*", "api:*"}, false, kPool).AnySelectedRunning(sv),
              IsOkAndHolds(false));
  EXPECT_THAT(sv.calls(), ElementsAre("getAllProcessInfo()"));
}

TEST(AnySelectedRunningTest, ErrorsAreReturnedAsTheyAre) {
  FakeProcessControl sv(Table());
  sv.SetBroken(true);
  EXPECT_THAT(ProcessSelection({"web"}, false, kNoSelf).AnySelectedRunning(sv),
              StatusIs(absl::StatusCode::kInternal,
                       "XML-RPC call to http://fake-supervisord: HTTP 500 instead of 200"));
  EXPECT_THAT(ProcessSelection({}, true, kNoSelf).AnySelectedRunning(sv),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(sv.calls(), ElementsAre("getProcessInfo('web')", "getAllProcessInfo()"));

  // A fault other than BAD_NAME too.
  FakeProcessControl faulty(Table());
  faulty.SetFault("getProcessInfo", "web", {supervisor_rpc::FaultCode::kShutdownState,
                                            "SHUTDOWN_STATE"});
  absl::StatusOr<bool> running =
      ProcessSelection({"web", "workers:w1"}, false, kNoSelf).AnySelectedRunning(faulty);
  EXPECT_TRUE(supervisor_rpc::IsFault(running.status(), supervisor_rpc::FaultCode::kShutdownState))
      << running.status();
  EXPECT_THAT(faulty.calls(), ElementsAre("getProcessInfo('web')"));

  // The error of the getAllProcessInfo a bare name needs.
  FakeProcessControl late(Table());
  late.SetOnCall([&late](const std::string& call) {
    if (call == "getAllProcessInfo()") late.SetBroken(true);
  });
  EXPECT_THAT(ProcessSelection({"w1"}, false, kNoSelf).AnySelectedRunning(late),
              StatusIs(absl::StatusCode::kInternal));
}

// The names of processes, as "group:name".
std::vector<std::string> Names(const std::vector<ProcessInfo>& processes) {
  std::vector<std::string> names;
  for (const ProcessInfo& p : processes) names.push_back(p.group + ":" + p.name);
  return names;
}

TEST(SelectedProcessesTest, NamedProcessesAreAskedForOneByOneInSupervisordsOrder) {
  FakeProcessControl sv(Table());
  const ProcessSelection selection({"workers:w1", "api:api_00", "web", "workers:w1", "no:such"},
                                   false, kNoSelf);
  absl::StatusOr<std::vector<ProcessInfo>> selected = selection.SelectedProcesses(sv);
  ASSERT_TRUE(selected.ok()) << selected.status();
  // `web` is found as web:web, and stands for it alone (blue:web is not looked for).
  EXPECT_THAT(Names(*selected), ElementsAre("api:api_00", "web:web", "workers:w1"));
  EXPECT_THAT(sv.calls(), ElementsAre("getProcessInfo('workers:w1')", "getProcessInfo('api:api_00')",
                                      "getProcessInfo('web')", "getProcessInfo('workers:w1')",
                                      "getProcessInfo('no:such')"));
  // As with the whole list: one process takes up one entry (upstream's count).
  EXPECT_THAT(selection.Unmatched(*selected), ElementsAre("workers:w1", "no:such"));
}

TEST(SelectedProcessesTest, ABareNameNotKnownAsNameColonNameTakesTheWholeList) {
  FakeProcessControl sv(Table());
  const ProcessSelection selection({"w2", "api:api_00"}, false, kNoSelf);
  absl::StatusOr<std::vector<ProcessInfo>> selected = selection.SelectedProcesses(sv);
  ASSERT_TRUE(selected.ok()) << selected.status();
  EXPECT_THAT(Names(*selected), ElementsAre("workers:w2", "api:api_00"));  // the list's order
  EXPECT_THAT(sv.calls(), ElementsAre("getProcessInfo('w2')", "getAllProcessInfo()"));
}

TEST(SelectedProcessesTest, AnyAndGroupWildcardsTakeTheWholeListOnce) {
  FakeProcessControl sv(Table());
  absl::StatusOr<std::vector<ProcessInfo>> selected =
      ProcessSelection({"workers:*", "web"}, false, kNoSelf).SelectedProcesses(sv);
  ASSERT_TRUE(selected.ok()) << selected.status();
  EXPECT_THAT(Names(*selected), ElementsAre("web:web", "blue:web", "workers:w1", "workers:w2"));
  selected = ProcessSelection({}, true, kPool).SelectedProcesses(sv);
  ASSERT_TRUE(selected.ok()) << selected.status();
  EXPECT_EQ(selected->size(), Table().size());  // its own pool too: the caller skips it
  EXPECT_THAT(sv.calls(), ElementsAre("getAllProcessInfo()", "getAllProcessInfo()"));
}

TEST(SelectedProcessesTest, ALiveTableGatesWithoutACallButActingAsksSupervisord) {
  FakeProcessControl sv(Table());
  ProcessTable table;
  protocol::Event event;
  event.header.eventname = "PROCESS_STATE_RUNNING";
  event.payload = "processname:web groupname:web from_state:STARTING pid:11";
  table.OnEvent(event);
  const ProcessSelection selection({"web"}, false, kNoSelf);
  EXPECT_THAT(selection.AnySelectedRunning(sv, &table), IsOkAndHolds(true));  // the one fetch
  sv.ClearCalls();
  EXPECT_THAT(selection.AnySelectedRunning(sv, &table), IsOkAndHolds(true));
  EXPECT_THAT(sv.calls(), IsEmpty());
  // What is restarted is asked about, whatever the table says.
  absl::StatusOr<std::vector<ProcessInfo>> selected = selection.SelectedProcesses(sv);
  ASSERT_TRUE(selected.ok()) << selected.status();
  EXPECT_THAT(Names(*selected), ElementsAre("web:web"));
  EXPECT_THAT(sv.calls(), ElementsAre("getProcessInfo('web')"));
}

TEST(SelectedProcessesTest, AnUnansweredCallIsReturned) {
  FakeProcessControl sv(Table());
  sv.SetBroken(true);
  EXPECT_FALSE(ProcessSelection({"web"}, false, kNoSelf).SelectedProcesses(sv).ok());
  EXPECT_FALSE(ProcessSelection({}, true, kNoSelf).SelectedProcesses(sv).ok());
}

}  // namespace
}  // namespace kit
}  // namespace svl
