#include "kit/fleet.h"

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/http_server.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace kit {
namespace {

class FleetTest : public ::testing::Test {
 protected:
  StderrWriter Writer() {
    return [this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      err_.append(line.data(), line.size());
    };
  }
  std::string Err() {
    absl::MutexLock lock(&mu_);
    return err_;
  }
  absl::Mutex mu_;
  std::string err_ ABSL_GUARDED_BY(mu_);
};

TEST_F(FleetTest, WithoutOptionsItDoesNothing) {
  absl::StatusOr<std::unique_ptr<Fleet>> fleet =
      Fleet::Create({}, {"crashmail", "", "0.1.0", LogFormat::kText, {}, "sendmail"}, Writer());
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  EXPECT_EQ((*fleet)->metrics(), nullptr);
  EXPECT_FALSE((*fleet)->webhooks_enabled());
  (*fleet)->Notify({});
  (*fleet)->RecordMailOutcome(true);
  (*fleet)->Publish();
  (*fleet)->Shutdown(absl::Seconds(1));
  EXPECT_EQ(Err(), "");
}

TEST_F(FleetTest, MetricsFileAndWebhookOutcomes) {
  absl::StatusOr<std::string> dir = testing::MakeTestDir("fleet");
  ASSERT_TRUE(dir.ok()) << dir.status();
  absl::StatusOr<std::unique_ptr<testing::HttpServer>> server = testing::HttpServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->SetResponse(testing::MakeResponse(404, "Not Found"));
  FleetOptions options;
  options.metrics_file = *dir + "/crashmail.prom";
  options.webhooks = {(*server)->Url("/hook")};
  absl::StatusOr<std::unique_ptr<Fleet>> fleet = Fleet::Create(
      options, {"crashmail", "edge1", "0.1.0", LogFormat::kText, {}, "smtp"}, Writer());
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  ASSERT_NE((*fleet)->metrics(), nullptr);
  EXPECT_TRUE((*fleet)->webhooks_enabled());

  WebhookNotice notice;
  notice.text = "crasher crashed";
  notice.event = "crash";
  (*fleet)->Notify(notice);
  (*fleet)->RecordMailOutcome(true);
  (*fleet)->Shutdown(absl::Seconds(30));

  const std::vector<testing::HttpRequest> requests = (*server)->requests();
  ASSERT_EQ(requests.size(), 1u);  // a 404 is not retried
  EXPECT_TRUE(absl::StrContains(requests[0].body, "\"listener\":\"crashmail\",\"name\":\"edge1\""))
      << requests[0].body;
  const std::string err = Err();
  EXPECT_TRUE(absl::StrContains(err, "reason=webhook"));
  EXPECT_TRUE(absl::StrContains(err, "webhook notice (crash) not delivered: "));
  absl::StatusOr<std::string> file = testing::ReadFile(options.metrics_file);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(absl::StrContains(*file, "svlisten_notices_total{listener=\"crashmail\","
                                       "name=\"edge1\",channel=\"webhook\",result=\"error\"} 1\n"))
      << *file;
  EXPECT_TRUE(absl::StrContains(*file, "svlisten_notices_total{listener=\"crashmail\","
                                       "name=\"edge1\",channel=\"smtp\",result=\"ok\"} 1\n"))
      << *file;
  EXPECT_TRUE(absl::StrContains(*file, "channel=\"webhook\",result=\"ok\"} 0\n")) << *file;
}

TEST_F(FleetTest, AMissingMetricsDirectoryIsAnOptionError) {
  FleetOptions options;
  options.metrics_file = "/nonexistent/m.prom";
  absl::StatusOr<std::unique_ptr<Fleet>> fleet =
      Fleet::Create(options, {"httpok", "", "0.1.0", LogFormat::kText, {"ok"}, ""}, Writer());
  ASSERT_FALSE(fleet.ok());
  EXPECT_EQ(fleet.status().message(),
            "option --metrics-file: metrics file /nonexistent/m.prom: /nonexistent/ is not a "
            "directory");
}

TEST_F(FleetTest, APublishErrorIsWrittenOnceUntilItChanges) {
  absl::StatusOr<std::string> dir = testing::MakeTestDir("fleet-err");
  ASSERT_TRUE(dir.ok()) << dir.status();
  FleetOptions options;
  options.metrics_file = *dir + "/m.prom";
  absl::StatusOr<std::unique_ptr<Fleet>> fleet =
      Fleet::Create(options, {"httpok", "", "0.1.0", LogFormat::kText, {"ok"}, ""}, Writer());
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  // The file's place is taken by a directory: it is not replaced.
  ASSERT_EQ(mkdir(options.metrics_file.c_str(), 0700), 0);
  (*fleet)->Publish();
  (*fleet)->Publish();
  const std::string err = Err();
  const std::string what = absl::StrCat("reason=metrics msg=\"metrics file ", options.metrics_file,
                                        " is not a regular file: not replacing it\"");
  ASSERT_TRUE(absl::StrContains(err, what)) << err;
  EXPECT_EQ(err.find(what), err.rfind(what)) << err;
}

}  // namespace
}  // namespace kit
}  // namespace svl
