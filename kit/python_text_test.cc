#include "kit/python_text.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace svl {
namespace kit {
namespace {

struct ReprCase {
  std::string input;     // UTF-8 (or invalid) bytes
  std::string expected;  // Python 3.11 repr(), checked with /usr/bin/python3
};

TEST(PythonReprTest, MatchesPython) {
  const std::vector<ReprCase> cases = {
      {"foo", "'foo'"},
      {"", "''"},
      {"can't", "\"can't\""},
      {"say \"hi\"", "'say \"hi\"'"},
      {"both ' and \"", "'both \\' and \"'"},
      {"back\\slash", "'back\\\\slash'"},
      {"a\nb\rc\td", "'a\\nb\\rc\\td'"},
      {std::string("\x00\x1f\x7f", 3), "'\\x00\\x1f\\x7f'"},
      {"\xc2\x85\xc2\xa0", "'\\x85\\xa0'"},
      {"\xc3\xa9\xe2\x98\x83", "'\xc3\xa9\xe2\x98\x83'"},
      {"\xe2\x80\xa8", "'\\u2028'"},
      {"\xe2\x80\x8b", "'\\u200b'"},
      {"\xef\xbb\xbf", "'\\ufeff'"},
      {"\xf0\x9f\x98\x80", "'\xf0\x9f\x98\x80'"},
      {"\xee\x80\x80", "'\\ue000'"},
      {"\xf3\xb0\x80\x80", "'\\U000f0000'"},
      {"\xef\xb7\x90", "'\\ufdd0'"},
      {"\xef\xbf\xbf", "'\\uffff'"},
      {"NO_FILE: can't find command '/nonexistent/bin'",
       "\"NO_FILE: can't find command '/nonexistent/bin'\""},
      // Invalid UTF-8 as Python shows surrogateescape-decoded text.
      {"\xff\x80" "abc", "'\\udcff\\udc80abc'"},
      {"\xc3", "'\\udcc3'"},
      {"\xed\xa0\x80", "'\\udced\\udca0\\udc80'"},
      {"\xc0\x80", "'\\udcc0\\udc80'"},
  };
  for (const ReprCase& c : cases) {
    EXPECT_EQ(PythonRepr(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(PythonListReprTest, MatchesPython) {
  EXPECT_EQ(PythonListRepr({}), "[]");
  EXPECT_EQ(PythonListRepr({"foo"}), "['foo']");
  EXPECT_EQ(PythonListRepr({"foo", "bar", "baz_01", "notexisting"}),
            "['foo', 'bar', 'baz_01', 'notexisting']");
  EXPECT_EQ(PythonListRepr({"grp:web", "it's"}), "['grp:web', \"it's\"]");
}

TEST(PythonFaultReprTest, MatchesXmlrpcClientFault) {
  EXPECT_EQ(PythonFaultRepr(50, "SPAWN_ERROR"), "<Fault 50: 'SPAWN_ERROR'>");
  EXPECT_EQ(PythonFaultRepr(30, "FAILED"), "<Fault 30: 'FAILED'>");
  EXPECT_EQ(PythonFaultRepr(50, "SPAWN_ERROR: foo:bar"), "<Fault 50: 'SPAWN_ERROR: foo:bar'>");
  EXPECT_EQ(PythonFaultRepr(20, "NO_FILE: can't find command '/nonexistent/bin'"),
            "<Fault 20: \"NO_FILE: can't find command '/nonexistent/bin'\">");
}

// 2026-12-01 13:30:52.9996 UTC, a Tuesday.
absl::Time SampleTime() {
  return absl::FromCivil(absl::CivilSecond(2026, 12, 1, 13, 30, 52), absl::UTCTimeZone()) +
         absl::Microseconds(999600);
}

TEST(SupervisorAsctimeTest, MillisecondsTruncatedNoZone) {
  EXPECT_EQ(SupervisorAsctime(SampleTime(), absl::UTCTimeZone()), "2026-12-01 13:30:52,999");
  EXPECT_EQ(SupervisorAsctime(SampleTime(), absl::FixedTimeZone(-(5 * 3600 + 1800))),
            "2026-12-01 08:00:52,999");
  const absl::Time whole =
      absl::FromCivil(absl::CivilSecond(2026, 1, 2, 3, 4, 5), absl::UTCTimeZone());
  EXPECT_EQ(SupervisorAsctime(whole, absl::UTCTimeZone()), "2026-01-02 03:04:05,000");
  EXPECT_EQ(SupervisorAsctime(whole + absl::Milliseconds(7) + absl::Nanoseconds(999999),
                              absl::UTCTimeZone()),
            "2026-01-02 03:04:05,007");
  // Local time crosses into the next year.
  const absl::Time late =
      absl::FromCivil(absl::CivilSecond(2026, 12, 31, 23, 59, 59), absl::UTCTimeZone()) +
      absl::Milliseconds(500);
  EXPECT_EQ(SupervisorAsctime(late, absl::FixedTimeZone(3600)), "2027-01-01 00:59:59,500");
}

TEST(PythonAsctimeTest, CLayoutEnglishNames) {
  EXPECT_EQ(PythonAsctime(SampleTime(), absl::UTCTimeZone()), "Tue Dec  1 13:30:52 2026");
  EXPECT_EQ(PythonAsctime(SampleTime(), absl::FixedTimeZone(5 * 3600 + 1800)),
            "Tue Dec  1 19:00:52 2026");
  EXPECT_EQ(PythonAsctime(SampleTime() + absl::Hours(24 * 14), absl::UTCTimeZone()),
            "Tue Dec 15 13:30:52 2026");
  const absl::Time late =
      absl::FromCivil(absl::CivilSecond(2026, 12, 31, 23, 59, 59), absl::UTCTimeZone());
  EXPECT_EQ(PythonAsctime(late, absl::FixedTimeZone(3600)), "Fri Jan  1 00:59:59 2027");
  const absl::Time sunday =
      absl::FromCivil(absl::CivilSecond(2026, 6, 7, 0, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(PythonAsctime(sunday, absl::UTCTimeZone()), "Sun Jun  7 00:00:00 2026");
}

}  // namespace
}  // namespace kit
}  // namespace svl
