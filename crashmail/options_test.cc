#include "crashmail/options.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace crashmail {
namespace {

using ::svl::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

absl::StatusOr<CrashmailOptions> Parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"crashmail"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  return ParseCrashmailOptions(static_cast<int>(argv.size()) - 1, argv.data());
}

// The message of a rejected command line ("" when it was accepted).
std::string Error(const std::vector<std::string>& args) {
  absl::StatusOr<CrashmailOptions> o = Parse(args);
  if (o.ok()) return "";
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(o.status().message());
}

TEST(ParseCrashmailOptionsTest, EmptyCommandLineIsFineAsUpstream) {
  absl::StatusOr<CrashmailOptions> o = Parse({});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_FALSE(o->help);
  EXPECT_THAT(o->programs, IsEmpty());
  EXPECT_FALSE(o->any);
  EXPECT_EQ(o->optional_header, "");
  EXPECT_EQ(o->sendmail, "/usr/sbin/sendmail -t -i");
  EXPECT_EQ(o->email, "");
  EXPECT_EQ(o->batch, absl::ZeroDuration());
  EXPECT_EQ(o->log_format, kit::LogFormat::kText);
}

TEST(ParseCrashmailOptionsTest, UpstreamOptions) {
  absl::StatusOr<CrashmailOptions> o =
      Parse({"-p", "cat", "--program", "web:w_01", "-pgrp:*", "-a", "-o", "[foo]", "-s",
             "cat - > /tmp/x", "-m", "chrism@plope.com"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_THAT(o->programs, ElementsAre("cat", "web:w_01", "grp:*"));
  EXPECT_TRUE(o->any);
  EXPECT_EQ(o->optional_header, "[foo]");
  EXPECT_EQ(o->sendmail, "cat - > /tmp/x");
  EXPECT_EQ(o->email, "chrism@plope.com");
}

TEST(ParseCrashmailOptionsTest, LongSpellingsAbbreviationsAndClusters) {
  absl::StatusOr<CrashmailOptions> o = Parse(
      {"--prog=a", "--any", "--opt", "h", "--sendmail_program=mutt", "--e", "x@y", "-apb"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_THAT(o->programs, ElementsAre("a", "b"));
  EXPECT_TRUE(o->any);
  EXPECT_EQ(o->optional_header, "h");
  EXPECT_EQ(o->sendmail, "mutt");
  EXPECT_EQ(o->email, "x@y");
  // `--s` meant --sendmail_program upstream and still does (not --smtp*).
  o = Parse({"--s", "mutt"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->sendmail, "mutt");
  // Last -s and -m win, as upstream.
  o = Parse({"-m", "a@x", "-m", "b@x", "-s", "one", "-s", "two"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->email, "b@x");
  EXPECT_EQ(o->sendmail, "two");
}

TEST(ParseCrashmailOptionsTest, HelpEndsTheReading) {
  absl::StatusOr<CrashmailOptions> o = Parse({"-h", "--batch", "0", "positional"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->help);
  o = Parse({"--version"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->version);
}

TEST(ParseCrashmailOptionsTest, GetoptErrors) {
  EXPECT_EQ(Error({"-x"}), "option -x not recognized");
  EXPECT_EQ(Error({"-p"}), "option -p requires an argument");
  EXPECT_EQ(Error({"--any=1"}), "option --any must not have an argument");
  EXPECT_EQ(Error({"--bogus"}), "option --bogus not recognized");
}

// Upstream stopped at the URL its synopsis showed and dropped every option
// after it (`crashmail URL -m ops@x` mailed `To: None`).
TEST(ParseCrashmailOptionsTest, FixedPositionalArgumentsRejected) {
  EXPECT_EQ(Error({"http://x/", "-m", "ops@x"}), "unexpected argument 'http://x/'");
  EXPECT_EQ(Error({"-m", "ops@x", "--", "-a"}), "unexpected argument '-a'");
}

TEST(ParseCrashmailOptionsTest, Batch) {
  absl::StatusOr<CrashmailOptions> o = Parse({"--batch", "300"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->batch, absl::Seconds(300));
  o = Parse({"--batch=0.5"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->batch, absl::Milliseconds(500));
  EXPECT_EQ(Error({"--batch", "0"}), "option --batch: '0' is not a positive number of seconds");
  EXPECT_EQ(Error({"--bat", "x"}), "option --bat: 'x' is not a positive number of seconds");
}

TEST(ParseCrashmailOptionsTest, SmtpAndLogFormat) {
  absl::StatusOr<CrashmailOptions> o =
      Parse({"--smtp", "smtps://mail:465", "--mail-from", "c@h", "--smtp-user", "u",
             "--smtp-password", "p", "--log-format", "json"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->smtp, "smtps://mail:465");
  EXPECT_EQ(o->mail_from, "c@h");
  EXPECT_EQ(o->smtp_user, "u");
  EXPECT_EQ(o->smtp_password, "p");
  EXPECT_EQ(o->log_format, kit::LogFormat::kJson);
  EXPECT_EQ(Error({"--smtp", "smtp://mail"}), "option --smtp needs --mail-from");
  EXPECT_EQ(Error({"--smtp", "http://mail", "--mail-from", "a"}),
            "option --smtp: 'http://mail' is not an smtp:// or smtps:// URL");
  EXPECT_EQ(Error({"--log-format", "xml"}), "option --log-format: 'xml' is not text or json");
}

TEST(CrashmailUsageTest, NamesEveryOptionAndEndsWithANewline) {
  const absl::string_view usage = CrashmailUsage();
  EXPECT_TRUE(absl::EndsWith(usage, "\n"));
  for (const char* option :
       {"-h, --help", "-p, --program", "-a, --any", "-o, --optionalheader",
        "-s, --sendmail_program", "-m, --email", "--smtp URL", "--mail-from", "--smtp-user",
        "--smtp-password", "--batch SECONDS", "--log-format", "--version"}) {
    EXPECT_TRUE(absl::StrContains(usage, option)) << option;
  }
}

}  // namespace
}  // namespace crashmail
}  // namespace svl
