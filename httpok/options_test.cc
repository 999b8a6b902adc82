#include "httpok/options.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace httpok {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kUrl[] = "http://localhost:8080/health";

absl::StatusOr<HttpOkOptions> Parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  static char program[] = "httpok";
  argv.push_back(program);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return ParseHttpOkOptions(static_cast<int>(argv.size()) - 1, argv.data());
}

TEST(ParseHttpOkOptionsTest, Defaults) {
  absl::StatusOr<HttpOkOptions> o = Parse({kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_FALSE(o->help);
  EXPECT_TRUE(o->programs.empty());
  EXPECT_FALSE(o->any);
  EXPECT_EQ(o->gcore, "/usr/bin/gcore -o");
  EXPECT_THAT(o->gcore_words, ElementsAre("/usr/bin/gcore", "-o"));
  EXPECT_EQ(o->coredir, "");
  EXPECT_EQ(o->timeout, absl::Seconds(10));
  EXPECT_TRUE(o->code_values.empty());
  EXPECT_EQ(o->codes.ToString(), "200");
  EXPECT_EQ(o->body, "");
  EXPECT_EQ(o->sendmail, "/usr/sbin/sendmail -t -i");
  EXPECT_EQ(o->email, "");
  EXPECT_TRUE(o->eager);
  EXPECT_EQ(o->name, "");
  EXPECT_EQ(o->url, kUrl);
  EXPECT_FALSE(o->insecure);
  EXPECT_EQ(o->cacert, "");
  EXPECT_EQ(o->retry_interval, absl::Seconds(10));
}

TEST(ParseHttpOkOptionsTest, EveryUpstreamOptionShortAndLong) {
  for (bool long_form : {false, true}) {
    std::vector<std::string> args =
        long_form ? std::vector<std::string>{"--program", "foo", "--program=grp:bar", "--any",
                                             "--gcore", "gc -x", "--coredir", "/cores",
                                             "--timeout", "2.5", "--code", "200", "--code=201",
                                             "--body", "works", "--sendmail_program", "cat",
                                             "--email", "ops@x", "--not-eager", "--name", "edge1",
                                             kUrl}
                  : std::vector<std::string>{"-p", "foo", "-pgrp:bar", "-a", "-g", "gc -x",
                                             "-d", "/cores", "-t", "2.5", "-c", "200", "-c201",
                                             "-b", "works", "-s", "cat", "-m", "ops@x", "-E",
                                             "-n", "edge1", kUrl};
    absl::StatusOr<HttpOkOptions> o = Parse(args);
    ASSERT_THAT(o.status(), IsOk()) << long_form;
    EXPECT_THAT(o->programs, ElementsAre("foo", "grp:bar"));
    EXPECT_TRUE(o->any);
    EXPECT_EQ(o->gcore, "gc -x");
    EXPECT_THAT(o->gcore_words, ElementsAre("gc", "-x"));
    EXPECT_EQ(o->coredir, "/cores");
    EXPECT_EQ(o->timeout, absl::Milliseconds(2500));
    EXPECT_THAT(o->code_values, ElementsAre("200", "201"));
    EXPECT_EQ(o->codes.ToString(), "200-201");
    EXPECT_EQ(o->body, "works");
    EXPECT_EQ(o->sendmail, "cat");
    EXPECT_EQ(o->email, "ops@x");
    EXPECT_FALSE(o->eager);
    EXPECT_EQ(o->name, "edge1");
  }
}

TEST(ParseHttpOkOptionsTest, NewLongOptions) {
  absl::StatusOr<HttpOkOptions> o =
      Parse({"--insecure", "--cacert", "/etc/ca.pem", "--retry-interval=0.25", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->insecure);
  EXPECT_EQ(o->cacert, "/etc/ca.pem");
  EXPECT_EQ(o->retry_interval, absl::Milliseconds(250));
  ASSERT_THAT(Parse({"--retry-interval", "0", kUrl}).status(), IsOk());
}

TEST(ParseHttpOkOptionsTest, Issue7Defaults) {
  absl::StatusOr<HttpOkOptions> o = Parse({kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->policy.failures, 1);
  EXPECT_EQ(o->policy.successes, 1);
  EXPECT_EQ(o->policy.grace, absl::ZeroDuration());
  EXPECT_EQ(o->policy.max_restarts, 0);
  EXPECT_EQ(o->policy.restart_window, absl::ZeroDuration());
  EXPECT_FALSE(o->dry_run);
  EXPECT_EQ(o->method, "GET");
  EXPECT_TRUE(o->headers.empty());
  EXPECT_EQ(o->user, "");
  EXPECT_EQ(o->not_body, "");
  EXPECT_EQ(o->max_redirects, 0);
  EXPECT_EQ(o->connect_timeout, absl::ZeroDuration());
  EXPECT_EQ(o->client_cert, "");
  EXPECT_EQ(o->client_key, "");
  EXPECT_EQ(o->smtp, "");
  EXPECT_EQ(o->mail_from, "");
  EXPECT_FALSE(o->notify_once);
  EXPECT_EQ(o->log_format, LogFormat::kText);
  EXPECT_FALSE(o->log_format_given);
  EXPECT_EQ(o->restart_timeout, absl::ZeroDuration());
}

TEST(ParseHttpOkOptionsTest, Issue7Options) {
  absl::StatusOr<HttpOkOptions> o = Parse(
      {"--failures", "3", "--successes=2", "--grace", "30.5", "--max-restarts", "4",
       "--restart-window", "3600", "--dry-run", "--method", "HEAD", "--header", "Host: a.example",
       "--header=X-Probe: 1", "--user", "ops:s3cret", "--not-body", "ERROR", "--max-redirects",
       "5", "--connect-timeout", "0.5", "--client-cert", "c.pem", "--client-key", "k.pem",
       "--smtp", "smtps://mail:465", "--mail-from", "httpok@h", "--smtp-user", "u",
       "--smtp-password", "p", "--notify-once", "--log-format", "json", "--restart-timeout", "90", "-c", "200-399,401",
       "-c", "503", "-p", "web:*", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->policy.failures, 3);
  EXPECT_EQ(o->policy.successes, 2);
  EXPECT_EQ(o->policy.grace, absl::Milliseconds(30500));
  EXPECT_EQ(o->policy.max_restarts, 4);
  EXPECT_EQ(o->policy.restart_window, absl::Hours(1));
  EXPECT_TRUE(o->dry_run);
  EXPECT_EQ(o->method, "HEAD");
  EXPECT_THAT(o->headers, ElementsAre("Host: a.example", "X-Probe: 1"));
  EXPECT_EQ(o->user, "ops:s3cret");
  EXPECT_EQ(o->not_body, "ERROR");
  EXPECT_EQ(o->max_redirects, 5);
  EXPECT_EQ(o->connect_timeout, absl::Milliseconds(500));
  EXPECT_EQ(o->client_cert, "c.pem");
  EXPECT_EQ(o->client_key, "k.pem");
  EXPECT_EQ(o->smtp, "smtps://mail:465");
  EXPECT_EQ(o->mail_from, "httpok@h");
  EXPECT_EQ(o->smtp_user, "u");
  EXPECT_EQ(o->smtp_password, "p");
  EXPECT_TRUE(o->notify_once);
  EXPECT_EQ(o->log_format, LogFormat::kJson);
  EXPECT_TRUE(o->log_format_given);
  EXPECT_EQ(o->restart_timeout, absl::Seconds(90));
  EXPECT_EQ(o->codes.ToString(), "200-399,401,503");
  EXPECT_TRUE(o->codes.Matches(302));
  EXPECT_FALSE(o->codes.Matches(404));
  EXPECT_THAT(o->programs, ElementsAre("web:*"));
}

// A value that looks like an option is still a value (the pre-pass follows
// getopt: a value-taking option consumes the next element).
TEST(ParseHttpOkOptionsTest, ValuesThatLookLikeOptions) {
  absl::StatusOr<HttpOkOptions> o =
      Parse({"--not-body", "--not", "-b", "--e", "-pt", "--header", "--x: y", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->not_body, "--not");
  EXPECT_EQ(o->body, "--e");
  EXPECT_THAT(o->programs, ElementsAre("t"));
  EXPECT_THAT(o->headers, ElementsAre("--x: y"));
  EXPECT_TRUE(o->eager);
}

// Abbreviations resolve to the oldest option they abbreviate uniquely.
TEST(ParseHttpOkOptionsTest, NewOptionsByTheirOwnPrefixes) {
  absl::StatusOr<HttpOkOptions> o = Parse({"--not-b", "x", "--noti", "--hea", "A: b", "--gr", "5",
                                           "--d", "--su", "2", "--fa", "2", "--u", "a:b",
                                           "--l", "json", "--r", "1", "--me", "PUT", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->not_body, "x");
  EXPECT_TRUE(o->notify_once);
  EXPECT_THAT(o->headers, ElementsAre("A: b"));
  EXPECT_EQ(o->policy.grace, absl::Seconds(5));
  EXPECT_TRUE(o->dry_run);
  EXPECT_EQ(o->policy.successes, 2);
  EXPECT_EQ(o->policy.failures, 2);
  EXPECT_EQ(o->user, "a:b");
  EXPECT_EQ(o->log_format, LogFormat::kJson);
  EXPECT_EQ(o->retry_interval, absl::Seconds(1));  // --r: the older --retry-interval
  EXPECT_EQ(o->method, "PUT");
  EXPECT_TRUE(o->eager);
  // Upstream's own abbreviations next to the new options that share them.
  o = Parse({"--not", "--he", "--s", "cat", "--g", "gc", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_FALSE(o->eager);
  EXPECT_TRUE(o->help);
  EXPECT_EQ(o->sendmail, "cat");
  EXPECT_EQ(o->gcore, "gc");
  EXPECT_EQ(o->not_body, "");
  EXPECT_TRUE(o->headers.empty());
}

TEST(ParseHttpOkOptionsTest, UserPasswordNeverInErrors) {
  absl::StatusOr<HttpOkOptions> o = Parse({"--user", "s3cret\n", "--smtp", "ftp://u:pw@m", kUrl});
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(std::string(o.status().message()), ::testing::Not(HasSubstr("s3cret")));
  o = Parse({"--smtp", "ftp://u:pw@m", kUrl});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(), "option --smtp: 'ftp://***@m' is not an smtp:// or smtps:// URL");
}

TEST(ParseHttpOkOptionsTest, ClusteredShortOptionsAndLastWins) {
  absl::StatusOr<HttpOkOptions> o = Parse({"-aE", "-ep", "web", "-b", "x", "-b", "y", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->any);
  EXPECT_TRUE(o->eager);  // -e after -E
  EXPECT_THAT(o->programs, ElementsAre("web"));
  EXPECT_EQ(o->body, "y");
}

TEST(ParseHttpOkOptionsTest, UniquePrefixesOfLongOptions) {
  absl::StatusOr<HttpOkOptions> o =
      Parse({"--prog=a", "--not", "--send=cat", "--em", "x@y", "--na", "n", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_THAT(o->programs, ElementsAre("a"));
  EXPECT_FALSE(o->eager);
  EXPECT_EQ(o->sendmail, "cat");
  EXPECT_EQ(o->email, "x@y");
  EXPECT_EQ(o->name, "n");
}

// Every abbreviation that was unique among upstream's long options must still
// select the same option (new long options must not make it ambiguous).
TEST(ParseHttpOkOptionsTest, UpstreamUniquePrefixesStayUnique) {
  struct Upstream {
    std::string name;
    bool takes_value;
  };
  const std::vector<Upstream> upstream = {
      {"help", false},  {"program", true},  {"any", false},  {"timeout", true},
      {"code", true},   {"body", true},     {"sendmail_program", true},
      {"email", true},  {"gcore", true},    {"coredir", true}, {"eager", false},
      {"not-eager", false}, {"name", true},
  };
  for (const Upstream& option : upstream) {
    for (size_t len = 1; len <= option.name.size(); ++len) {
      const std::string prefix = option.name.substr(0, len);
      int matches = 0;
      for (const Upstream& other : upstream) {
        if (other.name.compare(0, len, prefix) == 0) ++matches;
      }
      if (matches != 1) continue;
      std::vector<std::string> args = {"--" + prefix};
      if (option.takes_value) args.push_back(option.name == "code" ? "201" : "1");
      args.push_back(kUrl);
      absl::StatusOr<HttpOkOptions> o = Parse(args);
      ASSERT_THAT(o.status(), IsOk()) << "--" << prefix;
      if (option.name == "help") { EXPECT_TRUE(o->help); }
      if (option.name == "program") { EXPECT_THAT(o->programs, ElementsAre("1")); }
      if (option.name == "any") { EXPECT_TRUE(o->any); }
      if (option.name == "timeout") { EXPECT_EQ(o->timeout, absl::Seconds(1)); }
      if (option.name == "code") { EXPECT_EQ(o->codes.ToString(), "201"); }
      if (option.name == "body") { EXPECT_EQ(o->body, "1"); }
      if (option.name == "sendmail_program") { EXPECT_EQ(o->sendmail, "1"); }
      if (option.name == "email") { EXPECT_EQ(o->email, "1"); }
      if (option.name == "gcore") { EXPECT_EQ(o->gcore, "1"); }
      if (option.name == "coredir") { EXPECT_EQ(o->coredir, "1"); }
      if (option.name == "not-eager") { EXPECT_FALSE(o->eager); }
      if (option.name == "name") { EXPECT_EQ(o->name, "1"); }
    }
  }
}

TEST(ParseHttpOkOptionsTest, DoubleDashEndsOptions) {
  absl::StatusOr<HttpOkOptions> o = Parse({"-p", "foo", "--", "-not-an-option"});
  // "-not-an-option" is taken as the URL, which then fails validation.
  EXPECT_THAT(o.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("URL '-not-an-option'")));
  o = Parse({"-p", "foo", "--", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->url, kUrl);
}

TEST(ParseHttpOkOptionsTest, HelpWinsOverValueErrorsAndMissingUrl) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"-h"}, {"--help"}, {"--he"}, {"-t", "0", "-h"}, {"-h", "a", "b"}}) {
    absl::StatusOr<HttpOkOptions> o = Parse(args);
    ASSERT_THAT(o.status(), IsOk()) << args[0];
    EXPECT_TRUE(o->help);
  }
  absl::StatusOr<HttpOkOptions> v = Parse({"--version"});
  ASSERT_THAT(v.status(), IsOk());
  EXPECT_TRUE(v->version);
}

struct ErrorCase {
  std::vector<std::string> args;
  std::string message;  // exact
};

TEST(ParseHttpOkOptionsTest, ErrorsNameTheProblem) {
  const std::vector<ErrorCase> cases = {
      {{"-x", kUrl}, "option -x not recognized"},
      {{"-ax", kUrl}, "option -x not recognized"},
      {{"--bogus", kUrl}, "option --bogus not recognized"},
      {{"--e", kUrl}, "option --e not a unique prefix"},
      {{"--co=1", kUrl}, "option --co not a unique prefix"},
      {{"--any=1", kUrl}, "option --any must not have an argument"},
      {{"-p"}, "option -p requires an argument"},
      {{"-ap"}, "option -p requires an argument"},
      {{"--program"}, "option --program requires an argument"},
      {{"--prog"}, "option --prog requires an argument"},
      {{"-t", "0", kUrl}, "option -t: '0' is not a positive number of seconds"},
      {{"-t", "-1", kUrl}, "option -t: '-1' is not a positive number of seconds"},
      {{"-t", "abc", kUrl}, "option -t: 'abc' is not a positive number of seconds"},
      {{"-t", "nan", kUrl}, "option -t: 'nan' is not a positive number of seconds"},
      {{"-t", "inf", kUrl}, "option -t: 'inf' is not a positive number of seconds"},
      {{"--timeout=", kUrl}, "option --timeout: '' is not a positive number of seconds"},
      {{"-c", "700", kUrl}, "option -c: bad -c/--code value \"700\": 700 is outside 100-599"},
      {{"-c", "99", kUrl}, "option -c: bad -c/--code value \"99\": 99 is outside 100-599"},
      {{"--code", "2OO", kUrl},
       "option --code: bad -c/--code value \"2OO\": \"2OO\" is not a status code"},
      {{"--cod", "399-200", kUrl},
       "option --cod: bad -c/--code value \"399-200\": range 399-200 is reversed"},
      {{"--failures", "0", kUrl}, "option --failures: '0' is not an integer >= 1"},
      {{"--successes=x", kUrl}, "option --successes: 'x' is not an integer >= 1"},
      {{"--grace", "-1", kUrl}, "option --grace: '-1' is not a number of seconds >= 0"},
      {{"--max-restarts", "-2", kUrl}, "option --max-restarts: '-2' is not an integer >= 1"},
      {{"--max-restarts", "0", "--restart-window", "60", kUrl},
       "option --max-restarts: '0' is not an integer >= 1 (leave --max-restarts out for no "
       "limit)"},
      {{"-t", "0.0000001", kUrl},
       "option -t: '0.0000001' is below the smallest duration, 0.001 seconds"},
      {{"--restart-timeout", "1e-9", kUrl},
       "option --restart-timeout: '1e-9' is below the smallest duration, 0.001 seconds"},
      {{"--max-restarts", "3", kUrl}, "--restart-window must be positive with --max-restarts"},
      {{"--restart-window", "60", kUrl}, "option --restart-window needs --max-restarts"},
      {{"--restart-window", "0", kUrl},
       "option --restart-window: '0' is not a positive number of seconds"},
      {{"--method", "GE T", kUrl}, "option --method: 'GE T' is not an HTTP method"},
      {{"--header", "NoColon", kUrl}, "option --header: 'NoColon' is not a header 'Name: value'"},
      {{"--header", "Bad Name: x", kUrl},
       "option --header: 'Bad Name: x' is not a header 'Name: value'"},
      {{"--user", "secretonly", kUrl}, "option --user: expected user:password"},
      {{"--not-body=", kUrl}, "option --not-body: empty text"},
      {{"--max-redirects", "51", kUrl},
       "option --max-redirects: '51' is not an integer >= 0 and <= 50"},
      {{"--connect-timeout", "0", kUrl},
       "option --connect-timeout: '0' is not a positive number of seconds"},
      {{"--client-cert=", kUrl}, "option --client-cert: empty file name"},
      {{"--client-key", "k.pem", kUrl}, "option --client-key needs --client-cert"},
      {{"--smtp", "http://mail", kUrl},
       "option --smtp: 'http://mail' is not an smtp:// or smtps:// URL"},
      {{"--smtp", "smtp://u:pw@mail", kUrl}, "option --smtp needs --mail-from"},
      {{"--mail-from", "a@b", kUrl},
       "options --mail-from, --smtp-user and --smtp-password need --smtp"},
      {{"--smtp", "smtp://mail", "--mail-from", "a@b", "--smtp-password", "x", kUrl},
       "option --smtp-password needs --smtp-user"},
      {{"--log-format", "xml", kUrl}, "option --log-format: 'xml' is not text or json"},
      {{"--m", "x", kUrl}, "option --m not a unique prefix"},
      {{"--cl", "x", kUrl}, "option --cl not a unique prefix"},
      {{"--restart-timeout", "0", kUrl},
       "option --restart-timeout: '0' is not a positive number of seconds"},
      {{"--rest", "1", kUrl}, "option --rest not a unique prefix"},
      {{"--dry-run=1", kUrl}, "option --dry-run must not have an argument"},
      {{"--failures"}, "option --failures requires an argument"},
      {{"--fail"}, "option --fail requires an argument"},
      {{"--retry-interval", "-1", kUrl},
       "option --retry-interval: '-1' is not a number of seconds >= 0"},
      {{"--cacert=", kUrl}, "option --cacert: empty file name"},
      {{"-g", "gcore 'unterminated", kUrl}, ""},  // message from SplitShellWords
      {{}, "no URL given"},
      {{"-p", "foo"}, "no URL given"},
      {{kUrl, "-p", "foo"},
       "more than one URL given (options must come before the URL): " + std::string(kUrl) +
           " -p foo"},
  };
  for (const ErrorCase& c : cases) {
    absl::StatusOr<HttpOkOptions> o = Parse(c.args);
    ASSERT_THAT(o.status(), StatusIs(absl::StatusCode::kInvalidArgument))
        << (c.args.empty() ? "" : c.args[0]);
    if (!c.message.empty()) {
      EXPECT_EQ(o.status().message(), c.message);
    } else {
      EXPECT_THAT(o.status().message(), HasSubstr("option -g: 'gcore 'unterminated': "));
    }
  }
}

TEST(ParseHttpOkOptionsTest, BadUrlsAreRejected) {
  for (const char* url : {"ftp://host/", "localhost:8080/foo", "", "http://", "http://h:x/"}) {
    absl::StatusOr<HttpOkOptions> o = Parse({url});
    EXPECT_THAT(o.status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(absl::StrCat("URL '", url, "': "))))
        << url;
  }
  EXPECT_THAT(Parse({"ftp://host/"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ftp")));
  EXPECT_THAT(Parse({"https://[::1]:8443/x?y=1"}).status(), IsOk());
}

TEST(ParseHttpOkOptionsTest, EmptyGcoreDisablesIt) {
  absl::StatusOr<HttpOkOptions> o = Parse({"-g", "", "-d", "/cores", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->gcore_words.empty());
}

TEST(ParseHttpOkOptionsTest, RepeatedParsesAreIndependent) {
  ASSERT_THAT(Parse({"-aE", kUrl}).status(), IsOk());
  absl::StatusOr<HttpOkOptions> o = Parse({"-p", "x", kUrl});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_FALSE(o->any);
  EXPECT_TRUE(o->eager);
}

TEST(HttpOkUsageTest, MentionsEveryOption) {
  for (const char* option : {"--program", "--any", "--gcore", "--coredir", "--timeout", "--code",
                             "--body", "--sendmail_program", "--email", "--eager",
                             "--not-eager", "--name", "--help", "--insecure", "--cacert",
                             "--retry-interval", "--version", "--failures", "--successes",
                             "--grace", "--max-restarts", "--restart-window", "--dry-run",
                             "--method", "--header", "--user", "--not-body", "--max-redirects",
                             "--connect-timeout", "--client-cert", "--client-key", "--smtp",
                             "--mail-from", "--smtp-user", "--smtp-password", "--notify-once",
                             "--log-format", "--restart-timeout", "GROUP:*"}) {
    EXPECT_THAT(std::string(HttpOkUsage()), HasSubstr(option));
  }
}

}  // namespace
}  // namespace httpok
}  // namespace svl
