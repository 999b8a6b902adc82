// Restarts against a real supervisord.

#include "kit/restarter.h"
#include "kit/background_worker.h"


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
#include "tests/testing/processes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace kit {
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
using ::svl::testing::ProcessName;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::StatusIs;
using ::svl::testing::Supervisord;
using ::svl::testing::WaitFor;
using ::testing::AnyOf;
using ::testing::HasSubstr;

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
  // NOT_RUNNING is also what a STOPPING process answers: looked at first.
  EXPECT_TRUE(result.watched);
  EXPECT_THAT(result.waited, IsOk());
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
  BackgroundWorker worker;
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

// stubborn ignores its stopsignal (CONT), and with stopwaitsecs=3600 stays
// STOPPING until the test itself kills it (as supervisord's SIGKILL after
// stopwaitsecs would): no scheduling delay can end a stop early.

// SlowStop runs RestartProcess() on a BackgroundWorker and lets
// the test act once the stop has turned out slow.
class SlowStop {
 public:
  SlowStop(SupervisorClient& client, const std::string& namespec, RestartOptions options) {
    options.on_slow_stop = [this](const absl::Status& why) {
      why_ = why;
      slow_.Notify();
    };
    EXPECT_TRUE(worker_.TrySubmit([this, &client, namespec, options] {
      result_ = RestartProcess(client, namespec, options);
    }));
  }
  bool WaitUntilSlow() { return slow_.WaitForNotificationWithTimeout(kWaitTimeout); }
  const absl::Status& why() const { return why_; }
  RestartResult Finish() {
    worker_.Drain();
    return result_;
  }

 private:
  absl::Notification slow_;
  absl::Status why_;
  RestartResult result_;
  BackgroundWorker worker_;  // last: drained first
};

TEST_F(RestarterTest, SlowStopIsWatchedAndTheProcessStartedOnceStopped) {
  ASSERT_THAT(client_->StartProcess("stubborn", true), IsOk());
  absl::StatusOr<ProcessInfo> before = client_->GetProcessInfo("stubborn");
  ASSERT_THAT(before, IsOk());
  ASSERT_GT(before->pid, 0);
  std::unique_ptr<CurlTransport> transport = MakeTransport(sv_->server_url());
  SupervisorClient client(*transport);
  RestartOptions options = FastOptions();
  options.stop_timeout = absl::Milliseconds(500);
  SlowStop restart(client, "stubborn", options);
  ASSERT_TRUE(restart.WaitUntilSlow());
  EXPECT_THAT(restart.why(), StatusIs(absl::StatusCode::kDeadlineExceeded,
                                      "stubborn still STOPPING after 500ms"));
  // Still STOPPING, and not started: the restart waits.
  absl::StatusOr<ProcessInfo> stopping = client_->GetProcessInfo("stubborn");
  ASSERT_THAT(stopping, IsOk());
  EXPECT_EQ(stopping->state, ProcessState::kStopping);
  ASSERT_EQ(kill(before->pid, SIGKILL), 0);
  RestartResult result = restart.Finish();
  EXPECT_THAT(result.stop, StatusIs(absl::StatusCode::kDeadlineExceeded,
                                    "stubborn still STOPPING after 500ms"));
  EXPECT_FALSE(FaultFromStatus(result.stop).has_value());
  EXPECT_TRUE(result.watched);
  EXPECT_THAT(result.waited, IsOk());
  EXPECT_FALSE(result.running_again);
  EXPECT_TRUE(result.start_attempted);
  EXPECT_THAT(result.start, IsOk());
  EXPECT_FALSE(result.pending);
  ASSERT_TRUE(result.last_info.has_value());
  EXPECT_EQ(result.last_info->state, ProcessState::kRunning);
  EXPECT_NE(result.last_info->pid, before->pid);
  // Started only after it was stopped: never while STOPPING.
  const std::string log = sv_->ReadLog();
  const size_t killed = log.find("stopped: stubborn (terminated by SIGKILL)");
  ASSERT_NE(killed, std::string::npos) << log;
  EXPECT_NE(log.find("spawned: 'stubborn'", killed), std::string::npos) << log;
}

TEST_F(RestarterTest, BlockingStopPastTheCallDeadlineIsWatchedAndStarted) {
  // Upstream's calls on a transport whose deadline (2 s) ends long before
  // the stop does: stopProcess fails, the process is still STOPPING.
  ServerConfig config;
  config.url = sv_->server_url();
  config.deadline = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<CurlTransport>> transport = CurlTransport::Create(config);
  ASSERT_THAT(transport, IsOk());
  SupervisorClient client(**transport);
  ASSERT_THAT(client_->StartProcess("stubborn", true), IsOk());
  absl::StatusOr<ProcessInfo> before = client_->GetProcessInfo("stubborn");
  ASSERT_THAT(before, IsOk());
  RestartOptions options = FastOptions();
  options.blocking_calls = true;
  SlowStop restart(client, "stubborn", options);
  ASSERT_TRUE(restart.WaitUntilSlow());
  EXPECT_THAT(restart.why(), StatusIs(absl::StatusCode::kDeadlineExceeded));
  ASSERT_EQ(kill(before->pid, SIGKILL), 0);
  RestartResult result = restart.Finish();
  EXPECT_FALSE(FaultFromStatus(result.stop).has_value());
  EXPECT_TRUE(result.watched);
  EXPECT_THAT(result.waited, IsOk());
  EXPECT_TRUE(result.start_attempted);
  EXPECT_THAT(result.start, IsOk());
  EXPECT_FALSE(result.pending);
  absl::StatusOr<ProcessInfo> after = client_->GetProcessInfo("stubborn");
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->state, ProcessState::kRunning);
  EXPECT_NE(after->pid, before->pid);
  EXPECT_EQ(sv_->CountInLog("stopped: stubborn (terminated by SIGKILL)"), 1);
}

TEST_F(RestarterTest, WatchBoundLeavesTheStartPendingAndFinishRestartTakesItUp) {
  ASSERT_THAT(client_->StartProcess("stubborn", true), IsOk());
  absl::StatusOr<ProcessInfo> before = client_->GetProcessInfo("stubborn");
  ASSERT_THAT(before, IsOk());
  RestartOptions options = FastOptions();
  options.stop_timeout = absl::Milliseconds(200);
  options.stop_wait_bound = absl::Milliseconds(300);
  RestartResult result = RestartProcess(*client_, "stubborn", options);
  EXPECT_THAT(result.waited, StatusIs(absl::StatusCode::kDeadlineExceeded,
                                      "stubborn still STOPPING after 300ms"));
  EXPECT_FALSE(result.start_attempted);
  EXPECT_THAT(result.start, StatusIs(absl::StatusCode::kAborted,
                                     "not started: stubborn still STOPPING after 300ms"));
  EXPECT_TRUE(result.pending);
  // Still STOPPING: one look, nothing started, still pending.
  result = FinishRestart(*client_, "stubborn", before->start, options);
  EXPECT_TRUE(result.pending);
  EXPECT_FALSE(result.start_attempted);
  EXPECT_THAT(result.waited,
              StatusIs(absl::StatusCode::kDeadlineExceeded, "stubborn is still STOPPING"));
  // Once it has stopped, FinishRestart starts it.
  ASSERT_EQ(kill(before->pid, SIGKILL), 0);
  ASSERT_THAT(sv_->WaitForLog("stopped: stubborn (terminated by SIGKILL)", kWaitTimeout), IsOk());
  result = FinishRestart(*client_, "stubborn", before->start, options);
  EXPECT_FALSE(result.pending);
  EXPECT_TRUE(result.start_attempted);
  EXPECT_THAT(result.start, IsOk());
  ASSERT_TRUE(result.last_info.has_value());
  EXPECT_EQ(result.last_info->state, ProcessState::kRunning);
  // Running: nothing left to do.
  result = FinishRestart(*client_, "stubborn", before->start, options);
  EXPECT_FALSE(result.pending);
  EXPECT_TRUE(result.running_again);
  EXPECT_FALSE(result.start_attempted);
  // Gone: nothing left to do either.
  result = FinishRestart(*client_, "nope", 0, options);
  EXPECT_FALSE(result.pending);
  ExpectFault(result.waited, FaultCode::kBadName, "BAD_NAME: nope");
}

// Starts `name` (startsecs=0: RUNNING as soon as it is spawned) and waits
// until it has exec'd /bin/sleep: a SIGTERM that came before the exec would
// reach supervisord's forked child, which does not die of it.
absl::StatusOr<ProcessInfo> StartSleeper(SupervisorClient& client, const std::string& name) {
  if (absl::Status started = client.StartProcess(name, true); !started.ok()) return started;
  absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(name);
  if (!info.ok()) return info;
  const pid_t pid = static_cast<pid_t>(info->pid);
  if (absl::Status execd = WaitFor([pid] { return ProcessName(pid) == "sleep"; }, kWaitTimeout,
                                   "/bin/sleep exec'd");
      !execd.ok()) {
    return execd;
  }
  return info;
}

TEST_F(RestarterTest, FinishRestartLeavesAProgramStartedAndStoppedSinceAlone) {
  // A restart's stop, then the operator started the program again and
  // stopped it: the stopped program is the operator's choice now.
  absl::StatusOr<ProcessInfo> ours = StartSleeper(*client_, "stopped");
  ASSERT_THAT(ours, IsOk());
  ASSERT_THAT(client_->StopProcess("stopped", true), IsOk());
  // supervisord's `start` counts whole seconds: let one pass.
  ASSERT_THAT(WaitFor([&] { return absl::ToUnixSeconds(absl::Now()) > ours->start; },
                      kWaitTimeout, "the next second"),
              IsOk());
  ASSERT_THAT(StartSleeper(*client_, "stopped"), IsOk());
  ASSERT_THAT(client_->StopProcess("stopped", true), IsOk());
  RestartResult result = FinishRestart(*client_, "stopped", ours->start, FastOptions());
  EXPECT_TRUE(result.started_since);
  EXPECT_FALSE(result.pending);
  EXPECT_FALSE(result.start_attempted);
  EXPECT_THAT(result.start, StatusIs(absl::StatusCode::kAborted,
                                     "not started: stopped was started and stopped again since"));
  absl::StatusOr<ProcessInfo> now = client_->GetProcessInfo("stopped");
  ASSERT_THAT(now, IsOk());
  EXPECT_EQ(now->state, ProcessState::kStopped);
  // The same start as the stopped one: ours to start.
  result = FinishRestart(*client_, "stopped", now->start, FastOptions());
  EXPECT_FALSE(result.started_since);
  EXPECT_THAT(result.start, IsOk());
}

TEST_F(RestarterTest, AStoppingProcessCannotBeStarted) {
  // Why a slow stop is watched: startProcess(wait=false) on a STOPPING
  // process answers true without spawning anything; the poll then sees
  // STOPPING, as supervisord's wait=true would.
  ASSERT_THAT(client_->StartProcess("stubborn", true), IsOk());
  absl::StatusOr<ProcessInfo> running = client_->GetProcessInfo("stubborn");
  ASSERT_THAT(running, IsOk());
  ASSERT_THAT(client_->StopProcess("stubborn", /*wait=*/false), IsOk());
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
  RestartOptions options = FastOptions();
  options.unanswered_bound = absl::Milliseconds(300);
  RestartResult result = RestartProcess(client, "sleeper", options);
  EXPECT_THAT(result.stop, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(result.watched);
  EXPECT_THAT(result.waited, StatusIs(absl::StatusCode::kUnavailable,
                                      HasSubstr("no answer about sleeper for ")));
  EXPECT_FALSE(result.start_attempted);
  EXPECT_THAT(result.start, StatusIs(absl::StatusCode::kAborted));
  EXPECT_TRUE(result.pending);  // a later round looks again
  EXPECT_FALSE(result.last_info.has_value());
}

}  // namespace
}  // namespace kit
}  // namespace svl
