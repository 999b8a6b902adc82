#include "tests/testing/node_exporter.h"

#include <signal.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

TEST(NodeExporterTest, ServesTheTextfileCollectorAlone) {
  absl::StatusOr<std::string> dir = MakeTestDir("node-exporter-test");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(WriteFile(*dir + "/a.prom",
                        "# TYPE svl_test_value gauge\nsvl_test_value{b=\"2\",a=\"1\"} 42\n"),
              IsOk());
  absl::StatusOr<std::unique_ptr<NodeExporter>> exporter = NodeExporter::Start(*dir);
  ASSERT_THAT(exporter, IsOk());
  absl::StatusOr<std::string> metrics = (*exporter)->Scrape();
  ASSERT_THAT(metrics, IsOk());
  // Labels come back sorted by name.
  EXPECT_THAT(SampleValue(*metrics, "svl_test_value{a=\"1\",b=\"2\"}"), Optional(42.0));
  EXPECT_THAT(SampleValue(*metrics, "node_textfile_scrape_error"), Optional(0.0));
  // Only the textfile collector, no exporter metrics of its own.
  EXPECT_THAT(*metrics, Not(HasSubstr("go_goroutines")));
  EXPECT_THAT(*metrics, Not(HasSubstr("node_cpu_seconds_total")));
  EXPECT_THAT(*metrics, HasSubstr("node_scrape_collector_success{collector=\"textfile\"} 1\n"));
  // It was handed the socket, not told a port.
  EXPECT_THAT((*exporter)->Log(), Not(HasSubstr("address=:9100")));
}

TEST(NodeExporterTest, EachScrapeReadsTheDirectoryAgain) {
  absl::StatusOr<std::string> dir = MakeTestDir("node-exporter-test");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::unique_ptr<NodeExporter>> exporter = NodeExporter::Start(*dir);
  ASSERT_THAT(exporter, IsOk());
  absl::StatusOr<std::string> before = (*exporter)->Scrape();
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(SampleValue(*before, "svl_late"), std::nullopt);
  ASSERT_THAT(WriteFile(*dir + "/late.prom", "svl_late 7\n"), IsOk());
  absl::StatusOr<std::string> after = (*exporter)->Scrape();
  ASSERT_THAT(after, IsOk());
  EXPECT_THAT(SampleValue(*after, "svl_late"), Optional(7.0));
}

TEST(NodeExporterTest, AMalformedFileIsAScrapeError) {
  absl::StatusOr<std::string> dir = MakeTestDir("node-exporter-test");
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(WriteFile(*dir + "/bad.prom", "svl_bad{a=\"unterminated} 1\n"), IsOk());
  absl::StatusOr<std::unique_ptr<NodeExporter>> exporter = NodeExporter::Start(*dir);
  ASSERT_THAT(exporter, IsOk());
  absl::StatusOr<std::string> metrics = (*exporter)->Scrape();
  ASSERT_THAT(metrics, IsOk());
  EXPECT_THAT(SampleValue(*metrics, "node_textfile_scrape_error"), Optional(1.0));
}

TEST(NodeExporterTest, TheDestructorKillsAndReaps) {
  absl::StatusOr<std::string> dir = MakeTestDir("node-exporter-test");
  ASSERT_THAT(dir, IsOk());
  absl::StatusOr<std::unique_ptr<NodeExporter>> exporter = NodeExporter::Start(*dir);
  ASSERT_THAT(exporter, IsOk());
  const pid_t pid = (*exporter)->pid();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(pid, 0), 0);
  exporter->reset();
  // Reaped: the pid no longer names a process of ours (not even a zombie).
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(SampleValueTest, MatchesTheWholeSeriesOnly) {
  const std::string metrics =
      "# HELP m_total a counter\n"
      "m_total{a=\"1\"} 3\n"
      "m{a=\"1\"} 1.5e+06\n"
      "m{a=\"10\"} 9\n"
      "n 4 1700000000000\n"
      "o NaN-ish\n";
  EXPECT_THAT(SampleValue(metrics, "m{a=\"1\"}"), Optional(1.5e6));
  EXPECT_THAT(SampleValue(metrics, "m_total{a=\"1\"}"), Optional(3.0));
  EXPECT_THAT(SampleValue(metrics, "n"), Optional(4.0));
  EXPECT_EQ(SampleValue(metrics, "m"), std::nullopt);
  EXPECT_EQ(SampleValue(metrics, "o"), std::nullopt);
  EXPECT_EQ(SampleValue(metrics, "absent"), std::nullopt);
}

}  // namespace
}  // namespace testing
}  // namespace svl
