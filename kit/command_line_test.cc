#include "kit/command_line.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A getopt table shaped like memmon's and crashmail's, plus later additions.
enum Id { kHelp, kCumulative, kProgram, kAny, kName, kNotEager, kNotBody, kNotify, kEager };

constexpr OptionSpec kGetoptTable[] = {
    {kHelp, 'h', "help", false},
    {kCumulative, 'c', "cumulative", false},
    {kProgram, 'p', "program", true},
    {kAny, 'a', "any", true},
    {kName, 'n', "name", true},
    {kNotEager, 'E', "not-eager", false},
    {kEager, 'e', "eager", false},
    // Added later: reached only by prefixes no older option has.
    {kNotBody, '\0', "not-body", true, /*precedence=*/1},
    {kNotify, '\0', "notify-once", false, /*precedence=*/2},
};

// crashmailbatch's optparse table.
enum BatchId { kBHelp, kInterval, kTo, kFrom, kSubject, kHost, kTick, kUser, kPassword, kTls };

constexpr OptionSpec kOptparseTable[] = {
    {kBHelp, 'h', "help", false, 0, /*ends_parsing=*/true},
    {kInterval, 'i', "interval", true},
    {kTo, 't', "toEmail", true},
    {kFrom, 'f', "fromEmail", true},
    {kSubject, 's', "subject", true},
    {kHost, 'H', "smtpHost", true},
    {kTick, 'e', "tickEvent", true},
    {kUser, 'u', "userName", true},
    {kPassword, 'p', "password", true},
    {kTls, '\0', "tls", false},
};

absl::StatusOr<ParsedCommandLine> Getopt(const std::vector<std::string>& args) {
  return ParseCommandLine(args, kGetoptTable, OptionSyntax::kGetopt);
}

absl::StatusOr<ParsedCommandLine> Optparse(const std::vector<std::string>& args) {
  return ParseCommandLine(args, kOptparseTable, OptionSyntax::kOptparse);
}

// "id:name:spelling=value" per occurrence, then "| positionals".
std::string Dump(const ParsedCommandLine& line) {
  std::vector<std::string> parts;
  for (const OptionOccurrence& o : line.options) {
    parts.push_back(absl::StrCat(o.id, ":", o.name, ":", o.spelling, "=", o.value));
  }
  return absl::StrCat(absl::StrJoin(parts, " "), " | ", absl::StrJoin(line.positionals, " "));
}

struct Case {
  std::vector<std::string> args;
  std::string expected;  // Dump(), or the exact error message
};

void ExpectCases(const std::vector<Case>& cases, OptionSyntax syntax) {
  for (const Case& c : cases) {
    absl::StatusOr<ParsedCommandLine> line =
        syntax == OptionSyntax::kGetopt ? Getopt(c.args) : Optparse(c.args);
    const std::string where = absl::StrJoin(c.args, " ");
    if (line.ok()) {
      EXPECT_EQ(Dump(*line), c.expected) << where;
    } else {
      EXPECT_EQ(line.status().code(), absl::StatusCode::kInvalidArgument) << where;
      EXPECT_EQ(line.status().message(), c.expected) << where;
    }
  }
}

TEST(GetoptTest, ParsesLikePythonGetopt) {
  ExpectCases(
      {
          {{}, " | "},
          {{"-h"}, "0:-h:-h= | "},
          {{"-cp", "a=1"}, "1:-c:-c= 2:-p:-p=a=1 | "},
          {{"-cpa=1", "x"}, "1:-c:-c= 2:-p:-p=a=1 | x"},
          {{"--program=a=1", "--prog", "b=2"},
           "2:--program:--program=a=1 2:--program:--prog=b=2 | "},
          {{"--program="}, "2:--program:--program= | "},
          // Values are taken even when they look like options.
          {{"-p", "-c", "--name", "--help", "-a", "--"}, "2:-p:-p=-c 4:--name:--name=--help 3:-a:-a=-- | "},
          // The first positional ends the options.
          {{"-c", "url", "-p", "a=1"}, "1:-c:-c= | url -p a=1"},
          {{"-", "-c"}, " | - -c"},
          {{"-c", "--", "-p", "x"}, "1:-c:-c= | -p x"},
          {{"--", "--"}, " | --"},
      },
      OptionSyntax::kGetopt);
}

TEST(GetoptTest, AbbreviationsFollowPrecedence) {
  ExpectCases(
      {
          {{"--cum"}, "1:--cumulative:--cum= | "},
          {{"--h"}, "0:--help:--h= | "},
          // Both older options start with "n": ambiguous, whatever is newer.
          {{"--n", "x"}, "option --n not a unique prefix"},
          // "not" means the oldest option it abbreviates uniquely.
          {{"--not"}, "5:--not-eager:--not= | "},
          {{"--not-b", "x"}, "6:--not-body:--not-b=x | "},
          {{"--noti"}, "7:--notify-once:--noti= | "},
          {{"--notify-once"}, "7:--notify-once:--notify-once= | "},
          {{"--e"}, "8:--eager:--e= | "},
          {{"--not-body", "b"}, "6:--not-body:--not-body=b | "},
          {{"--=x"}, "option -- not a unique prefix"},
      },
      OptionSyntax::kGetopt);
}

TEST(GetoptTest, ErrorsAsHttpokWordsThem) {
  ExpectCases(
      {
          {{"-x"}, "option -x not recognized"},
          {{"-cx"}, "option -x not recognized"},
          {{"-:"}, "option -: not recognized"},
          {{"--bogus=1"}, "option --bogus not recognized"},
          {{"--cumulative=1"}, "option --cumulative must not have an argument"},
          {{"--not="}, "option --not must not have an argument"},
          {{"-p"}, "option -p requires an argument"},
          {{"-cp"}, "option -p requires an argument"},
          {{"--prog"}, "option --prog requires an argument"},
          // The first error in order wins; nothing after it is looked at.
          {{"-x", "--bogus"}, "option -x not recognized"},
          {{"-h", "-x"}, "option -x not recognized"},
      },
      OptionSyntax::kGetopt);
}

TEST(OptparseTest, ParsesLikePythonOptparse) {
  ExpectCases(
      {
          {{}, " | "},
          {{"--toEmail=a@x", "--fromEmail", "b@x"},
           "2:--toEmail:--toEmail=a@x 3:--fromEmail:--fromEmail=b@x | "},
          {{"-ta@x", "-f", "b@x"}, "2:-t:-t=a@x 3:-f:-f=b@x | "},
          // Positionals between options; parsing goes on after them.
          {{"one", "-t", "a", "two", "--tls", "three"}, "2:-t:-t=a 9:--tls:--tls= | one two three"},
          {{"-", "--tls"}, "9:--tls:--tls= | -"},
          {{"--tls", "--", "-t", "x"}, "9:--tls:--tls= | -t x"},
          // Values that look like options are values.
          {{"-i", "-1", "-s", "-x"}, "1:-i:-i=-1 4:-s:-s=-x | "},
          {{"--toE=A", "--sub", ""}, "2:--toEmail:--toE=A 4:--subject:--sub= | "},
          {{"--toEmail="}, "2:--toEmail:--toEmail= | "},
          // -h ends parsing: later errors are not looked at.
          {{"-t", "a", "-h", "--bogus", "x"}, "2:-t:-t=a 0:-h:-h= | "},
          {{"-hx"}, "0:-h:-h= | "},
          {{"--he", "-x"}, "0:--help:--he= | "},
      },
      OptionSyntax::kOptparse);
}

TEST(OptparseTest, ErrorsAsOptparseWordsThem) {
  ExpectCases(
      {
          {{"-x"}, "no such option: -x"},
          {{"-tx", "-y"}, "no such option: -y"},
          {{"--bogus=1"}, "no such option: --bogus"},
          {{"--t"}, "ambiguous option: --t (--tickEvent, --tls, --toEmail?)"},
          {{"--t=x"}, "ambiguous option: --t (--tickEvent, --tls, --toEmail?)"},
          {{"-t"}, "-t option requires 1 argument"},
          {{"--toE"}, "--toEmail option requires 1 argument"},
          {{"--tls=1"}, "--tls option does not take a value"},
          {{"--tl="}, "--tls option does not take a value"},
          {{"--bogus", "-h"}, "no such option: --bogus"},
      },
      OptionSyntax::kOptparse);
}

TEST(ParsedCommandLineTest, HasAndValues) {
  absl::StatusOr<ParsedCommandLine> line = Getopt({"-p", "a", "-c", "--prog=b"});
  ASSERT_THAT(line.status(), IsOk());
  EXPECT_TRUE(line->Has(kCumulative));
  EXPECT_FALSE(line->Has(kHelp));
  EXPECT_THAT(line->Values(kProgram), ElementsAre("a", "b"));
  EXPECT_THAT(line->Values(kAny), IsEmpty());
}

TEST(ParseCommandLineTest, ArgvSkipsTheProgramName) {
  const char* const argv[] = {"memmon", "-c", "x", nullptr};
  absl::StatusOr<ParsedCommandLine> line =
      ParseCommandLine(3, argv, kGetoptTable, OptionSyntax::kGetopt);
  ASSERT_THAT(line.status(), IsOk());
  EXPECT_EQ(Dump(*line), "1:-c:-c= | x");
  EXPECT_THAT(ParseCommandLine(1, argv, kGetoptTable, OptionSyntax::kGetopt).status(), IsOk());
  EXPECT_THAT(ParseCommandLine(std::vector<std::string>{"-q"}, kGetoptTable, OptionSyntax::kGetopt).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(OptparseErrorReportTest, NamesTheProgramByItsBaseName) {
  EXPECT_EQ(OptparseErrorReport("/usr/bin/crashmailbatch", "no such option: -x"),
            "Usage: crashmailbatch [options]\n\ncrashmailbatch: error: no such option: -x\n");
  EXPECT_EQ(OptparseErrorReport("crashsms", "m"), "Usage: crashsms [options]\n\ncrashsms: error: m\n");
}

}  // namespace
}  // namespace kit
}  // namespace svl
