// RestartWorker on its own, and the restarts against a real supervisord.

#include "httpok/restarter.h"


#include <signal.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
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
namespace httpok {
namespace {

using ::svl::supervisor_rpc::CurlTransport;
using ::svl::supervisor_rpc::Fault;
namespace FaultCode = ::svl::supervisor_rpc::FaultCode;
using ::svl::supervisor_rpc::FaultFromStatus;
using ::svl::supervisor_rpc::ProcessInfo;
using ::svl::supervisor_rpc::ProcessState;
using ::svl::supervisor_rpc::ServerConfig;
using ::svl::supervisor_rpc::SupervisorClient;
using ::svl::testing::IsOk;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::StatusIs;
using ::svl::testing::Supervisord;
using ::testing::AnyOf;
using ::testing::HasSubstr;

// ---------------------------------------------------------------- RestartWorker

TEST(RestartWorkerTest, OneJobAtATime) {
  RestartWorker worker;
  EXPECT_FALSE(worker.busy());
  absl::Notification started, release;
  std::atomic<int> runs{0};
  ASSERT_TRUE(worker.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
    ++runs;
  }));
  started.WaitForNotification();
  EXPECT_TRUE(worker.busy());
  EXPECT_FALSE(worker.TrySubmit([&] { runs += 100; }));  // in progress: not started twice
  release.Notify();
  worker.Drain();
  EXPECT_FALSE(worker.busy());
  EXPECT_EQ(runs, 1);
  ASSERT_TRUE(worker.TrySubmit([&] { ++runs; }));
  worker.Drain();
  EXPECT_EQ(runs, 2);
}

TEST(RestartWorkerTest, BusyFromSubmitUntilTheJobReturned) {
  RestartWorker worker;
  absl::Notification release;
  ASSERT_TRUE(worker.TrySubmit([&] { release.WaitForNotification(); }));
  // Even before the thread picked the job up.
  EXPECT_TRUE(worker.busy());
  EXPECT_FALSE(worker.TrySubmit([] {}));
  release.Notify();
  worker.Drain();
  EXPECT_FALSE(worker.busy());
}

TEST(RestartWorkerTest, RunsOnAnotherThread) {
  RestartWorker worker;
  std::thread::id job_thread;
  ASSERT_TRUE(worker.TrySubmit([&] { job_thread = std::this_thread::get_id(); }));
  worker.Drain();
  EXPECT_NE(job_thread, std::thread::id());
  EXPECT_NE(job_thread, std::this_thread::get_id());
}

TEST(RestartWorkerTest, EmptyJobIsRefused) {
  RestartWorker worker;
  EXPECT_FALSE(worker.TrySubmit(std::function<void()>()));
  EXPECT_FALSE(worker.busy());
  worker.Drain();  // returns at once
}

TEST(RestartWorkerTest, DestructorWaitsForTheRunningJob) {
  std::atomic<bool> finished{false};
  absl::Notification started;
  {
    RestartWorker worker;
    ASSERT_TRUE(worker.TrySubmit([&] {
      started.Notify();
      absl::SleepFor(absl::Milliseconds(200));
      finished = true;
    }));
    started.WaitForNotification();
  }
  EXPECT_TRUE(finished);
}

TEST(RestartWorkerTest, DrainWithoutJobs) {
  RestartWorker worker;
  worker.Drain();
  worker.Drain();
  EXPECT_FALSE(worker.busy());
}

// ------------------------------------------------------- against supervisord

constexpr absl::string_view kPrograms = R"(
[program:sleeper]
command=/bin/sleep 1000
startsecs=1

[program:stopped]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:quick]
command=/bin/true
autostart=false
startsecs=10
startretries=0

[program:slow]
command=/bin/sleep 1000
autostart=false
startsecs=3600

[program:stubborn]
command=/bin/sleep 1000
autostart=false
startsecs=0
stopsignal=CONT
stopwaitsecs=3600

[program:stubborn_2s]
command=/bin/sleep 1000
autostart=false
startsecs=0
stopsignal=CONT
stopwaitsecs=2

[program:nosuch]
command=/nonexistent/bin
autostart=false
)";

std::unique_ptr<CurlTransport> MakeTransport(const std::string& url) {
  ServerConfig config;
  config.url = url;
  config.deadline = absl::Seconds(10);
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

RestartOptions FastOptions() {
  RestartOptions options;
  options.stop_timeout = absl::Seconds(20);
  options.start_timeout = absl::Seconds(20);
  options.poll_interval = absl::Milliseconds(50);
  return options;
}

class RestarterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(kPrograms);
    ASSERT_THAT(sv, IsOk());
    sv_ = *std::move(sv);
    ASSERT_THAT(sv_->WaitForLog("success: sleeper entered RUNNING state", kWaitTimeout), IsOk());
    transport_ = MakeTransport(sv_->server_url());
    ASSERT_NE(transport_, nullptr);
    client_ = std::make_unique<SupervisorClient>(*transport_);
  }

  std::unique_ptr<Supervisord> sv_;
  std::unique_ptr<CurlTransport> transport_;
  std::unique_ptr<SupervisorClient> client_;
};

TEST_F(RestarterTest, RestartsARunningProcess) {
  absl::StatusOr<ProcessInfo> before = client_->GetProcessInfo("sleeper");
  ASSERT_THAT(before, IsOk());
  ASSERT_EQ(before->state, ProcessState::kRunning);

  RestartResult result = RestartProcess(*client_, "sleeper", FastOptions());
  EXPECT_THAT(result.stop, IsOk());
  EXPECT_TRUE(result.start_attempted);
  EXPECT_THAT(result.start, IsOk());
  ASSERT_TRUE(result.last_info.has_value());
  EXPECT_EQ(result.last_info->state, ProcessState::kRunning);
  EXPECT_GT(result.last_info->pid, 0);
  EXPECT_NE(result.last_info->pid, before->pid);
  EXPECT_GE(result.last_info->start, before->start);

  absl::StatusOr<ProcessInfo> after = client_->GetProcessInfo("sleeper");
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->pid, result.last_info->pid);
  // startsecs=1: it went through STARTING, and we waited for RUNNING.
  EXPECT_THAT(sv_->ReadLog(), HasSubstr("success: sleeper entered RUNNING state, process has stayed "
                                        "up for > than 1 seconds (startsecs)"));
  EXPECT_EQ(sv_->CountInLog("success: sleeper entered RUNNING state"), 2);
}

TEST_F(RestarterTest, StopFaultOnAStoppedProgramThenStarts) {
  RestartResult result = RestartProcess(*client_, "stopped", FastOptions());
  ExpectFault(result.stop, FaultCode::kNotRunning, "NOT_RUNNING: stopped");
  EXPECT_THAT(result.stop, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(result.start_attempted);
  EXPECT_THAT(result.start, IsOk());
  ASSERT_TRUE(result.last_info.has_value());
  EXPECT_EQ(result.last_info->state, ProcessState::kRunning);
}

TEST_F(RestarterTest, UnknownNameFaultsBothWays) {
  RestartResult result = RestartProcess(*client_, "nope", FastOptions());
  ExpectFault(result.stop, FaultCode::kBadName, "BAD_NAME: nope");
  EXPECT_TRUE(result.start_attempted);
  ExpectFault(result.start, FaultCode::kBadName, "BAD_NAME: nope");
  EXPECT_FALSE(result.last_info.has_value());
}

TEST_F(RestarterTest, MissingCommandIsNoFile) {
  RestartResult result = RestartProcess(*client_, "nosuch", FastOptions());
  ExpectFault(result.stop, FaultCode::kNotRunning, "NOT_RUNNING: nosuch");
  ExpectFault(result.start, FaultCode::kNoFile, "NO_FILE: can't find command '/nonexistent/bin'");
  ASSERT_TRUE(result.last_info.has_value());
  EXPECT_EQ(result.last_info->statename, "STOPPED");
}

TEST_F(RestarterTest, ProgramThatCannotStartIsSpawnErrorWithItsState) {
  // /bin/true exits at once, well within startsecs=10, startretries=0: what
  // supervisord's own wait=true answers, whether startProcess reaped it
  // already or a poll sees it later.
  RestartResult result = RestartProcess(*client_, "quick", FastOptions());
  ExpectFault(result.stop, FaultCode::kNotRunning, "NOT_RUNNING: quick");
  ExpectFault(result.start, FaultCode::kSpawnError, "SPAWN_ERROR: quick");
  ASSERT_TRUE(result.last_info.has_value());
  EXPECT_THAT(result.last_info->statename, AnyOf("BACKOFF", "FATAL"));
  EXPECT_EQ(result.last_info->spawnerr, "Exited too quickly (process log may have details)");
}

TEST_F(RestarterTest, StartDeadlineNamesTheState) {
  RestartOptions options = FastOptions();
  options.start_timeout = absl::Milliseconds(700);
  ProcessInfo last;
  EXPECT_THAT(StartAndWait(*client_, "slow", options, &last),
              StatusIs(absl::StatusCode::kDeadlineExceeded, "slow still STARTING after 700ms"));
  EXPECT_EQ(last.state, ProcessState::kStarting);
  // A second start finds it STARTING: ALREADY_STARTED from startProcess.
  ExpectFault(StartAndWait(*client_, "slow", options), FaultCode::kAlreadyStarted,
              "ALREADY_STARTED: slow");
}

TEST_F(RestarterTest, StoppedWhileStartingIsAbnormalTermination) {
  // The start runs on the worker, as httpok runs it; meanwhile someone else
  // stops the process while it is STARTING (startsecs=3600). The worker's
  // start deadline is far beyond what scheduling delay could reach.
  std::unique_ptr<CurlTransport> worker_transport = MakeTransport(sv_->server_url());
  ASSERT_NE(worker_transport, nullptr);
  SupervisorClient worker_client(*worker_transport);
  RestartWorker worker;
  absl::Status start;
  ProcessInfo last;
  RestartOptions options = FastOptions();
  options.start_timeout = absl::Seconds(600);
  ASSERT_TRUE(
      worker.TrySubmit([&] { start = StartAndWait(worker_client, "slow", options, &last); }));
  ASSERT_THAT(sv_->WaitForLog("spawned: 'slow'", kWaitTimeout), IsOk());
  EXPECT_TRUE(worker.busy());
  EXPECT_FALSE(worker.TrySubmit([] {}));
  // The event loop's own client stays usable meanwhile.
  EXPECT_THAT(client_->StopProcess("slow", /*wait=*/true), IsOk());
  worker.Drain();
  ExpectFault(start, FaultCode::kAbnormalTermination, "ABNORMAL_TERMINATION: slow");
  EXPECT_THAT(last.statename, AnyOf("STOPPING", "STOPPED"));
}

TEST_F(RestarterTest, StopDeadlineDoesNotStart) {
  // stopsignal=CONT: sleep ignores it, and with stopwaitsecs=3600 supervisord
  // keeps it STOPPING until this test ends the stop itself: no scheduling
  // delay can let supervisord's SIGKILL come before the checks below.
  ASSERT_THAT(client_->StartProcess("stubborn", true), IsOk());
  absl::StatusOr<ProcessInfo> running = client_->GetProcessInfo("stubborn");
  ASSERT_THAT(running, IsOk());
  ASSERT_GT(running->pid, 0);
  RestartOptions options = FastOptions();
  options.stop_timeout = absl::Milliseconds(500);
  RestartResult result = RestartProcess(*client_, "stubborn", options);
  EXPECT_THAT(result.stop, StatusIs(absl::StatusCode::kDeadlineExceeded,
                                    "stubborn still STOPPING after 500ms"));
  EXPECT_FALSE(FaultFromStatus(result.stop).has_value());
  EXPECT_FALSE(result.start_attempted);
  EXPECT_THAT(result.start, StatusIs(absl::StatusCode::kAborted,
                                     "not started: stopping stubborn failed"));
  ASSERT_TRUE(result.last_info.has_value());
  EXPECT_EQ(result.last_info->state, ProcessState::kStopping);
  // Why no start: a STOPPING process cannot be started. startProcess with
  // wait=false even answers true without spawning anything; the poll then
  // sees STOPPING, as supervisord's wait=true would.
  ExpectFault(StartAndWait(*client_, "stubborn", FastOptions()), FaultCode::kAbnormalTermination,
              "ABNORMAL_TERMINATION: stubborn");
  // End the stop as supervisord's own SIGKILL after stopwaitsecs would.
  ASSERT_EQ(kill(running->pid, SIGKILL), 0);
  ASSERT_THAT(sv_->WaitForLog("stopped: stubborn (terminated by SIGKILL)", kWaitTimeout), IsOk());

  // With a deadline (20 s) above stopwaitsecs (2 s) the same stop succeeds:
  // supervisord SIGKILLs the process and the poll sees STOPPED.
  ASSERT_THAT(client_->StartProcess("stubborn_2s", true), IsOk());
  ProcessInfo last;
  EXPECT_THAT(StopAndWait(*client_, "stubborn_2s", FastOptions(), &last), IsOk());
  EXPECT_EQ(last.state, ProcessState::kStopped);
  EXPECT_THAT(sv_->ReadLog(), HasSubstr("stopped: stubborn_2s (terminated by SIGKILL)"));
}

TEST(RestarterNoServerTest, UnreachableSupervisordDoesNotStart) {
  std::string url;
  {
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start("");
    ASSERT_THAT(sv, IsOk());
    url = (*sv)->server_url();
  }
  std::unique_ptr<CurlTransport> transport = MakeTransport(url);
  ASSERT_NE(transport, nullptr);
  SupervisorClient client(*transport);
  RestartResult result = RestartProcess(client, "sleeper", FastOptions());
  EXPECT_THAT(result.stop, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(result.start_attempted);
  EXPECT_THAT(result.start, StatusIs(absl::StatusCode::kAborted));
  EXPECT_FALSE(result.last_info.has_value());
}

}  // namespace
}  // namespace httpok
}  // namespace svl
