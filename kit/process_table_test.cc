#include "kit/process_table.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_info.h"
#include "tests/testing/fake_process_control.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
using ::svl::testing::FakeProcessControl;
using ::svl::testing::kFakeSupervisordNow;
using ::svl::testing::ProcessEntry;
using ::testing::ElementsAre;

// Our clock runs 1000 s ahead of the fake supervisord's.
constexpr std::int64_t kOurNow = kFakeSupervisordNow + 1000;

class ProcessTableTest : public ::testing::Test {
 protected:
  ProcessTableTest()
      : sv_({ProcessEntry("foo", "foo", ProcessState::kRunning, 11, kFakeSupervisordNow - 100),
             ProcessEntry("web", "web_00", ProcessState::kRunning, 21, kFakeSupervisordNow - 50)}),
        table_([this] { return absl::FromUnixSeconds(our_now_); }) {}

  // An event of the listener's pool, numbered in order.
  protocol::Event Event(const std::string& name, const std::string& payload) {
    protocol::Event event;
    event.header.pool = "listener";
    event.header.poolserial = ++poolserial_;
    event.header.eventname = name;
    event.payload = payload;
    return event;
  }
  protocol::Event State(const std::string& state, const std::string& group,
                        const std::string& name, const std::string& rest) {
    return Event(absl::StrCat("PROCESS_STATE_", state),
                 absl::StrCat("processname:", name, " groupname:", group, " ", rest));
  }

  ProcessInfo Get(const std::string& group, const std::string& name) {
    absl::StatusOr<std::vector<ProcessInfo>> all = table_.Processes(sv_);
    EXPECT_TRUE(all.ok()) << all.status();
    for (const ProcessInfo& p : *all) {
      if (p.group == group && p.name == name) return p;
    }
    ADD_FAILURE() << group << ":" << name << " not in the table";
    return {};
  }

  FakeProcessControl sv_;
  std::int64_t our_now_ = kOurNow;
  std::uint64_t poolserial_ = 0;
  ProcessTable table_;
};

TEST_F(ProcessTableTest, WithoutProcessEventsEveryCallIsOneFetchAnsweredAsItCame) {
  table_.OnEvent(Event("TICK_5", "when:1"));
  EXPECT_EQ(Get("foo", "foo").start, kFakeSupervisordNow - 100);  // supervisord's clock
  EXPECT_EQ(Get("foo", "foo").now, kFakeSupervisordNow);
  EXPECT_FALSE(table_.live());
  EXPECT_EQ(table_.fetches(), 2);
  EXPECT_THAT(sv_.calls(), ElementsAre("getAllProcessInfo()", "getAllProcessInfo()"));
}

TEST_F(ProcessTableTest, LiveTableFollowsTheEventsWithoutAnotherCall) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  ASSERT_TRUE(table_.live());
  ProcessInfo foo = Get("foo", "foo");  // the one fetch, moved onto our clock
  EXPECT_EQ(foo.now, kOurNow);
  EXPECT_EQ(foo.now - foo.start, 100);
  EXPECT_EQ(foo.pid, 11);

  table_.OnEvent(State("STOPPING", "foo", "foo", "from_state:RUNNING pid:11"));
  EXPECT_EQ(Get("foo", "foo").state, ProcessState::kStopping);
  table_.OnEvent(State("STOPPED", "foo", "foo", "from_state:STOPPING pid:11"));
  foo = Get("foo", "foo");
  EXPECT_EQ(foo.state, ProcessState::kStopped);
  EXPECT_EQ(foo.statename, "STOPPED");
  EXPECT_EQ(foo.pid, 0);
  our_now_ += 7;
  table_.OnEvent(State("STARTING", "foo", "foo", "from_state:STOPPED tries:0"));
  EXPECT_EQ(Get("foo", "foo").pid, 0);
  our_now_ += 3;
  table_.OnEvent(State("RUNNING", "foo", "foo", "from_state:STARTING pid:99"));
  foo = Get("foo", "foo");
  EXPECT_EQ(foo.state, ProcessState::kRunning);
  EXPECT_EQ(foo.pid, 99);
  EXPECT_EQ(foo.now - foo.start, 3);  // since its STARTING event
  EXPECT_EQ(table_.fetches(), 1);
  EXPECT_THAT(sv_.calls(), ElementsAre("getAllProcessInfo()"));
}

TEST_F(ProcessTableTest, APoolserialGapRefetches) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  Get("foo", "foo");
  ++poolserial_;  // an event dropped by supervisord
  table_.OnEvent(Event("TICK_5", "when:1"));
  Get("foo", "foo");
  Get("foo", "foo");
  EXPECT_EQ(table_.fetches(), 2);
}

TEST_F(ProcessTableTest, AGroupAddedOrRemovedRefetches) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  Get("foo", "foo");
  sv_.Put(ProcessEntry("new", "new", ProcessState::kRunning, 31, kFakeSupervisordNow));
  table_.OnEvent(Event("PROCESS_GROUP_ADDED", "groupname:new\n"));
  EXPECT_EQ(Get("new", "new").pid, 31);
  table_.OnEvent(Event("PROCESS_GROUP_REMOVED", "groupname:new\n"));
  Get("foo", "foo");
  EXPECT_EQ(table_.fetches(), 3);
}

TEST_F(ProcessTableTest, AnEventAboutAnUnknownProcessRefetches) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  Get("foo", "foo");
  sv_.Put(ProcessEntry("late", "late", ProcessState::kRunning, 41, kFakeSupervisordNow));
  table_.OnEvent(State("RUNNING", "late", "late", "from_state:STARTING pid:41"));
  EXPECT_EQ(Get("late", "late").pid, 41);
  EXPECT_EQ(table_.fetches(), 2);
}

TEST_F(ProcessTableTest, EventsArrivingDuringTheFetchAreAppliedToItsAnswer) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  sv_.SetOnCall([this](const std::string& call) {
    if (call == "getAllProcessInfo()") {
      table_.OnEvent(State("STOPPING", "foo", "foo", "from_state:RUNNING pid:11"));
    }
  });
  EXPECT_EQ(Get("foo", "foo").state, ProcessState::kStopping);
  sv_.SetOnCall(nullptr);
  EXPECT_EQ(Get("foo", "foo").state, ProcessState::kStopping);
  EXPECT_EQ(table_.fetches(), 1);
}

TEST_F(ProcessTableTest, MarkStaleAndAgeRefetch) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  Get("foo", "foo");
  table_.MarkStale();
  Get("foo", "foo");
  EXPECT_EQ(table_.fetches(), 2);
  our_now_ += absl::ToInt64Seconds(kMaxTableAge) - 1;
  Get("foo", "foo");
  EXPECT_EQ(table_.fetches(), 2);
  our_now_ += 1;  // as old as it may grow
  Get("foo", "foo");
  EXPECT_EQ(table_.fetches(), 3);
}

TEST_F(ProcessTableTest, AFailedFetchIsReturnedAndTriedAgain) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  sv_.SetBroken(true);
  EXPECT_FALSE(table_.Processes(sv_).ok());
  sv_.SetBroken(false);
  EXPECT_EQ(Get("foo", "foo").pid, 11);
  EXPECT_EQ(table_.fetches(), 2);
}

TEST_F(ProcessTableTest, AMalformedProcessEventRefetches) {
  table_.OnEvent(State("RUNNING", "web", "web_00", "from_state:STARTING pid:21"));
  Get("foo", "foo");
  table_.OnEvent(Event("PROCESS_STATE_RUNNING", "garbage"));
  Get("foo", "foo");
  EXPECT_EQ(table_.fetches(), 2);
}

}  // namespace
}  // namespace kit
}  // namespace svl
