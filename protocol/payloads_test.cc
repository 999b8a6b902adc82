#include "protocol/payloads.h"

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace protocol {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(ParseTokenSetTest, SplitsTokensAndData) {
  absl::StatusOr<TokenSet> set = ParseTokenSet("a:1 b:x:y c:\nline1\nline2");
  ASSERT_THAT(set, IsOk());
  EXPECT_THAT(set->tokens, ElementsAre(Pair("a", "1"), Pair("b", "x:y"), Pair("c", "")));
  EXPECT_TRUE(set->has_data);
  EXPECT_EQ(set->data, "line1\nline2");
  ASSERT_NE(set->Find("b"), nullptr);
  EXPECT_EQ(*set->Find("b"), "x:y");
  EXPECT_EQ(set->Find("d"), nullptr);
}

TEST(ParseTokenSetTest, EmptyPayloadHasNoTokensAndNoData) {
  absl::StatusOr<TokenSet> set = ParseTokenSet("");
  ASSERT_THAT(set, IsOk());
  EXPECT_TRUE(set->tokens.empty());
  EXPECT_FALSE(set->has_data);
}

TEST(ParseTokenSetTest, TokenWithoutColonIsAnError) {
  EXPECT_THAT(ParseTokenSet("a:1 oops"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("payload token \"oops\" has no ':' in \"a:1 oops\"")));
  EXPECT_THAT(ParseTokenSet("a:1  b:2"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("payload token \"\"")));
}

TEST(ParseTickPayloadTest, CapturedTick) {
  absl::StatusOr<TickPayload> tick = ParseTickPayload("when:1795609595");
  ASSERT_THAT(tick, IsOk());
  EXPECT_EQ(tick->when, 1795609595);
}

TEST(IsTickEventTest, MatchesTickNamesOnly) {
  EXPECT_TRUE(IsTickEvent("TICK_5"));
  EXPECT_TRUE(IsTickEvent("TICK_60"));
  EXPECT_TRUE(IsTickEvent("TICK_3600"));
  EXPECT_FALSE(IsTickEvent("TICK"));
  EXPECT_FALSE(IsTickEvent("PROCESS_STATE_RUNNING"));
}

struct StateCase {
  const char* name;
  std::string eventname;
  std::string payload;
  std::string processname;
  std::string groupname;
  std::string from_state;
  absl::optional<int> tries;
  absl::optional<std::int64_t> pid;
  absl::optional<bool> expected;
};

void PrintTo(const StateCase& c, std::ostream* os) { *os << c.name; }

class ParseProcessStatePayloadTest : public ::testing::TestWithParam<StateCase> {};

TEST_P(ParseProcessStatePayloadTest, ParsesEachVariant) {
  const StateCase& c = GetParam();
  absl::StatusOr<ProcessStatePayload> state = ParseProcessStatePayload(c.eventname, c.payload);
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(state->processname, c.processname);
  EXPECT_EQ(state->groupname, c.groupname);
  EXPECT_EQ(state->from_state, c.from_state);
  EXPECT_EQ(state->tries, c.tries);
  EXPECT_EQ(state->pid, c.pid);
  EXPECT_EQ(state->expected, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    States, ParseProcessStatePayloadTest,
    ::testing::Values(
        StateCase{"Starting", "PROCESS_STATE_STARTING",
                  "processname:rec groupname:rec from_state:STOPPED tries:0", "rec", "rec",
                  "STOPPED", 0, absl::nullopt, absl::nullopt},
        StateCase{"Backoff", "PROCESS_STATE_BACKOFF",
                  "processname:w groupname:g from_state:STARTING tries:3", "w", "g", "STARTING", 3,
                  absl::nullopt, absl::nullopt},
        StateCase{"Running", "PROCESS_STATE_RUNNING",
                  "processname:foo groupname:foo from_state:STARTING pid:11537", "foo", "foo",
                  "STARTING", absl::nullopt, 11537, absl::nullopt},
        StateCase{"Stopping", "PROCESS_STATE_STOPPING",
                  "processname:foo groupname:foo from_state:RUNNING pid:2", "foo", "foo",
                  "RUNNING", absl::nullopt, 2, absl::nullopt},
        StateCase{"Stopped", "PROCESS_STATE_STOPPED",
                  "processname:foo groupname:foo from_state:STOPPING pid:2", "foo", "foo",
                  "STOPPING", absl::nullopt, 2, absl::nullopt},
        StateCase{"Exited", "PROCESS_STATE_EXITED",
                  "processname:foo groupname:foo from_state:RUNNING expected:0 pid:11537", "foo",
                  "foo", "RUNNING", absl::nullopt, 11537, false},
        StateCase{"ExitedExpected", "PROCESS_STATE_EXITED",
                  "processname:foo groupname:foo from_state:RUNNING expected:1 pid:7", "foo",
                  "foo", "RUNNING", absl::nullopt, 7, true},
        StateCase{"Fatal", "PROCESS_STATE_FATAL",
                  "processname:cat groupname:cat from_state:BACKOFF", "cat", "cat", "BACKOFF",
                  absl::nullopt, absl::nullopt, absl::nullopt},
        StateCase{"Unknown", "PROCESS_STATE_UNKNOWN",
                  "processname:c groupname:g from_state:RUNNING", "c", "g", "RUNNING",
                  absl::nullopt, absl::nullopt, absl::nullopt},
        // Names may hold tabs, '$' and non-ASCII; unknown tokens are ignored.
        StateCase{"OddNamesAndExtraToken", "PROCESS_STATE_RUNNING",
                  "processname:a\tb$\xc3\xa9 groupname:g from_state:STARTING pid:1 new:x",
                  "a\tb$\xc3\xa9", "g", "STARTING", absl::nullopt, 1, absl::nullopt}),
    [](const ::testing::TestParamInfo<StateCase>& info) { return info.param.name; });

struct ErrorCase {
  const char* name;
  std::function<absl::Status()> parse;
  absl::StatusCode code;
  std::string message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class PayloadErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(PayloadErrorTest, Rejects) {
  EXPECT_THAT(GetParam().parse(), StatusIs(GetParam().code, HasSubstr(GetParam().message)));
}

template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, PayloadErrorTest,
    ::testing::Values(
        ErrorCase{"TickNoWhen", [] { return StatusOf(ParseTickPayload("")); },
                  absl::StatusCode::kInvalidArgument, "TICK payload has no 'when' token: \"\""},
        ErrorCase{"TickNotNumber", [] { return StatusOf(ParseTickPayload("when:-5")); },
                  absl::StatusCode::kInvalidArgument,
                  "TICK payload 'when' is not a number: \"when:-5\""},
        ErrorCase{"TickEmptyWhen", [] { return StatusOf(ParseTickPayload("when:")); },
                  absl::StatusCode::kInvalidArgument, "TICK payload 'when' is empty"},
        ErrorCase{"TickTooLarge",
                  [] { return StatusOf(ParseTickPayload("when:9223372036854775808")); },
                  absl::StatusCode::kOutOfRange, "TICK payload 'when' is too large"},
        ErrorCase{"TickWithData", [] { return StatusOf(ParseTickPayload("when:5\nx")); },
                  absl::StatusCode::kInvalidArgument,
                  "TICK payload has an unexpected line break"},
        ErrorCase{"StateUnknownName",
                  [] { return StatusOf(ParseProcessStatePayload("TICK_5", "when:5")); },
                  absl::StatusCode::kInvalidArgument,
                  "not a PROCESS_STATE event name: \"TICK_5\""},
        ErrorCase{"StateMissingPid",
                  [] {
                    return StatusOf(ParseProcessStatePayload(
                        "PROCESS_STATE_RUNNING", "processname:a groupname:a from_state:STARTING"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_STATE_RUNNING payload has no 'pid' token"},
        ErrorCase{"StateMissingTries",
                  [] {
                    return StatusOf(ParseProcessStatePayload(
                        "PROCESS_STATE_STARTING", "processname:a groupname:a from_state:STOPPED"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_STATE_STARTING payload has no 'tries' token"},
        ErrorCase{"StateMissingFromState",
                  [] {
                    return StatusOf(ParseProcessStatePayload("PROCESS_STATE_FATAL",
                                                             "processname:a groupname:a"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_STATE_FATAL payload has no 'from_state' token"},
        ErrorCase{"StateBadExpected",
                  [] {
                    return StatusOf(ParseProcessStatePayload(
                        "PROCESS_STATE_EXITED",
                        "processname:a groupname:a from_state:RUNNING expected:2 pid:1"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_STATE_EXITED payload 'expected' is not 0 or 1"},
        ErrorCase{"StateTriesTooLarge",
                  [] {
                    return StatusOf(ParseProcessStatePayload(
                        "PROCESS_STATE_BACKOFF",
                        "processname:a groupname:a from_state:STARTING tries:2147483648"));
                  },
                  absl::StatusCode::kOutOfRange,
                  "PROCESS_STATE_BACKOFF payload 'tries' is too large (max 2147483647)"},
        ErrorCase{"LogNoData",
                  [] {
                    return StatusOf(ParseProcessLogPayload(
                        "processname:a groupname:a pid:1 channel:stdout"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_LOG payload has no '\\n' before its data"},
        ErrorCase{"LogBadChannel",
                  [] {
                    return StatusOf(ParseProcessLogPayload(
                        "processname:a groupname:a pid:1 channel:stdin\nx"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_LOG payload 'channel' is not stdout or stderr"},
        ErrorCase{"LogMissingChannel",
                  [] {
                    return StatusOf(ParseProcessLogPayload("processname:a groupname:a pid:1\nx"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_LOG payload has no 'channel' token"},
        ErrorCase{"CommunicationBadPid",
                  [] {
                    return StatusOf(ParseProcessCommunicationPayload(
                        "processname:a groupname:a pid:x\nhi"));
                  },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_COMMUNICATION payload 'pid' is not a number"},
        ErrorCase{"RemoteNoType",
                  [] { return StatusOf(ParseRemoteCommunicationPayload("kind:x\ny")); },
                  absl::StatusCode::kInvalidArgument,
                  "REMOTE_COMMUNICATION payload does not start with 'type:'"},
        ErrorCase{"RemoteNoNewline",
                  [] { return StatusOf(ParseRemoteCommunicationPayload("type:x")); },
                  absl::StatusCode::kInvalidArgument,
                  "REMOTE_COMMUNICATION payload has no '\\n' before its data"},
        ErrorCase{"SupervisorStateNotEmpty",
                  [] { return ParseSupervisorStateChangePayload("x"); },
                  absl::StatusCode::kInvalidArgument,
                  "SUPERVISOR_STATE_CHANGE payload is not empty: \"x\""},
        ErrorCase{"GroupNoName", [] { return StatusOf(ParseProcessGroupPayload("\n")); },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_GROUP payload has no 'groupname' token"},
        ErrorCase{"GroupDataAfterNewline",
                  [] { return StatusOf(ParseProcessGroupPayload("groupname:a\nb")); },
                  absl::StatusCode::kInvalidArgument,
                  "PROCESS_GROUP payload has data after its '\\n'"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(ParseProcessLogPayloadTest, DocsExampleWithMultiLineData) {
  absl::StatusOr<ProcessLogPayload> log = ParseProcessLogPayload(
      "processname:name groupname:name pid:42 channel:stderr\nline 1\nUndecodable: b'\\xff'");
  ASSERT_THAT(log, IsOk());
  EXPECT_EQ(log->processname, "name");
  EXPECT_EQ(log->groupname, "name");
  EXPECT_EQ(log->pid, 42);
  EXPECT_EQ(log->channel, "stderr");
  EXPECT_EQ(log->data, "line 1\nUndecodable: b'\\xff'");
}

TEST(ParseProcessCommunicationPayloadTest, DocsExample) {
  absl::StatusOr<ProcessCommunicationPayload> communication = ParseProcessCommunicationPayload(
      "processname:foo groupname:bar pid:123\nThis is the data that was sent between the tags");
  ASSERT_THAT(communication, IsOk());
  EXPECT_EQ(communication->processname, "foo");
  EXPECT_EQ(communication->groupname, "bar");
  EXPECT_EQ(communication->pid, 123);
  EXPECT_EQ(communication->data, "This is the data that was sent between the tags");
}

TEST(ParseRemoteCommunicationPayloadTest, CapturedNonAscii) {
  absl::StatusOr<RemoteCommunicationPayload> remote =
      ParseRemoteCommunicationPayload("type:t\nh\xc3\xa9llo \xe2\x98\x83");
  ASSERT_THAT(remote, IsOk());
  EXPECT_EQ(remote->type, "t");
  EXPECT_EQ(remote->data, "h\xc3\xa9llo \xe2\x98\x83");
}

TEST(ParseRemoteCommunicationPayloadTest, TypeWithSpacesAndColonsAndMultiLineData) {
  absl::StatusOr<RemoteCommunicationPayload> remote =
      ParseRemoteCommunicationPayload("type:my type:x\nhello\nworld");
  ASSERT_THAT(remote, IsOk());
  EXPECT_EQ(remote->type, "my type:x");
  EXPECT_EQ(remote->data, "hello\nworld");
}

TEST(ParseRemoteCommunicationPayloadTest, EmptyTypeAndData) {
  absl::StatusOr<RemoteCommunicationPayload> remote = ParseRemoteCommunicationPayload("type:\n");
  ASSERT_THAT(remote, IsOk());
  EXPECT_EQ(remote->type, "");
  EXPECT_EQ(remote->data, "");
}

TEST(ParseSupervisorStateChangePayloadTest, EmptyIsOk) {
  EXPECT_THAT(ParseSupervisorStateChangePayload(""), IsOk());
}

TEST(ParseProcessGroupPayloadTest, CapturedWithTrailingNewline) {
  absl::StatusOr<ProcessGroupPayload> group = ParseProcessGroupPayload("groupname:rec\n");
  ASSERT_THAT(group, IsOk());
  EXPECT_EQ(group->groupname, "rec");
}

TEST(ParseProcessGroupPayloadTest, WithoutTrailingNewline) {
  absl::StatusOr<ProcessGroupPayload> group = ParseProcessGroupPayload("groupname:rec");
  ASSERT_THAT(group, IsOk());
  EXPECT_EQ(group->groupname, "rec");
}

}  // namespace
}  // namespace protocol
}  // namespace svl
