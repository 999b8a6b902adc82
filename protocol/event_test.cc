#include "protocol/event.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

using Tokens = std::vector<std::pair<std::string, std::string>>;

struct HeaderCase {
  const char* name;
  std::string line;
  std::string ver;
  std::string server;
  std::uint64_t serial;
  bool has_serial;
  std::string pool;
  std::uint64_t poolserial;
  std::string eventname;
  std::size_t len;
  Tokens tokens;  // the keys not lifted into fields
};

class ParseEventHeaderTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(ParseEventHeaderTest, ParsesFields) {
  const HeaderCase& c = GetParam();
  absl::StatusOr<EventHeader> header = ParseEventHeader(c.line);
  ASSERT_THAT(header, IsOk());
  EXPECT_EQ(header->ver, c.ver);
  EXPECT_EQ(header->server, c.server);
  EXPECT_EQ(header->serial, c.serial);
  EXPECT_EQ(header->has_serial, c.has_serial);
  EXPECT_EQ(header->pool, c.pool);
  EXPECT_EQ(header->poolserial, c.poolserial);
  EXPECT_EQ(header->eventname, c.eventname);
  EXPECT_EQ(header->len, c.len);
  EXPECT_EQ(header->tokens, c.tokens);
}

INSTANTIATE_TEST_SUITE_P(
    Headers, ParseEventHeaderTest,
    ::testing::Values(
        // Captured from a real supervisord (reference §1.4).
        HeaderCase{"CapturedTick",
                   "ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 eventname:TICK_5 len:15",
                   "3.0", "supervisor", 9, true, "rec", 9, "TICK_5", 15, {}},
        // docs/events.rst:194.
        HeaderCase{"DocsExample",
                   "ver:3.0 server:supervisor serial:21 pool:listener poolserial:10 "
                   "eventname:PROCESS_COMMUNICATION_STDOUT len:54",
                   "3.0", "supervisor", 21, true, "listener", 10,
                   "PROCESS_COMMUNICATION_STDOUT", 54, {}},
        // [eventlistener: spaced] keeps the unstripped name (reference §1.4).
        HeaderCase{"PoolWithLeadingSpace",
                   "ver:3.0 server:supervisor serial:3 pool: spaced poolserial:1 "
                   "eventname:TICK_5 len:15",
                   "3.0", "supervisor", 3, true, " spaced", 1, "TICK_5", 15, {}},
        HeaderCase{"PoolWithTwoSpaces",
                   "ver:3.0 pool:  two poolserial:1 eventname:TICK_5 len:1", "3.0", "", 0, false,
                   "  two", 1, "TICK_5", 1, {}},
        // The identifier is not validated: ':' and spaces survive.
        HeaderCase{"ServerWithColon",
                   "ver:3.0 server:host:9001 serial:1 pool:p poolserial:1 eventname:TICK_60 len:15",
                   "3.0", "host:9001", 1, true, "p", 1, "TICK_60", 15, {}},
        HeaderCase{"ServerWithSpaceAndUtf8",
                   "ver:3.0 server:my h\xc3\xb6st serial:2 pool:p poolserial:2 "
                   "eventname:TICK_5 len:15",
                   "3.0", "my h\xc3\xb6st", 2, true, "p", 2, "TICK_5", 15, {}},
        HeaderCase{"AnyOrderAndUnknownKeys",
                   "len:0 future:x:y eventname:SUPERVISOR_STATE_CHANGE_RUNNING serial:7 ver:3.0 "
                   "extra:",
                   "3.0", "", 7, true, "", 0, "SUPERVISOR_STATE_CHANGE_RUNNING", 0,
                   {{"future", "x:y"}, {"extra", ""}}},
        HeaderCase{"OnlyLen", "len:3", "", "", 0, false, "", 0, "", 3, {}},
        HeaderCase{"LeadingTokenWithoutColonIsSkipped", "garbage len:2", "", "", 0, false, "",
                   0, "", 2, {}},
        HeaderCase{"SurroundingWhitespaceAndCr", " len:2 eventname:TICK_5\r", "", "", 0, false,
                   "", 0, "TICK_5", 2, {}},
        HeaderCase{"LastOccurrenceWins", "len:1 server:x len:5 len:7", "", "x", 0, false, "", 0,
                   "", 7, {}},
        HeaderCase{"LenAtMaximum", "len:16777216", "", "", 0, false, "", 0, "",
                   kMaxPayloadCodePoints, {}},
        HeaderCase{"MaxSerial", "serial:18446744073709551615 len:0", "", "",
                   18446744073709551615u, true, "", 0, "", 0, {}}),
    [](const ::testing::TestParamInfo<HeaderCase>& info) { return info.param.name; });

struct ErrorCase {
  const char* name;
  std::string line;
  absl::StatusCode code;
  std::string message;  // a substring of the status message
};

class ParseEventHeaderErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseEventHeaderErrorTest, Rejects) {
  const ErrorCase& c = GetParam();
  EXPECT_THAT(ParseEventHeader(c.line), StatusIs(c.code, HasSubstr(c.message)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ParseEventHeaderErrorTest,
    ::testing::Values(
        ErrorCase{"Empty", "", absl::StatusCode::kInvalidArgument,
                  "event header has no 'len' token: \"\""},
        ErrorCase{"NoLen", "ver:3.0 server:supervisor serial:1 eventname:TICK_5",
                  absl::StatusCode::kInvalidArgument,
                  "event header has no 'len' token: \"ver:3.0 server:supervisor"},
        // A byte-counting reader leaves a snowman before the next header.
        ErrorCase{"SnowmanBeforeHeader", "\xe2\x98\x83ver:3.0 len", absl::StatusCode::kInvalidArgument,
                  "no 'len' token: \"\\xe2\\x98\\x83ver:3.0 len\""},
        ErrorCase{"LenEmpty", "len:", absl::StatusCode::kInvalidArgument,
                  "event header 'len' is empty"},
        ErrorCase{"LenNotDigits", "len:1x", absl::StatusCode::kInvalidArgument,
                  "event header 'len' is not a number: \"1x\""},
        ErrorCase{"LenNegative", "len:-1", absl::StatusCode::kInvalidArgument,
                  "'len' is not a number: \"-1\""},
        ErrorCase{"LenPlus", "len:+1", absl::StatusCode::kInvalidArgument,
                  "'len' is not a number: \"+1\""},
        ErrorCase{"LenJoinedWithGarbage", "len:15 garbage", absl::StatusCode::kInvalidArgument,
                  "'len' is not a number: \"15 garbage\""},
        ErrorCase{"LenAboveCap", "len:16777217", absl::StatusCode::kOutOfRange,
                  "event header 'len' is too large (max 16777216): \"16777217\""},
        ErrorCase{"LenAbsurd", "len:99999999999999999999999", absl::StatusCode::kOutOfRange,
                  "'len' is too large"},
        ErrorCase{"LenHugeThenNonDigit", "len:99999999999999999999999x",
                  absl::StatusCode::kInvalidArgument, "'len' is not a number"},
        ErrorCase{"SerialNotDigits", "serial:abc len:1", absl::StatusCode::kInvalidArgument,
                  "event header 'serial' is not a number: \"abc\""},
        ErrorCase{"SerialOverflow", "serial:18446744073709551616 len:1",
                  absl::StatusCode::kOutOfRange, "event header 'serial' is too large"},
        ErrorCase{"PoolserialNotDigits", "poolserial:1.5 len:1",
                  absl::StatusCode::kInvalidArgument,
                  "event header 'poolserial' is not a number: \"1.5\""}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(ParseEventHeaderTest, LongLineIsTruncatedInTheMessage) {
  const std::string line(1000, 'x');
  absl::StatusOr<EventHeader> header = ParseEventHeader(line);
  ASSERT_THAT(header, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(header.status().message()),
              HasSubstr("\"" + std::string(200, 'x') + "\"..."));
  EXPECT_LT(header.status().message().size(), 300u);
}

TEST(ParseEventHeaderIntoTest, OverwritesEveryField) {
  EventHeader header;
  ASSERT_THAT(ParseEventHeaderInto("ver:3.0 server:s serial:4 pool:p poolserial:5 "
                                   "eventname:TICK_5 len:15 odd:1",
                                   &header),
              IsOk());
  ASSERT_THAT(ParseEventHeaderInto("len:2", &header), IsOk());
  EXPECT_EQ(header.ver, "");
  EXPECT_EQ(header.server, "");
  EXPECT_EQ(header.serial, 0u);
  EXPECT_FALSE(header.has_serial);
  EXPECT_EQ(header.pool, "");
  EXPECT_EQ(header.poolserial, 0u);
  EXPECT_EQ(header.eventname, "");
  EXPECT_EQ(header.len, 2u);
  EXPECT_THAT(header.tokens, ::testing::IsEmpty());
}

TEST(FormatEventHeaderTest, RendersSupervisordOrderAndRoundTrips) {
  const std::string line =
      "ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 eventname:TICK_5 len:15";
  absl::StatusOr<EventHeader> header = ParseEventHeader(line);
  ASSERT_THAT(header, IsOk());
  EXPECT_EQ(FormatEventHeader(*header), line);
}

TEST(FormatEventHeaderTest, UnvalidatedValuesRoundTrip) {
  EventHeader header;
  header.ver = "3.0";
  header.server = "a b:c";
  header.pool = " spaced";
  header.eventname = "TICK_5";
  header.len = 15;
  const std::string line = FormatEventHeader(header);
  EXPECT_EQ(line, "ver:3.0 server:a b:c serial:0 pool: spaced poolserial:0 eventname:TICK_5 len:15");
  absl::StatusOr<EventHeader> parsed = ParseEventHeader(line);
  ASSERT_THAT(parsed, IsOk());
  // "b:c" has a ':' and so starts its own token: the documented limit.
  EXPECT_EQ(parsed->server, "a");
  EXPECT_THAT(parsed->tokens, ElementsAre(Pair("b", "c")));
  EXPECT_EQ(parsed->pool, " spaced");
  EXPECT_EQ(parsed->len, 15u);
}

struct CountCase {
  const char* name;
  std::string bytes;
  std::size_t code_points;
};

class CountCodePointsTest : public ::testing::TestWithParam<CountCase> {};

TEST_P(CountCodePointsTest, Counts) {
  EXPECT_EQ(CountCodePoints(GetParam().bytes), GetParam().code_points);
}

INSTANTIATE_TEST_SUITE_P(
    Bytes, CountCodePointsTest,
    ::testing::Values(
        CountCase{"Empty", "", 0}, CountCase{"Ascii", "when:1795609595", 15},
        // The verified REMOTE_COMMUNICATION payload: 18 bytes, len:14.
        CountCase{"RemoteCommunication", "type:t\nh\xc3\xa9llo \xe2\x98\x83", 14},
        CountCase{"FourByte", "\xf0\x9f\x98\x80!", 2},
        CountCase{"StrayContinuation", "\x80\xbf", 2},
        CountCase{"InvalidLeads", "\xc0\xc1\xf5\xff", 4},
        CountCase{"TruncatedAtEnd", "a\xe2\x98", 2},
        CountCase{"TruncatedBeforeAscii", "\xe2\x98z", 2},
        CountCase{"LeadAfterLead", "\xc3\xc3\xa9", 2},
        CountCase{"ExtraContinuation", "\xc3\xa9\xa9", 2}),
    [](const ::testing::TestParamInfo<CountCase>& info) { return info.param.name; });

}  // namespace
}  // namespace protocol
}  // namespace svl
