#include "supervisor_rpc/process_info.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/xmlrpc_value.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

XmlRpcValue FullStruct() {
  // Deliberately not in supervisord's member order.
  return XmlRpcValue::Struct({
      {"description", XmlRpcValue::String("pid 11537, uptime 0:00:09")},
      {"pid", XmlRpcValue::Int(11537)},
      {"name", XmlRpcValue::String("baz_01")},
      {"group", XmlRpcValue::String("baz")},
      {"start", XmlRpcValue::Int(1795611196)},
      {"stop", XmlRpcValue::Int(0)},
      {"now", XmlRpcValue::Int(1795611202)},
      {"state", XmlRpcValue::Int(20)},
      {"statename", XmlRpcValue::String("RUNNING")},
      {"spawnerr", XmlRpcValue::String("")},
      {"exitstatus", XmlRpcValue::Int(0)},
      {"logfile", XmlRpcValue::String("/l/out")},
      {"stdout_logfile", XmlRpcValue::String("/l/out")},
      {"stderr_logfile", XmlRpcValue::String("/l/err")},
      {"extra", XmlRpcValue::Array({})},
  });
}

TEST(ProcessInfoTest, ReadsEveryField) {
  absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(FullStruct());
  ASSERT_TRUE(info.ok()) << info.status();
  ProcessInfo want;
  want.name = "baz_01";
  want.group = "baz";
  want.start = 1795611196;
  want.stop = 0;
  want.now = 1795611202;
  want.state = ProcessState::kRunning;
  want.state_code = 20;
  want.statename = "RUNNING";
  want.spawnerr = "";
  want.exitstatus = 0;
  want.logfile = "/l/out";
  want.stdout_logfile = "/l/out";
  want.stderr_logfile = "/l/err";
  want.pid = 11537;
  want.description = "pid 11537, uptime 0:00:09";
  EXPECT_TRUE(*info == want);
}

TEST(ProcessInfoTest, UnlistedStateIsUnknownWithRawCode) {
  XmlRpcValue v = XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                                       {"group", XmlRpcValue::String("a")},
                                       {"state", XmlRpcValue::Int(55)},
                                       {"pid", XmlRpcValue::Int(0)}});
  absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(v);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->state, ProcessState::kUnknown);
  EXPECT_EQ(info->state_code, 55);
}

TEST(ProcessInfoTest, RejectsMissingOrMistypedMembers) {
  struct Case {
    XmlRpcValue value;
    const char* message;
  };
  const Case cases[] = {
      {XmlRpcValue::Int(1), "process info is int, want struct"},
      {XmlRpcValue::Struct({{"group", XmlRpcValue::String("a")}}), "no 'name' member"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::Int(1)}}), "member 'name' is int, want string"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"pid", XmlRpcValue::Int(1)}}),
       "no 'state' member"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"state", XmlRpcValue::String("20")},
                            {"pid", XmlRpcValue::Int(1)}}),
       "member 'state' is string, want int"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"state", XmlRpcValue::Int(20)}}),
       "no 'pid' member"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"state", XmlRpcValue::Int(20)},
                            {"pid", XmlRpcValue::Int(1)},
                            {"description", XmlRpcValue()}}),
       "member 'description' is nil, want string"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ProcessInfoFromValue(c.value),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

TEST(ProcessStateTest, NamesAndGroups) {
  EXPECT_EQ(ProcessStateName(ProcessState::kStopped), "STOPPED");
  EXPECT_EQ(ProcessStateName(ProcessState::kStarting), "STARTING");
  EXPECT_EQ(ProcessStateName(ProcessState::kRunning), "RUNNING");
  EXPECT_EQ(ProcessStateName(ProcessState::kBackoff), "BACKOFF");
  EXPECT_EQ(ProcessStateName(ProcessState::kStopping), "STOPPING");
  EXPECT_EQ(ProcessStateName(ProcessState::kExited), "EXITED");
  EXPECT_EQ(ProcessStateName(ProcessState::kFatal), "FATAL");
  EXPECT_EQ(ProcessStateName(ProcessState::kUnknown), "UNKNOWN");
  EXPECT_EQ(ProcessStateName(static_cast<ProcessState>(3)), "UNKNOWN");
  for (ProcessState s : {ProcessState::kRunning, ProcessState::kBackoff, ProcessState::kStarting}) {
    EXPECT_TRUE(IsRunningState(s));
    EXPECT_FALSE(IsStoppedState(s));
  }
  for (ProcessState s : {ProcessState::kStopped, ProcessState::kExited, ProcessState::kFatal,
                         ProcessState::kUnknown}) {
    EXPECT_TRUE(IsStoppedState(s));
    EXPECT_FALSE(IsRunningState(s));
  }
  EXPECT_FALSE(IsRunningState(ProcessState::kStopping));
  EXPECT_FALSE(IsStoppedState(ProcessState::kStopping));
}

TEST(ProcessStateTest, FromCodeKeepsKnownCodesAndMapsOthersToUnknown) {
  EXPECT_EQ(ProcessStateFromCode(0), ProcessState::kStopped);
  EXPECT_EQ(ProcessStateFromCode(20), ProcessState::kRunning);
  EXPECT_EQ(ProcessStateFromCode(200), ProcessState::kFatal);
  EXPECT_EQ(ProcessStateFromCode(1000), ProcessState::kUnknown);
  EXPECT_EQ(ProcessStateFromCode(7), ProcessState::kUnknown);
  EXPECT_EQ(ProcessStateFromCode(-1), ProcessState::kUnknown);
}

TEST(NamespecTest, MakeNamespec) {
  EXPECT_EQ(MakeNamespec("foo", "foo"), "foo");
  EXPECT_EQ(MakeNamespec("baz", "baz_01"), "baz:baz_01");
  EXPECT_EQ(MakeNamespec("", ""), "");
}

TEST(NamespecTest, SplitNamespec) {
  struct Case {
    const char* spec;
    const char* group;
    const char* name;
  };
  const Case cases[] = {
      {"foo", "foo", "foo"},
      {"baz:baz_01", "baz", "baz_01"},
      {"baz:", "baz", ""},
      {"baz:*", "baz", ""},
      {"a:b:c", "a", "b:c"},
      {":x", "", "x"},
      {"", "", ""},
  };
  for (const Case& c : cases) {
    NamespecParts parts = SplitNamespec(c.spec);
    EXPECT_EQ(parts.group, c.group) << c.spec;
    EXPECT_EQ(parts.name, c.name) << c.spec;
  }
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
