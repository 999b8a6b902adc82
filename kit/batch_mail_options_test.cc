#include "kit/batch_mail_options.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "kit/command_line.h"

namespace svl {
namespace kit {
namespace {

absl::StatusOr<BatchMailOptions> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/crashmailbatch");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  return ParseBatchMailOptions(static_cast<int>(argv.size()), argv.data());
}

std::string Error(std::vector<std::string> args) {
  absl::StatusOr<BatchMailOptions> options = Parse(std::move(args));
  return options.ok() ? "OK" : std::string(options.status().message());
}

TEST(BatchMailOptionsTest, Defaults) {
  absl::StatusOr<BatchMailOptions> options = Parse({});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_FALSE(options->help);
  EXPECT_EQ(options->interval_seconds, 60);
  EXPECT_TRUE(options->to.empty());
  EXPECT_EQ(options->from, "");
  EXPECT_EQ(options->subject, absl::nullopt);
  EXPECT_EQ(options->smtp_url, "smtp://localhost:25");
  EXPECT_EQ(options->tick_event, "TICK_60");
  EXPECT_FALSE(options->tls);
}

TEST(BatchMailOptionsTest, UpstreamSpellings) {
  absl::StatusOr<BatchMailOptions> options =
      Parse({"--toE=frog, log,dog", "ignored", "-fblah", "--subject", "-x", "-H", "mx:2525",
             "-e", "TICK_5", "-u", "user", "--password=pw", "--tls", "-i", "0.5"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->to, (std::vector<std::string>{"frog", "log", "dog"}));
  EXPECT_EQ(options->from, "blah");
  EXPECT_EQ(options->subject, "-x");
  EXPECT_EQ(options->smtp_url, "smtp://mx:2525");
  EXPECT_EQ(options->tick_event, "TICK_5");
  EXPECT_EQ(options->user, "user");
  EXPECT_EQ(options->password, "pw");
  EXPECT_TRUE(options->tls);
  EXPECT_EQ(options->interval_seconds, 30);
}

TEST(BatchMailOptionsTest, SingleToEmail) {
  absl::StatusOr<BatchMailOptions> options = Parse({"-t", "frog", "-f", "blah"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->to, std::vector<std::string>{"frog"});
}

TEST(BatchMailOptionsTest, EmptyRecipientsAreDropped) {
  absl::StatusOr<BatchMailOptions> options = Parse({"-t", "a@x,,", "-t", " , b@y ,"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->to, std::vector<std::string>{"b@y"});  // the last -t wins
}

TEST(BatchMailOptionsTest, ExplicitEmptySubjectStaysEmpty) {
  absl::StatusOr<BatchMailOptions> options = Parse({"-s", ""});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->subject, "");
}

TEST(BatchMailOptionsTest, IntervalInWholeSeconds) {
  const struct {
    const char* text;
    std::int64_t seconds;
  } cases[] = {{"1", 60}, {"0.5", 30}, {"1e1", 600}, {" 2 ", 120}, {"1_0", 600},
               {"0.001", 1}, {"0.0125", 1}, {"+.5", 30}, {"1.5", 90}};
  for (const auto& c : cases) {
    absl::StatusOr<BatchMailOptions> options = Parse({"-i", c.text});
    ASSERT_TRUE(options.ok()) << c.text << ": " << options.status();
    EXPECT_EQ(options->interval_seconds, c.seconds) << c.text;
  }
}

TEST(BatchMailOptionsTest, IntervalErrors) {
  EXPECT_EQ(Error({"-i", "abc"}), "option -i: invalid floating-point value: 'abc'");
  EXPECT_EQ(Error({"--interval=abc"}), "option --interval: invalid floating-point value: 'abc'");
  EXPECT_EQ(Error({"--int", "0x10"}), "option --interval: invalid floating-point value: '0x10'");
  EXPECT_EQ(Error({"-i", "1__0"}), "option -i: invalid floating-point value: '1__0'");
  EXPECT_EQ(Error({"-i", "nan"}), "option -i: 'nan' is not a number of minutes > 0");
  EXPECT_EQ(Error({"-i", "inf"}), "option -i: 'inf' is not a number of minutes > 0");
  EXPECT_EQ(Error({"-i", "-1"}), "option -i: '-1' is not a number of minutes > 0");
  EXPECT_EQ(Error({"-i", "0"}), "option -i: '0' is not a number of minutes > 0");
  EXPECT_EQ(Error({"-i", "1e9"}), "option -i: '1e9' is not a number of minutes > 0");
}

TEST(BatchMailOptionsTest, OptparseErrors) {
  EXPECT_EQ(Error({"-x"}), "no such option: -x");
  EXPECT_EQ(Error({"-t"}), "-t option requires 1 argument");
  EXPECT_EQ(Error({"--toEmail"}), "--toEmail option requires 1 argument");
  EXPECT_EQ(Error({"--t=a"}), "ambiguous option: --t (--tickEvent, --tls, --toEmail?)");
  EXPECT_EQ(Error({"--s=a"}), "ambiguous option: --s (--smtpHost, --subject?)");
  EXPECT_EQ(Error({"--tls=1"}), "--tls option does not take a value");
}

TEST(BatchMailOptionsTest, SmtpHost) {
  const struct {
    const char* host;
    const char* url;
  } cases[] = {{"localhost", "smtp://localhost:25"},
               {"127.0.0.1:2525", "smtp://127.0.0.1:2525"},
               {"::1", "smtp://[::1]:25"},
               {"[::1]:2525", "smtp://[::1]:2525"},
               {"[fe80::1]", "smtp://[fe80::1]:25"}};
  for (const auto& c : cases) {
    absl::StatusOr<BatchMailOptions> options = Parse({"-H", c.host});
    ASSERT_TRUE(options.ok()) << c.host << ": " << options.status();
    EXPECT_EQ(options->smtp_url, c.url) << c.host;
  }
  EXPECT_EQ(Error({"-H", "mx:smtp"}), "option -H: invalid port: 'smtp' (not a number 1-65535)");
  EXPECT_EQ(Error({"-H", "mx:0"}), "option -H: invalid port: '0' (not a number 1-65535)");
  EXPECT_EQ(Error({"-H", "mx:+25"}), "option -H: invalid port: '+25' (not a number 1-65535)");
  EXPECT_EQ(Error({"-H", ""}), "option -H: empty host name");
  EXPECT_EQ(Error({"-H", "a/b"}), "option -H: invalid host name: 'a/b'");
  EXPECT_EQ(Error({"-H", "[::1"}), "option -H: unclosed '['");
}

TEST(BatchMailOptionsTest, Additions) {
  absl::StatusOr<BatchMailOptions> options =
      Parse({"--smtp", "smtps://mx:465", "--sendmail", "cat > /dev/null", "--tls-ca-file",
             "/etc/ca.pem", "--tls-no-verify", "--allow-plaintext-auth", "--log-format", "json"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->smtp_url, "smtps://mx:465");
  EXPECT_EQ(options->sendmail, "cat > /dev/null");
  EXPECT_EQ(options->tls_ca_file, "/etc/ca.pem");
  EXPECT_TRUE(options->tls_no_verify);
  EXPECT_TRUE(options->allow_plaintext_auth);
  EXPECT_EQ(options->log_format, LogFormat::kJson);
  EXPECT_EQ(Error({"--log-format", "xml"}), "option --log-format: 'xml' is not text or json");
  EXPECT_EQ(Error({"--smtp", "http://x/"}).substr(0, 14), "option --smtp:");
  EXPECT_EQ(Error({"-p", "a\nb"}), "option -p: control character in value");
}

TEST(BatchMailOptionsTest, HelpEndsParsing) {
  absl::StatusOr<BatchMailOptions> options = Parse({"-i", "1", "-h", "-x"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_TRUE(options->help);
}

TEST(BatchMailOptionsTest, UpstreamHelpBytes) {
  const std::string help = BatchMailHelp("/usr/bin/crashmailbatch");
  const std::string upstream =
      "Usage: crashmailbatch [options]\n"
      "\n"
      "Options:\n"
      "  -h, --help            show this help message and exit\n"
      "  -i INTERVAL, --interval=INTERVAL\n"
      "                        batch interval in minutes (defaults to 1 minute)\n"
      "  -t TO_EMAILS, --toEmail=TO_EMAILS\n"
      "                        destination email address(es) - comma separated\n"
      "  -f FROM_EMAIL, --fromEmail=FROM_EMAIL\n"
      "                        source email address\n"
      "  -s SUBJECT, --subject=SUBJECT\n"
      "                        email subject\n"
      "  -H SMTP_HOST, --smtpHost=SMTP_HOST\n"
      "                        SMTP server hostname or address\n"
      "  -e EVENTNAME, --tickEvent=EVENTNAME\n"
      "                        TICK event name (defaults to TICK_60)\n"
      "  -u SMTP_USER, --userName=SMTP_USER\n"
      "                        SMTP server user name (defaults to nothing)\n"
      "  -p SMTP_PASSWORD, --password=SMTP_PASSWORD\n"
      "                        SMTP server password (defaults to nothing)\n"
      "  --tls                 Use Transport Layer Security (TLS), default to False\n";
  EXPECT_EQ(upstream.size(), 956u);
  EXPECT_EQ(help.substr(0, upstream.size()), upstream);
  EXPECT_EQ(BatchMailHelp("crashsms").size(), help.size() - 6);
  // Every added line keeps optparse's layout: 78 columns at most.
  for (absl::string_view line : absl::StrSplit(help.substr(upstream.size()), '\n')) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(BatchMailOptionsTest, TickEventSeconds) {
  EXPECT_EQ(*TickEventSeconds("TICK_5"), 5);
  EXPECT_EQ(*TickEventSeconds("TICK_60"), 60);
  EXPECT_EQ(*TickEventSeconds("TICK_3600"), 3600);
  for (const char* bad : {"JUNK_60", "TICK_5_x", "TICK_x", "TICK_10", "tick_60", ""}) {
    absl::StatusOr<std::int64_t> seconds = TickEventSeconds(bad);
    ASSERT_FALSE(seconds.ok()) << bad;
    EXPECT_EQ(seconds.status().message(),
              absl::StrCat("invalid TICK event name: '", bad, "' (TICK_5, TICK_60 or TICK_3600)"));
  }
}

TEST(BatchMailOptionsTest, PythonFloat) {
  EXPECT_EQ(*ParsePythonFloat("1e1"), 10.0);
  EXPECT_EQ(*ParsePythonFloat("-1"), -1.0);
  EXPECT_EQ(*ParsePythonFloat(" 1.5\t"), 1.5);
  EXPECT_EQ(*ParsePythonFloat("5."), 5.0);
  EXPECT_TRUE(std::isinf(*ParsePythonFloat("-Infinity")));
  EXPECT_TRUE(std::isnan(*ParsePythonFloat("NaN")));
  for (const char* bad : {"", ".", "e1", "1e", "_1", "1_", "0x1", "1.5.1", "١", "1 2"}) {
    EXPECT_FALSE(ParsePythonFloat(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace kit
}  // namespace svl
