#include "kit/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;

const absl::Time kTime =
    absl::FromCivil(absl::CivilSecond(2026, 11, 25, 13, 5, 7), absl::UTCTimeZone()) +
    absl::Milliseconds(123);

LogRecord Status503() {
  return {"status=503", "http://h/x", "status contacting http://h/x: 503 Service Unavailable",
          {{"process", "web:web_00"}}};
}

TEST(EventLogTest, TextLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "httpok", "edge1", kTime, Status503()),
            "2026-11-25T13:05:07.123Z httpok[edge1] reason=status=503 url=http://h/x "
            "msg=\"status contacting http://h/x: 503 Service Unavailable\" process=web:web_00\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "httpok", "", kTime + absl::Milliseconds(877),
                          {"ok", "http://h/x", "", {}}),
            "2026-11-25T13:05:08.000Z httpok reason=ok url=http://h/x\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "httpok", "", kTime,
                          {"mail", "", "sendmail exited 1", {}}),
            "2026-11-25T13:05:07.123Z httpok reason=mail msg=\"sendmail exited 1\"\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "httpok", "", absl::UnixEpoch(),
                          {"rpc", "", "", {{"bad key", ""}, {"", "x y"}, {"k=", "é"}}}),
            "1970-01-01T00:00:00.000Z httpok reason=rpc bad_key=\"\" _=\"x y\" k_=\"é\"\n");
}

TEST(EventLogTest, TheListenerNamesTheTextLineOnly) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "memmon", "edge1", kTime, {"ok", "", "", {}}),
            "2026-11-25T13:05:07.123Z memmon[edge1] reason=ok\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, "memmon", "edge1", kTime, {"ok", "", "", {}}),
            "{\"time\":\"2026-11-25T13:05:07.123Z\",\"name\":\"edge1\",\"reason\":\"ok\"}\n");
}

TEST(EventLogTest, TextNameIsOneToken) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "httpok", "edge 1]\n\xff", kTime,
                          {"ok", "", "", {}}),
            "2026-11-25T13:05:07.123Z httpok[edge\\x201\\x5d\\n\\xff] reason=ok\n");
}

TEST(EventLogTest, JsonLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, "httpok", "edge1", kTime, Status503()),
            "{\"time\":\"2026-11-25T13:05:07.123Z\",\"name\":\"edge1\",\"reason\":\"status=503\","
            "\"url\":\"http://h/x\",\"msg\":\"status contacting http://h/x: 503 Service "
            "Unavailable\",\"process\":\"web:web_00\"}\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, "httpok", "", kTime,
                          {"timeout", "", "", {{"k\"", "\n"}}}),
            "{\"time\":\"2026-11-25T13:05:07.123Z\",\"reason\":\"timeout\",\"k_\":\"\\n\"}\n");
}

struct EscapeCase {
  std::string input;
  std::string text;  // TextValue()
  std::string json;  // JsonQuote()
};

TEST(EventLogTest, Escaping) {
  const EscapeCase cases[] = {
      {"", "\"\"", "\"\""},
      {"abc", "abc", "\"abc\""},
      {"status=503", "status=503", "\"status=503\""},
      {"http://h:8080/a?b=1&c=%20#f", "http://h:8080/a?b=1&c=%20#f",
       "\"http://h:8080/a?b=1&c=%20#f\""},
      {"a b", "\"a b\"", "\"a b\""},
      {"a\"b\\c", "\"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\""},
      {"\n\r\t", "\"\\n\\r\\t\"", "\"\\n\\r\\t\""},
      {"\b\f", "\"\\x08\\x0c\"", "\"\\b\\f\""},
      {std::string("\0\x01\x1f\x7f", 4), "\"\\x00\\x01\\x1f\\x7f\"",
       "\"\\u0000\\u0001\\u001f\\u007f\""},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\"", "\"caf\\u00e9\""},  // é kept in text, escaped in JSON
      {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", "\"\\ud83d\\ude00\""},  // U+1F600: a surrogate pair
      {"\xef\xbf\xbd", "\"\xef\xbf\xbd\"", "\"\\ufffd\""},  // U+FFFD itself
      {"\xe2\x80\xa8|\xe2\x80\xa9", "\"\xe2\x80\xa8|\xe2\x80\xa9\"", "\"\\u2028|\\u2029\""},
      {"\xc2\x9b[2J", "\"\\u009b[2J\"", "\"\\u009b[2J\""},  // C1 CSI
      {"\xc2\xa0", "\"\xc2\xa0\"", "\"\\u00a0\""},  // NBSP is printable
      {"\xff", "\"\\xff\"", "\"\\ufffd\""},
      {"a\xc3", "\"a\\xc3\"", "\"a\\ufffd\""},                      // truncated
      {"\xc3(", "\"\\xc3(\"", "\"\\ufffd(\""},                      // bad continuation
      {"\xc0\xaf", "\"\\xc0\\xaf\"", "\"\\ufffd\\ufffd\""},          // overlong '/'
      {"\xe0\x80\xaf", "\"\\xe0\\x80\\xaf\"", "\"\\ufffd\\ufffd\\ufffd\""},
      {"\xed\xa0\x80", "\"\\xed\\xa0\\x80\"", "\"\\ufffd\\ufffd\\ufffd\""},  // surrogate
      {"\xf4\x90\x80\x80", "\"\\xf4\\x90\\x80\\x80\"",
       "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},  // above U+10FFFF
      {"\xf0\x80\x80\x80", "\"\\xf0\\x80\\x80\\x80\"", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
      {"\x80\xbf", "\"\\x80\\xbf\"", "\"\\ufffd\\ufffd\""},  // lone continuations
      {"\xf8\x88\x80\x80\x80", "\"\\xf8\\x88\\x80\\x80\\x80\"",
       "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""},
  };
  for (const EscapeCase& c : cases) {
    EXPECT_EQ(TextValue(c.input), c.text) << ::testing::PrintToString(c.input);
    EXPECT_EQ(JsonQuote(c.input), c.json) << ::testing::PrintToString(c.input);
  }
}

TEST(EventLogTest, MsgIsAlwaysQuotedAndOneLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "httpok", "", kTime,
                          {"error", "", "error contacting x:\n\n timed out", {}}),
            "2026-11-25T13:05:07.123Z httpok reason=error msg=\"error contacting x:\\n\\n timed "
            "out\"\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "httpok", "", kTime, {"ok", "", "word", {}}),
            "2026-11-25T13:05:07.123Z httpok reason=ok msg=\"word\"\n");
}

class FakeClock {
 public:
  absl::Time Now() {
    absl::Time now = now_;
    now_ += absl::Milliseconds(1500);
    return now;
  }

 private:
  absl::Time now_ = kTime;
};

TEST(EventLogTest, LogStampsWithTheInjectedClock) {
  MemoryLogSink sink;
  FakeClock clock;
  EventLog log(LogFormat::kText, "httpok", "n", sink, [&clock] { return clock.Now(); });
  log.Log({"ok", "http://h/", "", {}});
  log.Log({"status=500", "http://h/", "", {}});
  EXPECT_THAT(sink.lines(),
              ElementsAre("2026-11-25T13:05:07.123Z httpok[n] reason=ok url=http://h/\n",
                          "2026-11-25T13:05:08.623Z httpok[n] reason=status=500 url=http://h/\n"));
}

TEST(EventLogTest, CredentialsNeverAppear) {
  MemoryLogSink sink;
  EventLog text(LogFormat::kText, "httpok", "", sink, [] { return kTime; });
  EventLog json(LogFormat::kJson, "httpok", "", sink, [] { return kTime; });
  text.AddSecret("s3cr3t-basic");
  json.AddSecret("s3cr3t-basic");
  text.AddSecret("");  // ignored
  const LogRecord record = {
      "refused",
      "https://alice:pa55word@h:8443/health",
      "error contacting https://alice:pa55word@h:8443/health:\n\n refused (alice:pa55word, "
      "pa55word, Authorization with s3cr3t-basic)",
      {{"detail", "curl said https://alice:pa55word@h:8443/health"}, {"auth", "bob:s3cr3t-basic"}}};
  text.Log(record);
  json.Log(record);
  EXPECT_THAT(
      sink.lines(),
      ElementsAre("2026-11-25T13:05:07.123Z httpok reason=refused url=https://***@h:8443/health "
                  "msg=\"error contacting https://***@h:8443/health:\\n\\n refused (***, ***, "
                  "Authorization with ***)\" detail=\"curl said https://***@h:8443/health\" "
                  "auth=bob:***\n",
                  "{\"time\":\"2026-11-25T13:05:07.123Z\",\"reason\":\"refused\",\"url\":\"https:/"
                  "/***@h:8443/health\",\"msg\":\"error contacting https://***@h:8443/health:\\n\\n"
                  " refused (***, ***, Authorization with ***)\",\"detail\":\"curl said https://"
                  "***@h:8443/health\",\"auth\":\"bob:***\"}\n"));
  for (const std::string& line : sink.lines()) {
    EXPECT_THAT(line, ::testing::Not(::testing::HasSubstr("pa55word")));
    EXPECT_THAT(line, ::testing::Not(::testing::HasSubstr("s3cr3t")));
  }
}

TEST(EventLogTest, LongerSecretsAreMaskedFirst) {
  MemoryLogSink sink;
  EventLog log(LogFormat::kText, "httpok", "", sink, [] { return kTime; });
  log.AddSecret("abc");
  log.AddSecret("abcdef");
  log.Log({"ok", "", "abcdef abc", {}});
  EXPECT_THAT(sink.lines(), ElementsAre("2026-11-25T13:05:07.123Z httpok reason=ok msg=\"*** ***\"\n"));
}

TEST(EventLogTest, FdLogSinkWritesWholeLines) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  {
    FdLogSink sink(fds[1]);
    EventLog log(LogFormat::kJson, "httpok", "", sink, [] { return kTime; });
    log.Log({"ok", "", "", {}});
    sink.Write(std::string(100000, 'x').substr(0, 0));  // empty: nothing written
  }
  close(fds[1]);
  std::string got;
  char buffer[256];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) got.append(buffer, n);
  close(fds[0]);
  EXPECT_EQ(got, "{\"time\":\"2026-11-25T13:05:07.123Z\",\"reason\":\"ok\"}\n");
}

TEST(EventLogTest, FdLogSinkDropsErrors) {
  FdLogSink sink(-1);
  sink.Write("lost\n");  // EBADF: dropped, no crash
}

TEST(EventLogTest, ConcurrentRecordsDoNotInterleave) {
  MemoryLogSink sink;
  EventLog log(LogFormat::kText, "httpok", "", sink, [] { return kTime; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 200; ++i) log.Log({"ok", "", absl::StrCat(t, "-", i), {}});
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<std::string> lines = sink.lines();
  ASSERT_EQ(lines.size(), 800u);
  for (const std::string& line : lines) {
    EXPECT_THAT(line, ::testing::MatchesRegex(
                          "2026-11-25T13:05:07\\.123Z httpok reason=ok msg=\"[0-3]-[0-9]+\"\n"));
  }
}

TEST(EventLogTest, ParseLogFormat) {
  EXPECT_THAT(ParseLogFormat("text"), IsOkAndHolds(LogFormat::kText));
  EXPECT_THAT(ParseLogFormat("json"), IsOkAndHolds(LogFormat::kJson));
  EXPECT_THAT(ParseLogFormat("JSON"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "bad --log-format value \"JSON\": expected text or json"));
  EXPECT_THAT(ParseLogFormat(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kit
}  // namespace svl
