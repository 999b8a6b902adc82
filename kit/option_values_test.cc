#include "kit/option_values.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;

TEST(ParseSecondsTest, Accepts) {
  EXPECT_EQ(*ParseSeconds("2.5", SecondsBound::kPositive), absl::Milliseconds(2500));
  EXPECT_EQ(*ParseSeconds(" 1e1 ", SecondsBound::kPositive), absl::Seconds(10));
  EXPECT_EQ(*ParseSeconds("0.001", SecondsBound::kPositive), absl::Milliseconds(1));
  EXPECT_EQ(*ParseSeconds("0", SecondsBound::kNonNegative), absl::ZeroDuration());
  EXPECT_EQ(*ParseSeconds("31536000", SecondsBound::kNonNegative), absl::Hours(24 * 365));
}

TEST(ParseSecondsTest, RejectsWithTheReason) {
  struct Case {
    std::string text;
    SecondsBound bound;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"0", SecondsBound::kPositive, "'0' is not a positive number of seconds"},
      {"-1", SecondsBound::kPositive, "'-1' is not a positive number of seconds"},
      {"", SecondsBound::kPositive, "'' is not a positive number of seconds"},
      {"nan", SecondsBound::kPositive, "'nan' is not a positive number of seconds"},
      {"inf", SecondsBound::kNonNegative, "'inf' is not a number of seconds >= 0"},
      {"-1", SecondsBound::kNonNegative, "'-1' is not a number of seconds >= 0"},
      {"31536001", SecondsBound::kNonNegative, "'31536001' is not a number of seconds >= 0"},
      {"1s", SecondsBound::kNonNegative, "'1s' is not a number of seconds >= 0"},
      {"1e-9", SecondsBound::kPositive, "'1e-9' is below the smallest duration, 0.001 seconds"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseSeconds(c.text, c.bound).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.text;
  }
  EXPECT_THAT(ParseSeconds("1e-9", SecondsBound::kNonNegative).status(), IsOk());
}

TEST(ParseCountTest, WithinTheRange) {
  EXPECT_EQ(*ParseCount("3", 1), 3);
  EXPECT_EQ(*ParseCount("0", 0, 50), 0);
  EXPECT_EQ(*ParseCount("50", 0, 50), 50);
  EXPECT_EQ(*ParseCount("1000000", 1), 1000000);
  EXPECT_THAT(ParseCount("0", 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "'0' is not an integer >= 1"));
  EXPECT_THAT(ParseCount("x", 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "'x' is not an integer >= 1"));
  EXPECT_THAT(ParseCount("1000001", 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "'1000001' is not an integer >= 1"));
  EXPECT_THAT(ParseCount("51", 0, 50).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "'51' is not an integer >= 0 and <= 50"));
}

TEST(OneLineTextTest, EmptyAndControlCharacters) {
  EXPECT_THAT(CheckOneLineText("plain text \xc3\xa9", "name"), IsOk());
  EXPECT_THAT(CheckOneLineText(std::string("a\0b", 3), "name"),
              StatusIs(absl::StatusCode::kInvalidArgument, "control character in value"));
  EXPECT_THAT(CheckOneLineText("\x7f", "name"),
              StatusIs(absl::StatusCode::kInvalidArgument, "control character in value"));
  EXPECT_THAT(CheckOneLineText("c.pem", "file name"), IsOk());
  EXPECT_THAT(CheckOneLineText("", "file name"),
              StatusIs(absl::StatusCode::kInvalidArgument, "empty file name"));
  EXPECT_THAT(CheckOneLineText("s3cret\r", "user"),
              StatusIs(absl::StatusCode::kInvalidArgument, "control character in value"));
}

// The examples supervisord's byte_size and SuffixMultiplier give (checked
// with Python 3.11).
TEST(ParseByteSizeTest, AsSupervisordReadsIt) {
  struct Case {
    std::string text;
    std::int64_t bytes;
  };
  for (const Case& c : std::vector<Case>{{"100", 100},
                                         {"+5", 5},
                                         {"1_000", 1000},
                                         {"10 MB", 10485760},
                                         {" 5mb", 5242880},
                                         {"1KB", 1024},
                                         {"1Kb", 1024},
                                         {"1kB", 1024},
                                         {"2gb", 2147483648},
                                         {"-5MB", -5242880},
                                         {"0", 0},
                                         {"007", 7}}) {
    absl::StatusOr<std::int64_t> bytes = ParseByteSize(c.text);
    ASSERT_THAT(bytes.status(), IsOk()) << c.text;
    EXPECT_EQ(*bytes, c.bytes) << c.text;
  }
  for (const char* bad : {"5MB ", "1k", "1MiB", "1.5MB", "0x10", "1e3", "mb", "", "1__0", "_1",
                          "1_", "- 1", "9223372036854775808", "9007199254740992kb"}) {
    EXPECT_THAT(ParseByteSize(bad).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         std::string("'") + bad + "' is not a byte size"))
        << bad;
  }
  EXPECT_EQ(*ParseByteSize("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(*ParseByteSize("-9223372036854775808"), INT64_MIN);
}

TEST(ParseSuffixedSecondsTest, AsSupervisordReadsIt) {
  struct Case {
    std::string text;
    std::int64_t seconds;
  };
  for (const Case& c : std::vector<Case>{{"1", 1},
                                         {"1s", 1},
                                         {"1S", 1},
                                         {"2m", 120},
                                         {"2M", 120},
                                         {"3h", 10800},
                                         {"1d", 86400},
                                         {"1D", 86400},
                                         {" 2 m", 120},
                                         {"10 ", 10},
                                         {"-1m", -60},
                                         {"0", 0}}) {
    absl::StatusOr<std::int64_t> seconds = ParseSuffixedSeconds(c.text);
    ASSERT_THAT(seconds.status(), IsOk()) << c.text;
    EXPECT_EQ(*seconds, c.seconds) << c.text;
  }
  for (const char* bad : {"1y", "1ms", "1.5h", "5mb", ""}) {
    EXPECT_THAT(ParseSuffixedSeconds(bad).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         std::string("'") + bad + "' is not a number of seconds"))
        << bad;
  }
}

TEST(SetOneLineOptionTest, StoresAOneLineValueOrNamesTheOption) {
  std::string out = "before";
  EXPECT_THAT(SetOneLineOption("--mail-from", "ops@example.com", "address", &out), IsOk());
  EXPECT_EQ(out, "ops@example.com");
  EXPECT_THAT(SetOneLineOption("--mail-from", "", "address", &out),
              StatusIs(absl::StatusCode::kInvalidArgument, "option --mail-from: empty address"));
  EXPECT_THAT(SetOneLineOption("--mail-from", "a\nb", "address", &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "option --mail-from: control character in value"));
  EXPECT_EQ(out, "ops@example.com");
}

TEST(OptionValueErrorTest, NamesTheOption) {
  EXPECT_THAT(OptionValueError("-t", absl::InvalidArgumentError("'0' is bad")),
              StatusIs(absl::StatusCode::kInvalidArgument, "option -t: '0' is bad"));
  EXPECT_THAT(OptionValueError("--user", "expected user:password"),
              StatusIs(absl::StatusCode::kInvalidArgument, "option --user: expected user:password"));
}

}  // namespace
}  // namespace kit
}  // namespace svl
