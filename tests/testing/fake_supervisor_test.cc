#include "tests/testing/fake_supervisor.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/curl_transport.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/supervisor_client.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace testing {
namespace {

using supervisor_rpc::FaultFromStatus;
using ::testing::ElementsAre;

class FakeSupervisorTest : public ::testing::Test {
 protected:
  void Start(std::vector<FakeProcess> processes) {
    absl::StatusOr<std::unique_ptr<FakeSupervisor>> sv = FakeSupervisor::Start(processes);
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    supervisor_rpc::ServerConfig config;
    config.url = sv_->url();
    absl::StatusOr<std::unique_ptr<supervisor_rpc::CurlTransport>> transport =
        supervisor_rpc::CurlTransport::Create(config);
    ASSERT_TRUE(transport.ok()) << transport.status();
    transport_ = *std::move(transport);
    client_ = std::make_unique<supervisor_rpc::SupervisorClient>(*transport_);
  }

  std::unique_ptr<FakeSupervisor> sv_;
  std::unique_ptr<supervisor_rpc::CurlTransport> transport_;
  std::unique_ptr<supervisor_rpc::SupervisorClient> client_;
};

TEST_F(FakeSupervisorTest, ServesTheTableInItsOrderWithStartAndNow) {
  std::vector<FakeProcess> processes = UpstreamFixture();
  processes[0].start = 900;
  processes[0].now = 1000;
  Start(processes);
  absl::StatusOr<std::vector<supervisor_rpc::ProcessInfo>> all = client_->GetAllProcessInfo();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].name, "foo");
  EXPECT_EQ((*all)[0].pid, 11);
  EXPECT_EQ((*all)[0].start, 900);
  EXPECT_EQ((*all)[0].now, 1000);
  EXPECT_EQ((*all)[1].statename, "FATAL");
  EXPECT_EQ((*all)[2].group, "baz");
  EXPECT_EQ((*all)[2].start, 0);  // the defaults: httpok's fixture
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

TEST_F(FakeSupervisorTest, BuiltInFaults) {
  Start(UpstreamFailFixture());
  absl::optional<supervisor_rpc::Fault> stop =
      FaultFromStatus(client_->StopProcess("foo:FAILED", true));
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->code, 30);
  EXPECT_EQ(stop->fault_string, "FAILED");
  absl::optional<supervisor_rpc::Fault> start =
      FaultFromStatus(client_->StartProcess("foo:SPAWN_ERROR", true));
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(start->code, 50);
  EXPECT_THAT(client_->StopProcess("foo:SPAWN_ERROR", true), IsOk());
  EXPECT_THAT(sv_->calls(),
              ElementsAre("stopProcess('foo:FAILED')", "startProcess('foo:SPAWN_ERROR')",
                          "stopProcess('foo:SPAWN_ERROR')"));
}

TEST_F(FakeSupervisorTest, SetFaultAnswersThatCallOnly) {
  Start(UpstreamFixture());
  sv_->SetFault("stopProcess", "BAD_NAME:BAD_NAME", 10, "BAD_NAME:BAD_NAME");
  absl::optional<supervisor_rpc::Fault> fault =
      FaultFromStatus(client_->StopProcess("BAD_NAME:BAD_NAME", true));
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->code, 10);
  EXPECT_EQ(fault->fault_string, "BAD_NAME:BAD_NAME");
  EXPECT_THAT(client_->StartProcess("BAD_NAME:BAD_NAME", true), IsOk());
  EXPECT_THAT(client_->StopProcess("foo:foo", true), IsOk());
}

}  // namespace
}  // namespace testing
}  // namespace svl
