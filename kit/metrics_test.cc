#include "kit/metrics.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace kit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  return names;
}

std::unique_ptr<ListenerMetrics> Make(const std::string& name, const std::string& path) {
  absl::StatusOr<std::unique_ptr<ListenerMetrics>> metrics =
      ListenerMetrics::Create({"httpok", name, "0.1.0", path, {"ok", "status"}, {}});
  EXPECT_TRUE(metrics.ok()) << metrics.status();
  return metrics.ok() ? *std::move(metrics) : nullptr;
}

TEST(ListenerMetricsTest, SeriesAndLabels) {
  auto metrics = Make("edge1", "/tmp/unused.prom");
  ASSERT_NE(metrics, nullptr);
  metrics->RecordCheck("ok", absl::Milliseconds(20), absl::FromUnixSeconds(1796131971));
  metrics->RecordCheck("status", absl::Seconds(3), absl::FromUnixSeconds(1796131972));
  metrics->RecordRestart("web:web_00");
  metrics->RecordRestartFailure("web:web_01");
  metrics->RecordNotice("smtp", "ok");
  const std::string text = metrics->Render();
  EXPECT_THAT(text, HasSubstr("# TYPE svlisten_build_info gauge\n"
                              "svlisten_build_info{listener=\"httpok\",name=\"edge1\","
                              "version=\"0.1.0\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_checks_total{listener=\"httpok\",name=\"edge1\","
                              "result=\"ok\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_checks_total{listener=\"httpok\",name=\"edge1\","
                              "result=\"status\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_check_duration_seconds_count{listener=\"httpok\","
                              "name=\"edge1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_check_duration_seconds_bucket{listener=\"httpok\","
                              "name=\"edge1\",le=\"0.025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_check_duration_seconds_bucket{listener=\"httpok\","
                              "name=\"edge1\",le=\"5\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_last_check_timestamp_seconds{listener=\"httpok\","
                              "name=\"edge1\"} 1796131972\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_restarts_total{listener=\"httpok\",name=\"edge1\","
                              "process=\"web:web_00\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_restart_failures_total{listener=\"httpok\","
                              "name=\"edge1\",process=\"web:web_01\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("svlisten_notices_total{listener=\"httpok\",name=\"edge1\","
                              "channel=\"smtp\",result=\"ok\"} 1\n"));
}

TEST(ListenerMetricsTest, KnownSeriesStartAtZero) {
  absl::StatusOr<std::unique_ptr<ListenerMetrics>> metrics =
      ListenerMetrics::Create({"httpok", "", "0.1.0", "/tmp/unused.prom",
                               {std::begin(kCheckResults), std::end(kCheckResults)},
                               {"smtp", "webhook"}});
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const std::string text = (*metrics)->Render();
  for (const char* result : kCheckResults) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("svlisten_checks_total{listener=\"httpok\",result=\"",
                                             result, "\"} 0\n")));
  }
  for (const char* channel : {"smtp", "webhook"}) {
    for (const char* result : {"ok", "error"}) {
      EXPECT_THAT(text, HasSubstr(absl::StrCat("svlisten_notices_total{listener=\"httpok\",channel=\"",
                                               channel, "\",result=\"", result, "\"} 0\n")));
    }
  }
  EXPECT_THAT(text, Not(HasSubstr("channel=\"sendmail\"")));
}

TEST(ListenerMetricsTest, NoCheckSeriesForAListenerWithoutChecks) {
  absl::StatusOr<std::unique_ptr<ListenerMetrics>> metrics =
      ListenerMetrics::Create({"crashmail", "", "0.1.0", "/tmp/unused.prom", {}, {"sendmail"}});
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  (*metrics)->RecordCheck("ok", absl::Seconds(1), absl::Now());
  const std::string text = (*metrics)->Render();
  EXPECT_THAT(text, Not(HasSubstr("svlisten_checks_total")));
  EXPECT_THAT(text, Not(HasSubstr("svlisten_check_duration_seconds")));
  EXPECT_THAT(text, Not(HasSubstr("svlisten_last_check_timestamp_seconds")));
  EXPECT_THAT(text, HasSubstr("svlisten_notices_total{listener=\"crashmail\",channel=\"sendmail\","
                              "result=\"ok\"} 0\n"));
}

TEST(ListenerMetricsTest, NoNameLabelWithoutName) {
  auto metrics = Make("", "/tmp/unused.prom");
  ASSERT_NE(metrics, nullptr);
  EXPECT_THAT(metrics->Render(), HasSubstr("svlisten_build_info{listener=\"httpok\","
                                           "version=\"0.1.0\"} 1\n"));
  EXPECT_THAT(metrics->Render(), Not(HasSubstr("name=")));
}

TEST(ListenerMetricsTest, LabelValuesAreEscapedAndMadeUtf8) {
  auto metrics = Make("a\"b\\c\nd", "/tmp/unused.prom");
  ASSERT_NE(metrics, nullptr);
  metrics->RecordRestart("g:caf\xc3\xa9\xff");
  const std::string text = metrics->Render();
  EXPECT_THAT(text, HasSubstr("name=\"a\\\"b\\\\c\\nd\""));
  EXPECT_THAT(text, HasSubstr("process=\"g:caf\xc3\xa9\xef\xbf\xbd\"} 1\n"));
}

TEST(ListenerMetricsTest, ProcessMemoryAndForgetting) {
  auto metrics = Make("", "/tmp/unused.prom");
  ASSERT_NE(metrics, nullptr);
  metrics->SetProcessMemory("web:web", "rss", 1048576);
  metrics->SetProcessMemory("old:old", "rss", 2048);
  metrics->SetProcessMemory("web:web", "rss", 2097152);
  std::string text = metrics->Render();
  EXPECT_THAT(text, HasSubstr("svlisten_process_memory_bytes{listener=\"httpok\","
                              "measure=\"rss\",process=\"web:web\"} 2097152\n"));
  EXPECT_THAT(text, HasSubstr("process=\"old:old\"} 2048\n"));
  metrics->ForgetProcessesExcept({"web:web"});
  text = metrics->Render();
  EXPECT_THAT(text, HasSubstr("process=\"web:web\"} 2097152\n"));
  EXPECT_THAT(text, Not(HasSubstr("old:old")));
}

TEST(ListenerMetricsTest, PublishReplacesTheFileAtomically) {
  absl::StatusOr<std::string> dir = testing::MakeTestDir("metrics");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string path = *dir + "/httpok.prom";
  auto metrics = Make("", path);
  ASSERT_NE(metrics, nullptr);
  ASSERT_TRUE(metrics->Publish().ok());
  absl::StatusOr<std::string> first = testing::ReadFile(path);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, metrics->Render());
  metrics->RecordRestart("web:web");
  ASSERT_TRUE(metrics->Publish().ok());
  absl::StatusOr<std::string> second = testing::ReadFile(path);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(*second, HasSubstr("process=\"web:web\"} 1\n"));
  // Nothing else is left in the directory (no temporary file).
  EXPECT_EQ(Entries(*dir), std::vector<std::string>{"httpok.prom"});
}

TEST(ListenerMetricsTest, PublishErrorNamesTheFile) {
  absl::StatusOr<std::string> dir = testing::MakeTestDir("metrics-err");
  ASSERT_TRUE(dir.ok()) << dir.status();
  // A directory where the temporary file goes: open(2) fails, even for root.
  const std::string temporary = absl::StrCat(*dir, "/.m.prom.", getpid(), ".tmp");
  ASSERT_EQ(mkdir(temporary.c_str(), 0700), 0);
  auto metrics = Make("", *dir + "/m.prom");
  ASSERT_NE(metrics, nullptr);
  const absl::Status status = metrics->Publish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            absl::StrCat("cannot write metrics file ", temporary, ": Is a directory"));
}

TEST(ListenerMetricsTest, NeverReplacesAnythingButARegularFile) {
  absl::StatusOr<std::string> dir = testing::MakeTestDir("metrics-special");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string fifo = *dir + "/fifo.prom";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<std::unique_ptr<ListenerMetrics>> refused =
      ListenerMetrics::Create({"httpok", "", "0.1.0", fifo, {}, {}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            absl::StrCat("metrics file ", fifo,
                         " is not a regular file (Publish() would replace it)"));
  // Made a symlink after start-up: Publish() leaves it alone.
  const std::string path = *dir + "/m.prom";
  auto metrics = Make("", path);
  ASSERT_NE(metrics, nullptr);
  ASSERT_EQ(symlink("/dev/null", path.c_str()), 0);
  const absl::Status status = metrics->Publish();
  EXPECT_EQ(status.message(),
            absl::StrCat("metrics file ", path, " is not a regular file: not replacing it"));
  struct stat st;
  ASSERT_EQ(lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST(ListenerMetricsTest, CreateRefusesAMissingDirectory) {
  absl::StatusOr<std::unique_ptr<ListenerMetrics>> metrics =
      ListenerMetrics::Create({"httpok", "", "0.1.0", "/nonexistent/dir/m.prom", {}, {}});
  ASSERT_FALSE(metrics.ok());
  EXPECT_EQ(metrics.status().message(),
            "metrics file /nonexistent/dir/m.prom: /nonexistent/dir/ is not a directory");
  metrics = ListenerMetrics::Create({"httpok", "", "0.1.0", "/tmp/", {}, {}});
  ASSERT_FALSE(metrics.ok());
  EXPECT_EQ(metrics.status().message(), "metrics file /tmp/ names a directory, not a file");
}

}  // namespace
}  // namespace kit
}  // namespace svl
