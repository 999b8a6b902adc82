#include "protocol/event_stream.h"

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/event.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace protocol {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

// Real bytes captured from supervisord (reference §1.4-1.6).
const char kTick[] =
    "ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 eventname:TICK_5 len:15\n"
    "when:1795609595";
const char kRemote[] =
    "ver:3.0 server:supervisor serial:10 pool:rec poolserial:10 "
    "eventname:REMOTE_COMMUNICATION len:14\ntype:t\nh\xc3\xa9llo \xe2\x98\x83";
const char kGroupAdded[] =
    "ver:3.0 server:supervisor serial:0 pool:rec poolserial:0 "
    "eventname:PROCESS_GROUP_ADDED len:14\ngroupname:rec\n";
const char kSupervisorRunning[] =
    "ver:3.0 server:supervisor serial:1 pool:rec poolserial:1 "
    "eventname:SUPERVISOR_STATE_CHANGE_RUNNING len:0\n";

// A canonical dump of what a parser produced from a stream: one line per
// event, then the final status (or "need-more" / "end").
std::string Dump(EventStreamParser& parser) {
  std::string out;
  while (true) {
    absl::StatusOr<absl::optional<Event>> event = parser.Next();
    if (!event.ok()) return absl::StrCat(out, "error: ", event.status().ToString());
    if (!event->has_value()) {
      return absl::StrCat(out, parser.AtCleanEnd() ? "end" : "need-more");
    }
    const Event& e = **event;
    absl::StrAppend(&out, e.header.eventname, " serial=", e.header.serial,
                    e.redelivered ? " redelivered" : "", " payload=\"",
                    absl::CHexEscape(e.payload), "\"\n");
  }
}

std::string FeedWhole(absl::string_view stream, bool eof) {
  EventStreamParser parser;
  parser.Feed(stream);
  if (eof) parser.FeedEof();
  return Dump(parser);
}

// Feeds one byte at a time, draining events after each byte, then EOF.
std::string FeedByteByByte(absl::string_view stream, bool eof) {
  EventStreamParser parser;
  std::string out;
  for (char c : stream) {
    parser.Feed(absl::string_view(&c, 1));
    std::string dump = Dump(parser);
    // Keep the events, drop the trailing "need-more" of each step.
    const std::size_t last = dump.rfind('\n');
    if (dump.find("error: ") != std::string::npos) return out + dump;
    if (last != std::string::npos) out += dump.substr(0, last + 1);
  }
  if (eof) parser.FeedEof();
  return out + Dump(parser);
}

struct StreamCase {
  const char* name;
  std::string stream;
  bool eof;
  std::string dump;
};

void PrintTo(const StreamCase& c, std::ostream* os) { *os << c.name; }

class EventStreamParserTest : public ::testing::TestWithParam<StreamCase> {};

TEST_P(EventStreamParserTest, WholeStream) {
  EXPECT_EQ(FeedWhole(GetParam().stream, GetParam().eof), GetParam().dump);
}

TEST_P(EventStreamParserTest, ByteByByteGivesTheSameResult) {
  EXPECT_EQ(FeedByteByByte(GetParam().stream, GetParam().eof), GetParam().dump);
}

INSTANTIATE_TEST_SUITE_P(
    Streams, EventStreamParserTest,
    ::testing::Values(
        StreamCase{"Empty", "", false, "need-more"},
        StreamCase{"EmptyAtEof", "", true, "end"},
        StreamCase{"Tick", kTick, true, "TICK_5 serial=9 payload=\"when:1795609595\"\nend"},
        // len:14 counts code points: all 18 bytes belong to the payload, and
        // the following event parses (a byte counter would leave the snowman).
        StreamCase{"NonAsciiThenTick", absl::StrCat(kRemote, kTick), true,
                   "REMOTE_COMMUNICATION serial=10 payload=\"type:t\\nh\\xc3\\xa9llo "
                   "\\xe2\\x98\\x83\"\nTICK_5 serial=9 payload=\"when:1795609595\"\nend"},
        StreamCase{"GroupAddedKeepsTrailingNewline", kGroupAdded, true,
                   "PROCESS_GROUP_ADDED serial=0 payload=\"groupname:rec\\n\"\nend"},
        StreamCase{"EmptyPayload", absl::StrCat(kSupervisorRunning, kTick), true,
                   "SUPERVISOR_STATE_CHANGE_RUNNING serial=1 payload=\"\"\n"
                   "TICK_5 serial=9 payload=\"when:1795609595\"\nend"},
        StreamCase{"RedeliveredSameSerial", absl::StrCat(kTick, kTick), true,
                   "TICK_5 serial=9 payload=\"when:1795609595\"\n"
                   "TICK_5 serial=9 redelivered payload=\"when:1795609595\"\nend"},
        StreamCase{"NoSerialIsNeverRedelivered", "len:1\naeventname:X len:1\nb", true,
                   " serial=0 payload=\"a\"\nX serial=0 payload=\"b\"\nend"},
        StreamCase{"WithoutEofWaitsForMore", absl::StrCat(kTick, "ver:3.0 len:4\nab"), false,
                   "TICK_5 serial=9 payload=\"when:1795609595\"\nneed-more"},
        // The len-th code point's continuation bytes belong to the payload.
        StreamCase{"LastCodePointIsMultiByte", "len:2\na\xe2\x98\x83len:0\n", true,
                   " serial=0 payload=\"a\\xe2\\x98\\x83\"\n serial=0 payload=\"\"\nend"},
        // A truncated last code point ends at the first non-continuation byte.
        StreamCase{"TruncatedLastCodePoint", "len:1\n\xe2\x98len:0\n", true,
                   " serial=0 payload=\"\\xe2\\x98\"\n serial=0 payload=\"\"\nend"},
        // ... or at EOF.
        StreamCase{"TruncatedLastCodePointAtEof", "len:1\n\xe2\x98", true,
                   " serial=0 payload=\"\\xe2\\x98\"\nend"},
        StreamCase{"TruncatedLastCodePointWaits", "len:1\n\xe2\x98", false, "need-more"},
        // Invalid bytes count as one code point each.
        StreamCase{"InvalidBytes", "len:3\n\xff\x80\xc0len:0\n", true,
                   " serial=0 payload=\"\\xff\\x80\\xc0\"\n serial=0 payload=\"\"\nend"},
        StreamCase{"EofInHeader", "ver:3.0 len:1", true,
                   "error: DATA_LOSS: stream ended inside an event header after 13 bytes"},
        StreamCase{"EofInPayload", absl::StrCat(kTick).substr(0, 90), true,
                   "error: DATA_LOSS: stream ended inside the payload of event TICK_5 (serial "
                   "9): 9 of 15 code points read"},
        StreamCase{"MalformedHeaderAfterEvent", absl::StrCat(kTick, "bogus data yo\nxyz"), true,
                   "TICK_5 serial=9 payload=\"when:1795609595\"\nerror: INVALID_ARGUMENT: event "
                   "header has no 'len' token: \"bogus data yo\""},
        StreamCase{"AbsurdLen", "len:123456789012\n", false,
                   "error: OUT_OF_RANGE: event header 'len' is too large (max 16777216): "
                   "\"123456789012\" in \"len:123456789012\""}),
    [](const ::testing::TestParamInfo<StreamCase>& info) { return info.param.name; });

TEST(EventStreamParserTest, HeaderLineLongerThanTheCapIsRejectedBeforeItsNewline) {
  EventStreamParser parser;
  parser.Feed(std::string(kMaxHeaderLineBytes, 'x'));
  absl::StatusOr<absl::optional<Event>> event = parser.Next();
  ASSERT_THAT(event, IsOk());
  EXPECT_FALSE(event->has_value());
  parser.Feed("y");
  EXPECT_THAT(parser.Next(), StatusIs(absl::StatusCode::kOutOfRange,
                                      HasSubstr("event header line longer than 65536 bytes")));
}

TEST(EventStreamParserTest, ErrorsAreSticky) {
  EventStreamParser parser;
  parser.Feed("len:x\n");
  EXPECT_THAT(parser.Next(), StatusIs(absl::StatusCode::kInvalidArgument));
  parser.Feed(kTick);
  EXPECT_THAT(parser.Next(), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("'len' is not a number")));
}

TEST(EventStreamParserTest, BufferedBytesCountsWhatIsNotYetAnEvent) {
  EventStreamParser parser;
  parser.Feed(absl::StrCat(kTick, "ver:3.0"));
  EXPECT_EQ(parser.BufferedBytes(), sizeof(kTick) - 1 + 7);
  ASSERT_THAT(parser.Next(), IsOk());
  EXPECT_EQ(parser.BufferedBytes(), 7u);
}

TEST(EventStreamParserTest, ManyEventsThroughCompaction) {
  // More than the compaction threshold, fed in uneven chunks.
  std::string stream;
  for (int i = 0; i < 2000; ++i) {
    absl::StrAppend(&stream, "serial:", i, " len:3\n\xe2\x98\x83", "ab");
  }
  EventStreamParser parser;
  int events = 0;
  for (std::size_t pos = 0; pos < stream.size(); pos += 997) {
    parser.Feed(absl::string_view(stream).substr(pos, 997));
    while (true) {
      absl::StatusOr<absl::optional<Event>> event = parser.Next();
      ASSERT_THAT(event, IsOk());
      if (!event->has_value()) break;
      EXPECT_EQ((*event)->header.serial, static_cast<std::uint64_t>(events));
      EXPECT_EQ((*event)->payload, "\xe2\x98\x83" "ab");
      ++events;
    }
  }
  parser.FeedEof();
  EXPECT_TRUE(parser.AtCleanEnd());
  EXPECT_EQ(events, 2000);
}

}  // namespace
}  // namespace protocol
}  // namespace svl
