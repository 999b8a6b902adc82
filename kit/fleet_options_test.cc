#include "kit/fleet_options.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace svl {
namespace kit {
namespace {

TEST(FleetOptionsTest, EachOption) {
  FleetOptions options;
  ASSERT_TRUE(SetFleetOption("--metrics-file", "--metrics-file", "/var/lib/m.prom",
                             &options)
                  .ok());
  ASSERT_TRUE(
      SetFleetOption("--webhook", "--webhook", "https://hooks.example/T1", &options).ok());
  ASSERT_TRUE(SetFleetOption("--webhook", "--webhook", "http://127.0.0.1:9/h", &options)
                  .ok());
  ASSERT_TRUE(SetFleetOption("--webhook-header", "--webhook-header",
                             "Authorization:  Bearer t0k3n ", &options)
                  .ok());
  ASSERT_TRUE(
      SetFleetOption("--webhook-timeout", "--webhook-timeout", "2.5", &options).ok());
  EXPECT_EQ(options.metrics_file, "/var/lib/m.prom");
  EXPECT_EQ(options.webhooks,
            (std::vector<std::string>{"https://hooks.example/T1", "http://127.0.0.1:9/h"}));
  EXPECT_EQ(options.webhook_headers,
            (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer t0k3n"}}));
  EXPECT_EQ(options.webhook_timeout, absl::Milliseconds(2500));
}

TEST(FleetOptionsTest, Defaults) {
  FleetOptions options;
  EXPECT_EQ(options.metrics_file, "");
  EXPECT_TRUE(options.webhooks.empty());
  EXPECT_EQ(options.webhook_timeout, absl::Seconds(5));
}

std::string Error(const char* canonical, const char* name, const char* value) {
  FleetOptions options;
  const absl::Status status = SetFleetOption(canonical, name, value, &options);
  return status.ok() ? "OK" : std::string(status.message());
}

TEST(FleetOptionsTest, Errors) {
  EXPECT_EQ(Error("--metrics-file", "--metrics-file", ""),
            "option --metrics-file: empty file name");
  EXPECT_EQ(Error("--webhook-timeout", "--webhook-t", "0"),
            "option --webhook-t: '0' is not a positive number of seconds");
  const std::string webhook = Error("--webhook", "--webhook", "ftp://u:pw@x/");
  EXPECT_EQ(webhook.rfind("option --webhook: ", 0), 0u) << webhook;
  EXPECT_EQ(webhook.find("pw"), std::string::npos) << webhook;
  const std::string header = Error("--webhook-header", "--webhook-header", "NoColon");
  EXPECT_EQ(header.rfind("option --webhook-header: ", 0), 0u) << header;
}

TEST(FleetOptionsTest, UsageTextsEndWithANewlineAndFit78Columns) {
  for (const char* text : {kFleetUsage, kFleetOptparseHelp}) {
    const std::string s = text;
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.back(), '\n');
    size_t start = 0;
    while (start < s.size()) {
      const size_t end = s.find('\n', start);
      EXPECT_LE(end - start, 78u) << s.substr(start, end - start);
      start = end + 1;
    }
  }
}

}  // namespace
}  // namespace kit
}  // namespace svl
