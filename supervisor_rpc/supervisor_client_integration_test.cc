// SupervisorClient + CurlTransport against a real supervisord, over its unix
// socket and over [inet_http_server] on 127.0.0.1, with and without a password.


#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/curl_transport.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/supervisor_client.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::StatusIs;
using ::svl::testing::Supervisord;
using ::svl::testing::SupervisordOptions;
using ::testing::HasSubstr;

constexpr absl::string_view kPrograms = R"(
[program:foo]
command=/bin/sleep 1000
startsecs=0

[program:baz]
command=/bin/sleep 1000
numprocs=2
process_name=%(program_name)s_%(process_num)02d
startsecs=0

[program:stopped]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:nosuch]
command=/nonexistent/bin
autostart=false

[program:quick]
command=/bin/true
autostart=false
startsecs=10
startretries=0

[program:quick1]
command=/bin/true
autostart=false
startsecs=1
startretries=0
)";

std::unique_ptr<Supervisord> StartSupervisord(const SupervisordOptions& options) {
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(kPrograms, options);
  EXPECT_THAT(sv, IsOk());
  if (!sv.ok()) return nullptr;
  for (const char* name : {"foo", "baz_00", "baz_01"}) {
    EXPECT_THAT((*sv)->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"),
                                  kWaitTimeout),
                IsOk());
  }
  return *std::move(sv);
}

std::unique_ptr<CurlTransport> MakeTransport(const std::string& url, const std::string& username,
                                             const std::string& password) {
  ServerConfig config;
  config.url = url;
  config.username = username;
  config.password = password;
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(config);
  EXPECT_THAT(transport, IsOk());
  return transport.ok() ? *std::move(transport) : nullptr;
}

void ExpectFault(const absl::Status& status, int code, const std::string& fault_string) {
  absl::optional<Fault> fault = FaultFromStatus(status);
  ASSERT_TRUE(fault.has_value()) << status;
  EXPECT_EQ(fault->code, code) << status;
  EXPECT_EQ(fault->fault_string, fault_string);
}

struct Setup {
  bool inet;
  bool password;
};

class SupervisorClientIntegrationTest : public ::testing::TestWithParam<Setup> {};

TEST_P(SupervisorClientIntegrationTest, RealCallsAndFaults) {
  SupervisordOptions options;
  options.inet_http_server = GetParam().inet;
  if (GetParam().password) {
    options.username = "admin";
    options.password = "s3cret";
  }
  std::unique_ptr<Supervisord> sv = StartSupervisord(options);
  ASSERT_NE(sv, nullptr);
  const std::string url = GetParam().inet ? sv->http_url() : sv->server_url();
  ASSERT_FALSE(url.empty());
  std::unique_ptr<CurlTransport> transport =
      MakeTransport(url, options.username, options.password);
  ASSERT_NE(transport, nullptr);
  SupervisorClient client(*transport);

  absl::StatusOr<std::vector<ProcessInfo>> all = client.GetAllProcessInfo();
  ASSERT_THAT(all, IsOk());
  std::vector<std::string> specs;
  for (const ProcessInfo& info : *all) specs.push_back(MakeNamespec(info.group, info.name));
  EXPECT_EQ(specs, (std::vector<std::string>{"baz:baz_00", "baz:baz_01", "foo", "nosuch", "quick",
                                             "quick1", "stopped"}));

  absl::StatusOr<ProcessInfo> foo = client.GetProcessInfo("foo");
  ASSERT_THAT(foo, IsOk());
  EXPECT_EQ(foo->state, ProcessState::kRunning);
  EXPECT_EQ(foo->statename, "RUNNING");
  EXPECT_GT(foo->pid, 0);
  EXPECT_THAT(foo->description, HasSubstr(absl::StrCat("pid ", foo->pid, ", uptime ")));

  // BAD_NAME: unknown name, and a bare process name inside a group.
  ExpectFault(client.GetProcessInfo("nosuch_name").status(), FaultCode::kBadName,
              "BAD_NAME: nosuch_name");
  ExpectFault(client.StopProcess("baz_01", true), FaultCode::kBadName, "BAD_NAME: baz_01");
  // NOT_RUNNING / ALREADY_STARTED.
  ExpectFault(client.StopProcess("stopped", true), FaultCode::kNotRunning, "NOT_RUNNING: stopped");
  ExpectFault(client.StartProcess("foo", true), FaultCode::kAlreadyStarted,
              "ALREADY_STARTED: foo");
  // A missing command is caught before the spawn: NO_FILE, not SPAWN_ERROR.
  ExpectFault(client.StartProcess("nosuch", true), FaultCode::kNoFile,
              "NO_FILE: can't find command '/nonexistent/bin'");
  // A program that exits at once, well within startsecs (10), startretries=0,
  // wait=true: supervisord reaps it while STARTING, sets spawnerr "Exited too
  // quickly", goes BACKOFF -> FATAL, and startProcess's wait loop answers
  // SPAWN_ERROR.
  ExpectFault(client.StartProcess("quick", true), FaultCode::kSpawnError, "SPAWN_ERROR: quick");
  absl::StatusOr<ProcessInfo> quick = client.GetProcessInfo("quick");
  ASSERT_THAT(quick, IsOk());
  EXPECT_EQ(quick->state, ProcessState::kFatal);
  EXPECT_EQ(quick->spawnerr, "Exited too quickly (process log may have details)");
  // With startsecs=1 the same program races supervisord's 1 s poll: if the
  // exit is reaped first, SPAWN_ERROR and FATAL as above; if the loop marks it
  // RUNNING first, it then goes EXITED and the answer is ABNORMAL_TERMINATION.
  // Both were observed on this machine; each outcome comes with its own state.
  const absl::Status quick1_status = client.StartProcess("quick1", true);
  absl::optional<Fault> quick1_fault = FaultFromStatus(quick1_status);
  ASSERT_TRUE(quick1_fault.has_value()) << quick1_status;
  absl::StatusOr<ProcessInfo> quick1 = client.GetProcessInfo("quick1");
  ASSERT_THAT(quick1, IsOk());
  if (quick1_fault->code == FaultCode::kSpawnError) {
    EXPECT_EQ(quick1_fault->fault_string, "SPAWN_ERROR: quick1");
    EXPECT_EQ(quick1->state, ProcessState::kFatal);
  } else {
    EXPECT_EQ(quick1_fault->code, FaultCode::kAbnormalTermination);
    EXPECT_EQ(quick1_fault->fault_string, "ABNORMAL_TERMINATION: quick1");
    EXPECT_EQ(quick1->state, ProcessState::kExited);
  }
  ExpectFault(client.SignalProcess("foo", "NOPE"), FaultCode::kBadSignal, "BAD_SIGNAL: NOPE");
  ExpectFault(client.Call("supervisor.nosuchMethod", {}).status(), FaultCode::kUnknownMethod,
              "UNKNOWN_METHOD");

  // Successful single operations.
  EXPECT_THAT(client.StartProcess("stopped", true), IsOk());
  // CONT, not HUP: /bin/sleep dies of SIGHUP, and its EXITED handling (and
  // autorestart) would then race the stopProcess below.
  EXPECT_THAT(client.SignalProcess("stopped", "CONT"), IsOk());
  EXPECT_THAT(client.StopProcess("stopped", true), IsOk());
  absl::StatusOr<ProcessInfo> stopped = client.GetProcessInfo("stopped");
  ASSERT_THAT(stopped, IsOk());
  EXPECT_EQ(stopped->state, ProcessState::kStopped);

  // Group operations.
  absl::StatusOr<std::vector<ProcessStatus>> signalled = client.SignalProcessGroup("baz", "CONT");
  ASSERT_THAT(signalled, IsOk());
  ASSERT_EQ(signalled->size(), 2u);
  absl::StatusOr<std::vector<ProcessStatus>> group = client.StopProcessGroup("baz", true);
  ASSERT_THAT(group, IsOk());
  ASSERT_EQ(group->size(), 2u);
  for (const ProcessStatus& status : *group) {
    EXPECT_EQ(status.group, "baz");
    EXPECT_EQ(status.status, FaultCode::kSuccess);
    EXPECT_EQ(status.description, "OK");
  }
  // A group namespec makes stopProcess answer with the group array.
  EXPECT_THAT(client.StopProcess("baz:*", true),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("returned an array")));
  group = client.StartProcessGroup("baz", true);
  ASSERT_THAT(group, IsOk());
  EXPECT_EQ(group->size(), 2u);
  absl::StatusOr<ProcessInfo> baz_00 = client.GetProcessInfo("baz:baz_00");
  ASSERT_THAT(baz_00, IsOk());
  EXPECT_EQ(baz_00->state, ProcessState::kRunning);
  ExpectFault(client.StopProcessGroup("nogroup", true).status(), FaultCode::kBadName,
              "BAD_NAME: nogroup");
}

TEST_P(SupervisorClientIntegrationTest, WrongPasswordIsUnauthenticated) {
  if (!GetParam().password) GTEST_SKIP() << "no password configured";
  SupervisordOptions options;
  options.inet_http_server = GetParam().inet;
  options.username = "admin";
  options.password = "s3cret";
  std::unique_ptr<Supervisord> sv = StartSupervisord(options);
  ASSERT_NE(sv, nullptr);
  const std::string url = GetParam().inet ? sv->http_url() : sv->server_url();
  for (const auto& credentials : std::vector<std::pair<std::string, std::string>>{
           {"admin", "wrong"}, {"", ""}}) {
    std::unique_ptr<CurlTransport> transport =
        MakeTransport(url, credentials.first, credentials.second);
    ASSERT_NE(transport, nullptr);
    SupervisorClient client(*transport);
    EXPECT_THAT(client.GetAllProcessInfo(),
                StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("HTTP 401")));
    EXPECT_FALSE(FaultFromStatus(client.GetAllProcessInfo().status()).has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(Servers, SupervisorClientIntegrationTest,
                         ::testing::Values(Setup{false, false}, Setup{false, true},
                                           Setup{true, false}, Setup{true, true}),
                         [](const ::testing::TestParamInfo<Setup>& info) {
                           return absl::StrCat(info.param.inet ? "Inet" : "Unix",
                                               info.param.password ? "Password" : "Open");
                         });

TEST(SupervisorClientIntegrationTest, StoppedSupervisordIsUnavailable) {
  std::string url;
  {
    std::unique_ptr<Supervisord> sv = StartSupervisord({});
    ASSERT_NE(sv, nullptr);
    url = sv->server_url();
  }
  std::unique_ptr<CurlTransport> transport = MakeTransport(url, "", "");
  ASSERT_NE(transport, nullptr);
  SupervisorClient client(*transport);
  EXPECT_THAT(client.GetAllProcessInfo(), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
