#include "memmon/options.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace memmon {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * 1024;

absl::StatusOr<MemmonOptions> Parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"memmon"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  return ParseMemmonOptions(static_cast<int>(argv.size()) - 1, argv.data());
}

// The message of a rejected command line ("" when it was accepted).
std::string Error(const std::vector<std::string>& args) {
  absl::StatusOr<MemmonOptions> o = Parse(args);
  if (o.ok()) return "";
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(o.status().message());
}

TEST(ParseMemmonOptionsTest, UpstreamArgparserCase) {
  absl::StatusOr<MemmonOptions> o =
      Parse({"-c", "-p", "foo=50MB", "-g", "bar=10kB", "--any", "250", "-s", "mutt", "-m",
             "me@you.com", "-u", "1d", "-n", "myproject"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_FALSE(o->help);
  EXPECT_TRUE(o->cumulative);
  EXPECT_THAT(o->programs, ElementsAre(Pair("foo", 52428800)));
  EXPECT_THAT(o->groups, ElementsAre(Pair("bar", 10240)));
  EXPECT_EQ(o->any, 250);
  EXPECT_EQ(o->sendmail, "mutt");
  EXPECT_EQ(o->email, "me@you.com");
  EXPECT_EQ(o->uptime_limit, 86400);
  EXPECT_EQ(o->name, "myproject");
}

TEST(ParseMemmonOptionsTest, Defaults) {
  absl::StatusOr<MemmonOptions> o = Parse({"-m", "me@you.com"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_FALSE(o->help);
  EXPECT_FALSE(o->version);
  EXPECT_FALSE(o->cumulative);
  EXPECT_THAT(o->programs, IsEmpty());
  EXPECT_THAT(o->groups, IsEmpty());
  EXPECT_EQ(o->any, absl::nullopt);
  EXPECT_EQ(o->sendmail, "/usr/sbin/sendmail -t -i");
  EXPECT_EQ(o->email, "me@you.com");
  EXPECT_EQ(o->uptime_limit, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(o->name, "");
  EXPECT_EQ(o->memory, procfs::MemoryMeasure::kRss);
  EXPECT_THAT(o->exclude, IsEmpty());
  EXPECT_EQ(o->policy.failures, 1);
  EXPECT_EQ(o->policy.grace, absl::ZeroDuration());
  EXPECT_EQ(o->policy.max_restarts, 0);
  EXPECT_EQ(o->policy.restart_window, absl::ZeroDuration());
  EXPECT_EQ(o->restart_timeout, absl::ZeroDuration());
  EXPECT_FALSE(o->dry_run);
  EXPECT_EQ(o->smtp, "");
  EXPECT_EQ(o->mail_from, "");
  EXPECT_EQ(o->smtp_user, "");
  EXPECT_EQ(o->smtp_password, "");
  EXPECT_FALSE(o->notify_once);
  EXPECT_EQ(o->log_format, kit::LogFormat::kText);
  EXPECT_EQ(o->state_dir, "");
  EXPECT_EQ(o->self_group, "");
  EXPECT_EQ(o->self_name, "");
}

TEST(ParseMemmonOptionsTest, EmptyCommandLineIsAnError) {
  EXPECT_EQ(Error({}), "no options given");
  // `--` is an option list, empty: upstream runs with no rules.
  EXPECT_EQ(Error({"--"}), "");
}

TEST(ParseMemmonOptionsTest, NameIsKeptWhateverTheOrder) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-n", "mine", "-p", "prog1=100MB"},
        std::vector<std::string>{"-p", "prog1=100MB", "-n", "mine"}}) {
    absl::StatusOr<MemmonOptions> o = Parse(args);
    ASSERT_THAT(o.status(), IsOk());
    EXPECT_EQ(o->name, "mine");
    EXPECT_THAT(o->programs, ElementsAre(Pair("prog1", 100 * kMiB)));
  }
  absl::StatusOr<MemmonOptions> o = Parse({"-p", "prog1=100MB"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->name, "");
}

// Upstream took any bytes; a line break in a name or address split memmon's
// stderr lines (the mail itself was always safe).
TEST(ParseMemmonOptionsTest, ControlCharactersInNamesAndAddressesAreRefused) {
  EXPECT_EQ(Error({"-p", "a\nb=1MB"}), "Unparseable value 'a\\nb=1MB' for '-p'");
  EXPECT_EQ(Error({"-g", "g\r=1MB"}), "Unparseable value 'g\\r=1MB' for '-g'");
  EXPECT_EQ(Error({"-m", "ops@x\r\nBcc: evil@x"}), "option -m: control character in value");
  EXPECT_EQ(Error({"--name", "x\ny"}), "option --name: control character in value");
  absl::StatusOr<MemmonOptions> o = Parse({"-m", "", "-n", "", "-a", "1"});  // "" : none
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->email, "");
  EXPECT_EQ(o->name, "");
}

TEST(ParseMemmonOptionsTest, ProgramKeys) {
  absl::StatusOr<MemmonOptions> o =
      Parse({"-p", "grp:proc=1MB", "-p", "=1", "-p", "b=2", "-p", "b=3", "-g", "g=1", "-g", "g=4"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_THAT(o->programs, ElementsAre(Pair("", 1), Pair("b", 3), Pair("grp:proc", kMiB)));
  EXPECT_THAT(o->groups, ElementsAre(Pair("g", 4)));
}

TEST(ParseMemmonOptionsTest, LastWins) {
  absl::StatusOr<MemmonOptions> o = Parse({"-s", "a", "-s", "b", "-m", "x@y", "-m", "z@y", "-n",
                                          "one", "-n", "two", "-a", "1", "-a", "2", "-u", "5",
                                          "-u", "6"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->sendmail, "b");
  EXPECT_EQ(o->email, "z@y");
  EXPECT_EQ(o->name, "two");
  EXPECT_EQ(o->any, 2);
  EXPECT_EQ(o->uptime_limit, 6);
}

TEST(ParseMemmonOptionsTest, GetoptSpellings) {
  absl::StatusOr<MemmonOptions> o = Parse({"-cpa=1"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->cumulative);
  EXPECT_THAT(o->programs, ElementsAre(Pair("a", 1)));

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--program=a=1"}, std::vector<std::string>{"--program", "a=1"},
        std::vector<std::string>{"--prog", "a=1"}, std::vector<std::string>{"--p=a=1"},
        std::vector<std::string>{"-pa=1"}}) {
    o = Parse(args);
    ASSERT_THAT(o.status(), IsOk()) << args[0];
    EXPECT_THAT(o->programs, ElementsAre(Pair("a", 1))) << args[0];
  }

  o = Parse({"--cum"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->cumulative);
  EXPECT_EQ(Error({"--cumulative=1"}), "option --cumulative must not have an argument");
  EXPECT_EQ(Error({"-x"}), "option -x not recognized");
  EXPECT_EQ(Error({"-p"}), "option -p requires an argument");
  EXPECT_EQ(Error({"--bogus"}), "option --bogus not recognized");
}

TEST(ParseMemmonOptionsTest, AliasesAndUpstreamPrefixes) {
  for (const char* spelling : {"-g", "--gr", "--group", "--groupname", "--g", "--groupn"}) {
    absl::StatusOr<MemmonOptions> o = Parse({spelling, "x=1"});
    ASSERT_THAT(o.status(), IsOk()) << spelling;
    EXPECT_THAT(o->groups, ElementsAre(Pair("x", 1))) << spelling;
  }
  for (const char* spelling : {"-s", "--s", "--sendmail", "--sendmail_program", "--sendm"}) {
    absl::StatusOr<MemmonOptions> o = Parse({spelling, "cmd"});
    ASSERT_THAT(o.status(), IsOk()) << spelling;
    EXPECT_EQ(o->sendmail, "cmd") << spelling;
  }
  absl::StatusOr<MemmonOptions> o = Parse({"--e", "a@b", "--n", "nm", "--u", "1m"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->email, "a@b");
  EXPECT_EQ(o->name, "nm");
  EXPECT_EQ(o->uptime_limit, 60);
  // No upstream option starts with m: the additions decide, and three do.
  EXPECT_EQ(Error({"--m", "x"}), "option --m not a unique prefix");
  EXPECT_EQ(Error({"--r", "1"}), "option --r not a unique prefix");
  // Additions by their own prefixes.
  o = Parse({"--ex", "web", "--gra", "5", "--no", "--mem", "pss", "--d", "--v"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_THAT(o->exclude, ElementsAre("web"));
  EXPECT_EQ(o->policy.grace, absl::Seconds(5));
  EXPECT_TRUE(o->notify_once);
  EXPECT_EQ(o->memory, procfs::MemoryMeasure::kPss);
  EXPECT_TRUE(o->dry_run);
  EXPECT_TRUE(o->version);
}

TEST(ParseMemmonOptionsTest, HelpWhereItIsReached) {
  EXPECT_EQ(Error({"-p", "bad", "-h"}), "Unparseable value 'bad' for '-p'");
  absl::StatusOr<MemmonOptions> o = Parse({"-h", "-p", "bad"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->help);
  o = Parse({"-c", "--he", "extra"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->help);
  o = Parse({"--version", "--memory", "x"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_TRUE(o->version);
  EXPECT_FALSE(o->help);
  // The command line is read as a whole first, as getopt does.
  EXPECT_EQ(Error({"-h", "-x"}), "option -x not recognized");
}

TEST(ParseMemmonOptionsTest, UpstreamValueErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"-p", "foo"}, "Unparseable value 'foo' for '-p'"},
      {{"--prog", "foo"}, "Unparseable value 'foo' for '--program'"},
      {{"-p", "a=1=2"}, "Unparseable value 'a=1=2' for '-p'"},
      {{"-g", "foo"}, "Unparseable value 'foo' for '-g'"},
      {{"--groupname", "foo"}, "Unparseable value 'foo' for '--groupname'"},
      {{"-p", "it's"}, "Unparseable value \"it's\" for '-p'"},
      {{"-p", "a\tb"}, "Unparseable value 'a\\tb' for '-p'"},
      {{"-p", "foo=1x"}, "Unparseable byte_size in '1x' for '-p'"},
      {{"-p", "foo="}, "Unparseable byte_size in '' for '-p'"},
      {{"-p", "foo=0"}, "Unparseable byte_size in '0' for '-p'"},
      {{"-p", "foo=-5MB"}, "Unparseable byte_size in '-5MB' for '-p'"},
      {{"--group", "g=1 x"}, "Unparseable byte_size in '1 x' for '--group'"},
      {{"-a", "1k"}, "Unparseable byte_size in '1k' for '-a'"},
      {{"--an", "0"}, "Unparseable byte_size in '0' for '--any'"},
      {{"-a", "5MB "}, "Unparseable byte_size in '5MB ' for '-a'"},
      {{"-a", "99999999999GB"}, "Unparseable byte_size in '99999999999GB' for '-a'"},
      {{"-u", "1y"}, "Unparseable value for time in '1y' for -u"},
      {{"--up", "1y"}, "Unparseable value for time in '1y' for --uptime"},
      {{"-u", "-1"}, "Unparseable value for time in '-1' for -u"},
      {{"-u", ""}, "Unparseable value for time in '' for -u"},
      {{"-p", "a=1", "foo"}, "unexpected argument 'foo'"},
      {{"--", "-p"}, "unexpected argument '-p'"},
      // The first bad value in command-line order.
      {{"-a", "x", "-p", "y"}, "Unparseable byte_size in 'x' for '-a'"},
  };
  for (const auto& [args, message] : cases) {
    EXPECT_EQ(Error(args), message) << args[0] << " " << (args.size() > 1 ? args[1] : "");
  }
}

TEST(ParseMemmonOptionsTest, ByteSizes) {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {"10 MB", 10 * kMiB}, {" 5mb", 5 * kMiB}, {"1_000", 1000},
      {"10kB", 10 * kKiB},  {"2Gb", 2048 * kMiB}, {"+7", 7},
  };
  for (const auto& [text, bytes] : cases) {
    absl::StatusOr<MemmonOptions> o = Parse({"-a", text});
    ASSERT_THAT(o.status(), IsOk()) << text;
    EXPECT_EQ(o->any, bytes) << text;
  }
}

TEST(ParseMemmonOptionsTest, Uptimes) {
  const std::vector<std::pair<std::string, std::int64_t>> cases = {
      {" 2 m", 120}, {"2M", 120}, {"0", 0}, {"3h", 10800}, {"45", 45}, {"10s", 10},
  };
  for (const auto& [text, seconds] : cases) {
    absl::StatusOr<MemmonOptions> o = Parse({"-u", text});
    ASSERT_THAT(o.status(), IsOk()) << text;
    EXPECT_EQ(o->uptime_limit, seconds) << text;
  }
}

TEST(ParseMemmonOptionsTest, Additions) {
  absl::StatusOr<MemmonOptions> o = Parse(
      {"-a", "1GB", "--memory", "uss", "--exclude", "web", "--exclude=grp:*", "--exclude", "g:n",
       "--failures", "3", "--grace", "30.5", "--max-restarts", "4", "--restart-window", "3600",
       "--restart-timeout", "90", "--dry-run", "--smtp", "smtps://mail:465", "--mail-from",
       "memmon@h", "--smtp-user", "u", "--smtp-password", "p", "--notify-once", "--log-format",
       "json", "--state-dir", "/var/lib/memmon"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->memory, procfs::MemoryMeasure::kUss);
  EXPECT_THAT(o->exclude, ElementsAre("web", "grp:*", "g:n"));
  EXPECT_EQ(o->policy.failures, 3);
  EXPECT_EQ(o->policy.grace, absl::Milliseconds(30500));
  EXPECT_EQ(o->policy.max_restarts, 4);
  EXPECT_EQ(o->policy.restart_window, absl::Hours(1));
  EXPECT_EQ(o->restart_timeout, absl::Seconds(90));
  EXPECT_TRUE(o->dry_run);
  EXPECT_EQ(o->smtp, "smtps://mail:465");
  EXPECT_EQ(o->mail_from, "memmon@h");
  EXPECT_EQ(o->smtp_user, "u");
  EXPECT_EQ(o->smtp_password, "p");
  EXPECT_TRUE(o->notify_once);
  EXPECT_EQ(o->log_format, kit::LogFormat::kJson);
  EXPECT_EQ(o->state_dir, "/var/lib/memmon");

  o = Parse({"--memory", "rss", "--memory=pss"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->memory, procfs::MemoryMeasure::kPss);
  o = Parse({"--log-format", "text"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_EQ(o->log_format, kit::LogFormat::kText);
}

TEST(ParseMemmonOptionsTest, AdditionErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--memory", "x"}, "option --memory: 'x' is not one of rss, pss, uss"},
      {{"--mem", "RSS"}, "option --mem: 'RSS' is not one of rss, pss, uss"},
      {{"--exclude", ""}, "option --exclude: empty process name"},
      {{"--exclude", "a\nb"}, "option --exclude: control character in value"},
      {{"--failures", "0"}, "option --failures: '0' is not an integer >= 1"},
      {{"--failures", "x"}, "option --failures: 'x' is not an integer >= 1"},
      {{"--grace", "-1"}, "option --grace: '-1' is not a number of seconds >= 0"},
      {{"--max-restarts", "-2"}, "option --max-restarts: '-2' is not an integer >= 1"},
      {{"--max-restarts", "0", "--restart-window", "60"},
       "option --max-restarts: '0' is not an integer >= 1 (leave --max-restarts out for no "
       "limit)"},
      {{"--max-restarts", "3"}, "--restart-window must be positive with --max-restarts"},
      {{"--restart-window", "60"}, "option --restart-window needs --max-restarts"},
      {{"--restart-window", "0"}, "option --restart-window: '0' is not a positive number of seconds"},
      {{"--restart-timeout", "0"},
       "option --restart-timeout: '0' is not a positive number of seconds"},
      {{"--smtp", "http://mail"}, "option --smtp: 'http://mail' is not an smtp:// or smtps:// URL"},
      {{"--smtp", "ftp://u:pw@m"}, "option --smtp: 'ftp://***@m' is not an smtp:// or smtps:// URL"},
      {{"--smtp", "smtp://u:pw@mail"}, "option --smtp needs --mail-from"},
      {{"--mail-from", "a@b"}, "options --mail-from, --smtp-user and --smtp-password need --smtp"},
      {{"--smtp", "smtp://mail", "--mail-from", "a@b", "--smtp-password", "x"},
       "option --smtp-password needs --smtp-user"},
      {{"--smtp-password", "s3cret\n"}, "option --smtp-password: control character in value"},
      {{"--mail-from", ""}, "option --mail-from: empty address"},
      {{"--smtp-user", ""}, "option --smtp-user: empty user"},
      {{"--log-format", "xml"}, "option --log-format: 'xml' is not text or json"},
      {{"--state-dir", ""}, "option --state-dir: empty directory"},
      {{"--dry-run=1"}, "option --dry-run must not have an argument"},
  };
  for (const auto& [args, message] : cases) {
    EXPECT_EQ(Error(args), message) << args[0] << " " << (args.size() > 1 ? args[1] : "");
  }
}

TEST(ParseMemmonOptionsTest, RepeatedParsesAreIndependent) {
  ASSERT_THAT(Parse({"-p", "a=1", "--exclude", "x"}).status(), IsOk());
  absl::StatusOr<MemmonOptions> o = Parse({"-g", "b=2"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_THAT(o->programs, IsEmpty());
  EXPECT_THAT(o->exclude, IsEmpty());
  EXPECT_THAT(o->groups, ElementsAre(Pair("b", 2)));
}

TEST(MemmonUsageTest, MentionsEveryOption) {
  const absl::string_view usage = MemmonUsage();
  EXPECT_TRUE(absl::StartsWith(usage, "usage: memmon [options]\n"));
  EXPECT_TRUE(absl::EndsWith(usage, "\n"));
  EXPECT_TRUE(absl::StrContains(usage, "TICK_60"));
  for (const char* option :
       {"-h, --help", "-c, --cumulative", "-p, --program", "-g, --group", "--groupname",
        "-a, --any", "-s, --sendmail_program", "--sendmail", "-m, --email", "-u, --uptime",
        "-n, --name", "--memory", "--exclude", "--failures", "--grace", "--max-restarts",
        "--restart-window", "--restart-timeout", "--dry-run", "--smtp", "--mail-from",
        "--smtp-user", "--smtp-password", "--notify-once", "--log-format", "--state-dir",
        "--version"}) {
    EXPECT_TRUE(absl::StrContains(usage, option)) << option;
  }
}

TEST(MemmonUsageTest, ExampleIsAValidCommandLine) {
  const absl::string_view usage = MemmonUsage();
  EXPECT_TRUE(absl::StrContains(
      usage, "\n  memmon -p program1=200MB -p group1:program2=1GB -g group2=300MB -a 1GB "
             "-m ops@example.com -n \"Project 1\"\n"));
  absl::StatusOr<MemmonOptions> o =
      Parse({"-p", "program1=200MB", "-p", "group1:program2=1GB", "-g", "group2=300MB", "-a",
             "1GB", "-m", "ops@example.com", "-n", "Project 1"});
  ASSERT_THAT(o.status(), IsOk());
  EXPECT_THAT(o->programs,
              ElementsAre(Pair("group1:program2", 1024 * kMiB), Pair("program1", 200 * kMiB)));
  EXPECT_EQ(o->name, "Project 1");
}

}  // namespace
}  // namespace memmon
}  // namespace svl
