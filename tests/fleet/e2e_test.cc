// The fleet options end to end: real listeners under a real supervisord
// write their --metrics-file into a directory that a real node_exporter
// (textfile collector) serves, and POST their notices to --webhook
// servers the test runs. What is asserted is what a fleet's scraper and a
// chat webhook receive: scraped series and values (node_exporter sorts
// labels by name), the JSON document and headers of a POST, the listener's
// `reason=webhook` lines.
//
// Each test has its own supervisord, servers and directories, and waits
// for effects (a spawn line in supervisord's log, a request reaching a
// server, a value in a scrape or in the metrics file), never for a time.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/http_server.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/node_exporter.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

// A webhook URL as the listener shows it: "http://127.0.0.1:PORT/***".
std::string HiddenPath(const std::string& url) {
  return url.substr(0, url.find('/', url.find("://") + 3)) + "/***";
}

// `text` matched literally inside a regular expression.
std::string RegexEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Optional;

constexpr char kHttpOk[] = "httpok/httpok";
constexpr char kMemmon[] = "memmon/memmon";
constexpr char kCrashmail[] = "crashmail/crashmail";
constexpr char kAsctime[] = "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}";

class FleetE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("fleet-e2e");
    ASSERT_THAT(dir, IsOk());
    dir_ = *dir;
    textfiles_ = dir_ + "/textfiles";
    ASSERT_EQ(mkdir(textfiles_.c_str(), 0755), 0);
    absl::StatusOr<std::unique_ptr<NodeExporter>> exporter = NodeExporter::Start(textfiles_);
    ASSERT_THAT(exporter, IsOk());
    exporter_ = *std::move(exporter);
  }

  void StartSupervisord(const std::string& config) {
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
    ASSERT_THAT(sv, IsOk());
    sv_ = *std::move(sv);
  }

  // Scrapes node_exporter until `done` holds for the scrape, and returns that
  // scrape (the last one, with the deadline's error, otherwise).
  absl::StatusOr<std::string> ScrapeUntil(const std::function<bool(const std::string&)>& done,
                                          absl::string_view what) const {
    std::string last;
    const absl::Status waited = WaitFor(
        [&] {
          absl::StatusOr<std::string> metrics = exporter_->Scrape();
          if (!metrics.ok()) return false;
          last = *std::move(metrics);
          return done(last);
        },
        kWaitTimeout, what);
    if (!waited.ok()) {
      return absl::DeadlineExceededError(absl::StrCat(waited.message(), "; last scrape:\n", last));
    }
    return last;
  }

  // The value of `series` in the metrics file at `path` (labels in the
  // file's own order), or nullopt.
  static std::optional<double> FileSample(const std::string& path, absl::string_view series) {
    absl::StatusOr<std::string> text = ReadFile(path);
    if (!text.ok()) return std::nullopt;
    return SampleValue(*text, series);
  }

  int Pid(const std::string& name) const {
    absl::StatusOr<std::string> out = sv_->Ctl({"pid", name});
    int pid = 0;
    if (!out.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*out), &pid)) return -1;
    return pid;
  }

  // Opens the FIFO at `path` once its program waits on it and writes a line.
  static void Release(const std::string& path) {
    int fd = -1;
    ASSERT_THAT(WaitFor([&] { return (fd = open(path.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; },
                        kWaitTimeout, absl::StrCat("a reader of ", path)),
                IsOk());
    ASSERT_EQ(write(fd, "\n", 1), 1);
    close(fd);
  }

  std::string dir_;
  std::string textfiles_;
  std::unique_ptr<NodeExporter> exporter_;
  // Servers outlive supervisord: the listeners talk to them until stopped.
  std::unique_ptr<HttpServer> web_;
  std::unique_ptr<HttpServer> hook_;
  std::unique_ptr<Supervisord> sv_;
};

TEST_F(FleetE2eTest, HttpOkChecksAndRestartsAreScraped) {
  absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
  ASSERT_THAT(web, IsOk());
  web_ = *std::move(web);
  web_->SetResponse(MakeResponse(500, "Internal Server Error", "broken"));
  const absl::Time start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      "[program:web]\ncommand=/bin/sleep 3600\nstartsecs=1\n",
      "[eventlistener:httpok]\ncommand=", ListenerBinary(kHttpOk), " -p web -t 30 -n edge1",
      " --metrics-file ", textfiles_, "/httpok.prom ", web_->Url("/health"),
      "\nevents=TICK_5\nstderr_logfile=", dir_, "/httpok.err\n")));

  // A second spawn of web: httpok restarted it (its pid changed).
  ASSERT_THAT(WaitFor([&] { return sv_->CountInLog("spawned: 'web' with pid") >= 2; },
                      kWaitTimeout, "web respawned"),
              IsOk())
      << sv_->ReadLog();
  constexpr char kRestarts[] =
      "svlisten_restarts_total{listener=\"httpok\",name=\"edge1\",process=\"web:web\"}";
  absl::StatusOr<std::string> metrics = ScrapeUntil(
      [&](const std::string& m) { return SampleValue(m, kRestarts).value_or(0) >= 1; },
      "a restart in the scrape");
  ASSERT_THAT(metrics, IsOk());
  const absl::Time scraped = absl::Now();
  EXPECT_THAT(*metrics, HasSubstr("\nsvlisten_build_info{listener=\"httpok\",name=\"edge1\","
                                  "version=\"0.1.0\"} 1\n"));
  EXPECT_GE(SampleValue(*metrics, "svlisten_checks_total{listener=\"httpok\",name=\"edge1\","
                                  "result=\"status\"}")
                .value_or(0),
            1);
  // Every result's series exists from the start: the URL never answered 200.
  EXPECT_THAT(*metrics, HasSubstr("\nsvlisten_checks_total{listener=\"httpok\",name=\"edge1\","
                                  "result=\"ok\"} 0\n"));
  const std::optional<double> last_check = SampleValue(
      *metrics, "svlisten_last_check_timestamp_seconds{listener=\"httpok\",name=\"edge1\"}");
  ASSERT_TRUE(last_check.has_value()) << *metrics;
  EXPECT_GE(*last_check, std::floor(absl::ToDoubleSeconds(start - absl::UnixEpoch())));
  EXPECT_LE(*last_check, absl::ToDoubleSeconds(scraped - absl::UnixEpoch()));
  EXPECT_THAT(SampleValue(*metrics, "node_textfile_scrape_error"), Optional(0.0));

  // Healthy again: the ok series grows.
  web_->SetResponse(MakeResponse(200, "OK", "fine"));
  absl::StatusOr<std::string> healthy = ScrapeUntil(
      [&](const std::string& m) {
        return SampleValue(m, "svlisten_checks_total{listener=\"httpok\",name=\"edge1\","
                              "result=\"ok\"}")
                   .value_or(0) >= 1;
      },
      "an ok check in the scrape");
  ASSERT_THAT(healthy, IsOk());
  EXPECT_THAT(SampleValue(*healthy, "node_textfile_scrape_error"), Optional(0.0));
}

TEST_F(FleetE2eTest, MemmonReadingsAreScraped) {
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      "[program:sleeper]\ncommand=/bin/sleep 3600\nstartsecs=1\n",
      "[eventlistener:memmon]\ncommand=", ListenerBinary(kMemmon), " -a 1GB --metrics-file ",
      textfiles_, "/memmon.prom\nevents=TICK_5\nstderr_logfile=", dir_, "/memmon.err\n")));
  ASSERT_THAT(sv_->WaitForLog("success: sleeper entered RUNNING state", kWaitTimeout), IsOk());
  constexpr char kRss[] =
      "svlisten_process_memory_bytes{listener=\"memmon\",measure=\"rss\","
      "process=\"sleeper:sleeper\"}";
  absl::StatusOr<std::string> metrics = ScrapeUntil(
      [&](const std::string& m) { return SampleValue(m, kRss).has_value(); },
      "sleeper's rss in the scrape");
  ASSERT_THAT(metrics, IsOk());
  EXPECT_GT(SampleValue(*metrics, kRss).value_or(0), 0);
  EXPECT_GE(SampleValue(*metrics, "svlisten_checks_total{listener=\"memmon\",result=\"ok\"}")
                .value_or(0),
            1);
  EXPECT_THAT(*metrics, HasSubstr("\nsvlisten_build_info{listener=\"memmon\","
                                  "version=\"0.1.0\"} 1\n"));
  EXPECT_THAT(SampleValue(*metrics, "node_textfile_scrape_error"), Optional(0.0));
  // The process measured is the one running.
  const int pid = Pid("sleeper");
  ASSERT_GT(pid, 0);
  EXPECT_EQ(kill(pid, 0), 0);
}

TEST_F(FleetE2eTest, CrashmailPostsEachCrashToTheWebhook) {
  absl::StatusOr<std::unique_ptr<HttpServer>> hook = HttpServer::Start();
  ASSERT_THAT(hook, IsOk());
  hook_ = *std::move(hook);
  const std::string first = dir_ + "/release-first";
  const std::string second = dir_ + "/release-second";
  ASSERT_EQ(mkfifo(first.c_str(), 0600), 0);
  ASSERT_EQ(mkfifo(second.c_str(), 0600), 0);
  const absl::Time start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      "[program:fine]\ncommand=/bin/sh -c 'exit 0'\nexitcodes=0\nstartsecs=0\n"
      "autorestart=false\n",
      "[program:crasher]\ncommand=/bin/sh -c 'read line < ", first,
      "; exit 3'\nexitcodes=0\nstartsecs=0\nautorestart=false\n",
      "[program:second]\ncommand=/bin/sh -c 'read line < ", second,
      "; exit 4'\nexitcodes=0\nstartsecs=0\nautorestart=false\n",
      "[eventlistener:crashmail]\ncommand=", ListenerBinary(kCrashmail), " --webhook ",
      hook_->Url("/hook"), " --webhook-header 'X-Token: s3cret'\n",
      "events=PROCESS_STATE\nstderr_logfile=", dir_, "/crashmail.err\n")));
  ASSERT_THAT(sv_->WaitForLog("exited: fine (exit status 0; expected)", kWaitTimeout), IsOk());
  ASSERT_NO_FATAL_FAILURE(Release(first));
  ASSERT_TRUE(hook_->WaitForRequests(1, kWaitTimeout)) << sv_->ReadLog();
  // Notices are POSTed one at a time, in order: once second's has come,
  // nothing more of crasher's can.
  ASSERT_NO_FATAL_FAILURE(Release(second));
  ASSERT_TRUE(hook_->WaitForRequests(2, kWaitTimeout)) << sv_->ReadLog();
  const std::vector<HttpRequest> requests = hook_->requests();
  ASSERT_EQ(requests.size(), 2);
  const HttpRequest& post = requests[0];
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.target, "/hook");
  EXPECT_EQ(post.Header("Content-Type"), "application/json");
  EXPECT_EQ(post.Header("X-Token"), "s3cret");

  const nlohmann::ordered_json json = nlohmann::ordered_json::parse(post.body, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << post.body;
  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  EXPECT_THAT(keys, ElementsAre("text", "listener", "name", "host", "event", "processes",
                                "reason", "subject", "body", "time"));
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof(host) - 1), 0);
  EXPECT_THAT(json.value("text", ""), MatchesRegex(absl::StrCat("crasher crashed at ", kAsctime)));
  EXPECT_EQ(json.value("listener", ""), "crashmail");
  EXPECT_EQ(json.value("name", "?"), "");
  EXPECT_EQ(json.value("host", ""), host);
  EXPECT_EQ(json.value("event", ""), "crash");
  EXPECT_EQ(json["processes"], nlohmann::ordered_json::array({"crasher:crasher"}));
  EXPECT_EQ(json.value("reason", ""), "crash");
  // upstream's subject starts with a space without -o.
  EXPECT_EQ(json.value("subject", ""), " " + json.value("text", ""));
  EXPECT_THAT(json.value("body", ""),
              MatchesRegex("Process crasher in group crasher exited unexpectedly \\(pid "
                           "[0-9]+\\) from state RUNNING"));
  const std::string time = json.value("time", "");
  ASSERT_THAT(time, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
  absl::Time when;
  std::string error;
  ASSERT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", time, &when, &error)) << error;
  EXPECT_GE(when, absl::FromUnixSeconds(absl::ToUnixSeconds(start)));
  EXPECT_LE(when, absl::Now());

  const nlohmann::ordered_json later =
      nlohmann::ordered_json::parse(requests[1].body, nullptr, false);
  EXPECT_EQ(later["processes"], nlohmann::ordered_json::array({"second:second"}));
}

TEST_F(FleetE2eTest, AFailedWebhookIsLoggedAndCounted) {
  absl::StatusOr<std::unique_ptr<HttpServer>> hook = HttpServer::Start();
  ASSERT_THAT(hook, IsOk());
  hook_ = *std::move(hook);
  // The POST and its retry get 500; anything after would get 200.
  auto answered = std::make_shared<std::atomic<int>>(0);
  hook_->SetHandler([answered](const HttpRequest&) {
    return answered->fetch_add(1) < 2 ? MakeResponse(500, "Internal Server Error", "no")
                                      : MakeResponse(200, "OK");
  });
  const std::string release = dir_ + "/release";
  ASSERT_EQ(mkfifo(release.c_str(), 0600), 0);
  const std::string metrics_file = textfiles_ + "/crashmail.prom";
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      "[program:crasher]\ncommand=/bin/sh -c 'read line < ", release,
      "; exit 3'\nexitcodes=0\nstartsecs=0\nautorestart=false\n",
      "[eventlistener:crashmail]\ncommand=", ListenerBinary(kCrashmail), " --webhook ",
      hook_->Url("/hook"), " --metrics-file ", metrics_file, "\n",
      "events=PROCESS_STATE\nstderr_logfile=", dir_, "/crashmail.err\n")));
  ASSERT_NO_FATAL_FAILURE(Release(release));

  // In the file, the constant label comes first.
  ASSERT_THAT(
      WaitFor(
          [&] {
            return FileSample(metrics_file,
                              "svlisten_notices_total{listener=\"crashmail\",channel=\"webhook\","
                              "result=\"error\"}") == 1.0;
          },
          kWaitTimeout, "the webhook error counted in the metrics file"),
      IsOk())
      << ReadFile(metrics_file).value_or("");
  EXPECT_EQ(hook_->requests().size(), 2);
  // supervisord copies the listener's stderr from a pipe: wait for the line.
  absl::StatusOr<std::string> err = WaitForFileContaining(
      dir_ + "/crashmail.err", "reason=webhook", kWaitTimeout);
  ASSERT_THAT(err, IsOk());
  EXPECT_THAT(*err, ::testing::ContainsRegex(absl::StrCat(
                        "(^|\n)[0-9T:.-]+Z crashmail reason=webhook msg=\"webhook notice "
                        "\\(crash\\) not delivered: webhook ",
                        RegexEscape(HiddenPath(hook_->Url("/hook"))),
                        ": HTTP 500 Internal Server Error \\(after a retry\\)\" url=",
                        RegexEscape(HiddenPath(hook_->Url("/hook"))), "\n")));

  absl::StatusOr<std::string> metrics = ScrapeUntil(
      [](const std::string& m) {
        return SampleValue(m, "svlisten_notices_total{channel=\"webhook\",listener=\"crashmail\","
                              "result=\"error\"}") == 1.0;
      },
      "the webhook error in the scrape");
  ASSERT_THAT(metrics, IsOk());
  EXPECT_THAT(*metrics, HasSubstr("\nsvlisten_notices_total{channel=\"webhook\","
                                  "listener=\"crashmail\",result=\"ok\"} 0\n"));
  EXPECT_THAT(SampleValue(*metrics, "node_textfile_scrape_error"), Optional(0.0));
}

TEST_F(FleetE2eTest, AHangingWebhookDoesNotHoldTheChecks) {
  absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
  ASSERT_THAT(web, IsOk());
  web_ = *std::move(web);
  web_->SetResponse(MakeResponse(500, "Internal Server Error", "broken"));
  absl::StatusOr<std::unique_ptr<HttpServer>> hook = HttpServer::Start();
  ASSERT_THAT(hook, IsOk());
  hook_ = *std::move(hook);
  HttpResponse hang;
  hang.action = HttpResponse::Action::kHang;
  hook_->SetResponse(hang);
  // Two listeners on the same failing URL and hanging webhook: `short`
  // gives up on a POST after 1 s, `long` never within the test, so its
  // checks that follow its first POST happen while that POST hangs.
  const std::string short_file = textfiles_ + "/short.prom";
  const std::string long_file = textfiles_ + "/long.prom";
  auto listener = [&](const std::string& name, const std::string& timeout,
                      const std::string& metrics_file) {
    return absl::StrCat("[program:web_", name, "]\ncommand=/bin/sleep 3600\nstartsecs=0\n",
                        "[eventlistener:httpok_", name, "]\ncommand=", ListenerBinary(kHttpOk),
                        " -p web_", name, " -t 30 -n ", name, " --webhook ",
                        hook_->Url("/" + name), " --webhook-timeout ", timeout,
                        " --metrics-file ", metrics_file, " ", web_->Url("/health"),
                        "\nevents=TICK_5\nstderr_logfile=", dir_, "/", name, ".err\n");
  };
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(
      absl::StrCat(listener("short", "1", short_file), listener("long", "3600", long_file))));

  auto posts_to = [&](const std::string& target) {
    int n = 0;
    for (const HttpRequest& request : hook_->requests()) n += request.target == target;
    return n;
  };
  auto status_checks = [](const std::string& file, const std::string& name) {
    return FileSample(file, absl::StrCat("svlisten_checks_total{listener=\"httpok\",name=\"",
                                         name, "\",result=\"status\"}"))
        .value_or(0);
  };
  ASSERT_THAT(WaitFor([&] { return posts_to("/long") >= 1; }, kWaitTimeout,
                      "long's first webhook POST"),
              IsOk());
  const double checks_at_post = status_checks(long_file, "long");
  ASSERT_THAT(WaitFor([&] { return status_checks(long_file, "long") >= checks_at_post + 2; },
                      kWaitTimeout, "two more checks of long while its POST hangs"),
              IsOk())
      << ReadFile(long_file).value_or("");
  // Still the one POST: the next notices wait behind the hanging one.
  EXPECT_EQ(posts_to("/long"), 1);
  absl::StatusOr<std::string> long_err = ReadFile(dir_ + "/long.err");
  ASSERT_THAT(long_err, IsOk());
  EXPECT_THAT(*long_err, Not(HasSubstr("reason=webhook")));

  // Shown without its path (a webhook's path may be its secret).
  const std::string short_url = hook_->Url("/short");
  const std::string short_shown = HiddenPath(short_url);
  absl::StatusOr<std::string> short_err = WaitForFileContaining(
      dir_ + "/short.err", "not delivered: webhook " + short_shown + ": ", kWaitTimeout);
  ASSERT_THAT(short_err, IsOk());
  EXPECT_THAT(*short_err,
              ::testing::ContainsRegex(absl::StrCat(
                  "(^|\n)[0-9T:.-]+Z httpok\\[short\\] reason=webhook msg=\"webhook notice "
                  "\\(restart\\) not delivered: webhook ",
                  RegexEscape(short_shown),
                  ": Operation timed out after [0-9]+ milliseconds[^\"\n]*\" url=",
                  RegexEscape(short_shown), "\n")));
  // short goes on checking after its timeout too.
  const double short_checks = status_checks(short_file, "short");
  EXPECT_THAT(WaitFor([&] { return status_checks(short_file, "short") > short_checks; },
                      kWaitTimeout, "another check of short"),
              IsOk());
}

TEST_F(FleetE2eTest, UnusualNamesMakeAValidFile) {
  absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
  ASSERT_THAT(web, IsOk());
  web_ = *std::move(web);
  web_->SetResponse(MakeResponse(500, "Internal Server Error", "broken"));
  // A program name with '.', '-' and '_', and a -n name with a quote, a
  // backslash and a space, which the file must escape.
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      "[program:we.b-1_x]\ncommand=/bin/sleep 3600\nstartsecs=0\n",
      "[eventlistener:httpok]\ncommand=", ListenerBinary(kHttpOk),
      " -p we.b-1_x -t 30 -n 'a \"b\\c' --metrics-file ", textfiles_, "/httpok.prom ",
      web_->Url("/health"), "\nevents=TICK_5\nstderr_logfile=", dir_, "/httpok.err\n")));
  constexpr char kRestarts[] =
      "svlisten_restarts_total{listener=\"httpok\",name=\"a \\\"b\\\\c\","
      "process=\"we.b-1_x:we.b-1_x\"}";
  absl::StatusOr<std::string> metrics = ScrapeUntil(
      [&](const std::string& m) { return SampleValue(m, kRestarts).value_or(0) >= 1; },
      "the restart of we.b-1_x in the scrape");
  ASSERT_THAT(metrics, IsOk()) << ReadFile(textfiles_ + "/httpok.prom").value_or("");
  EXPECT_THAT(SampleValue(*metrics, "node_textfile_scrape_error"), Optional(0.0));
}

}  // namespace
}  // namespace testing
}  // namespace svl
