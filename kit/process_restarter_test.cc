#include "kit/process_restarter.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kit/event_log.h"
#include "kit/listener_output.h"
#include "kit/restart_journal.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "tests/testing/fake_process_control.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
using ::svl::testing::FakeProcessControl;
using ::svl::testing::IsOk;
using ::svl::testing::kFakeSupervisordNow;
using ::svl::testing::ProcessEntry;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t kStarted = kFakeSupervisordNow - 100;

// The event-log record without its timestamp.
std::string WithoutTime(const std::string& line) { return line.substr(line.find(' ') + 1); }

class ProcessRestarterTest : public ::testing::Test {
 protected:
  ProcessRestarterTest()
      : sv_({ProcessEntry("web", "web_00", ProcessState::kRunning, 11, kStarted),
             ProcessEntry("api", "api_00", ProcessState::kRunning, 21, kStarted)}) {
    options_.restart.blocking_calls = true;
  }

  // Makes the restarter from options_ (and the output, dry-run or not).
  ProcessRestarter& Restarter() {
    out_ = std::make_unique<ListenerOutput>(
        OutputSettings{"httpok", "", LogFormat::kText, options_.dry_run, ""},
        [this](absl::string_view line) { lines_.emplace_back(line); });
    restarter_ = std::make_unique<ProcessRestarter>(options_, &sv_, &journal_, out_.get());
    return *restarter_;
  }

  ProcessInfo Web() { return *sv_.Process("web:web_00"); }

  FakeProcessControl sv_;
  RestartJournal journal_ = RestartJournal::InMemory();
  ProcessRestarterOptions options_;
  std::vector<std::string> lines_;
  std::vector<std::string> mail_;
  std::vector<std::string> gave_up_;
  std::unique_ptr<ListenerOutput> out_;
  std::unique_ptr<ProcessRestarter> restarter_;
};

TEST_F(ProcessRestarterTest, NotRunningIsSaidAndLeftAlone) {
  ProcessInfo web = Web();
  web.state = ProcessState::kExited;
  web.statename = "EXITED";
  EXPECT_NE(Restarter().Restart(web, nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("web:web_00 not in RUNNING state, NOT restarting\n"));
  EXPECT_THAT(mail_, ElementsAre("web:web_00 not in RUNNING state, NOT restarting"));
  EXPECT_THAT(sv_.calls(), IsEmpty());
  EXPECT_FALSE(restarter_->restarted());
}

TEST_F(ProcessRestarterTest, InGraceIsHeldBack) {
  options_.policy.grace = absl::Seconds(10);
  ProcessInfo web = Web();
  web.start = web.now - 3;
  EXPECT_EQ(Restarter().Restart(web, nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("web:web_00 started 3s ago, within --grace, NOT restarting\n"));
  EXPECT_THAT(sv_.calls(), IsEmpty());
}

TEST_F(ProcessRestarterTest, GivesUpOnceWithALineThenOnlyLogs) {
  options_.policy.max_restarts = 1;
  options_.policy.restart_window = absl::Hours(1);
  ProcessRestarter& restarter = Restarter();
  EXPECT_NE(restarter.Restart(Web(), nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  // With --max-restarts, one more look learns the new start and pid.
  EXPECT_THAT(sv_.calls(), ElementsAre("stopProcess('web:web_00')", "startProcess('web:web_00')",
                                       "getProcessInfo('web:web_00')"));
  lines_.clear();
  mail_.clear();
  sv_.ClearCalls();

  EXPECT_EQ(restarter.Restart(Web(), nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("web:web_00 was restarted 1 times within --restart-window, "
                                  "giving up until it recovers\n"));
  EXPECT_THAT(mail_, ElementsAre("web:web_00 was restarted 1 times within --restart-window, "
                                 "giving up until it recovers"));
  EXPECT_THAT(gave_up_, ElementsAre("web:web_00"));

  lines_.clear();
  mail_.clear();
  EXPECT_EQ(restarter.Restart(Web(), nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(WithoutTime(lines_[0]),
            "httpok reason=ok msg=\"web:web_00 given up (restart budget spent), NOT restarting\" "
            "process=web:web_00\n");
  EXPECT_THAT(mail_, IsEmpty());
  EXPECT_THAT(gave_up_, ElementsAre("web:web_00"));
  EXPECT_THAT(sv_.calls(), IsEmpty());
}

TEST_F(ProcessRestarterTest, DryRunSaysWhatItWouldDo) {
  options_.dry_run = true;
  EXPECT_NE(Restarter().Restart(Web(), nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("[dry-run] web:web_00 is in RUNNING state, would restart\n"));
  EXPECT_THAT(mail_, ElementsAre("[dry-run] web:web_00 is in RUNNING state, would restart"));
  EXPECT_THAT(sv_.calls(), IsEmpty());
  EXPECT_FALSE(restarter_->restarted());
}

TEST_F(ProcessRestarterTest, RestartsWithTheJournalEntryHeldWhileStopped) {
  std::vector<PendingRestart> during_stop;
  sv_.SetOnCall([&](const std::string& call) {
    if (call == "stopProcess('web:web_00')") during_stop = journal_.pending();
  });
  std::vector<std::string> before_calls;
  const BeforeRestart before = [&](const ProcessInfo& p, std::vector<std::string>* lines) {
    before_calls.push_back(p.name);
    lines->push_back("core taken");
  };
  EXPECT_NE(Restarter().Restart(Web(), before, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("web:web_00 is in RUNNING state, restarting\n",
                                  "web:web_00 restarted\n"));
  EXPECT_THAT(mail_, ElementsAre("core taken", "web:web_00 is in RUNNING state, restarting",
                                 "web:web_00 restarted"));
  EXPECT_THAT(before_calls, ElementsAre("web_00"));
  EXPECT_THAT(during_stop, ElementsAre(PendingRestart{"web:web_00", kStarted, 11}));
  EXPECT_TRUE(journal_.empty());
  EXPECT_THAT(sv_.calls(), ElementsAre("stopProcess('web:web_00')", "startProcess('web:web_00')"));
  EXPECT_THAT(sv_.waits(), ElementsAre(true, true));
  EXPECT_EQ(Web().state, ProcessState::kRunning);
  EXPECT_EQ(Web().pid, 1001);
  EXPECT_TRUE(restarter_->restarted());
  restarter_->ClearRestarted();
  EXPECT_FALSE(restarter_->restarted());
}

TEST_F(ProcessRestarterTest, StopNotRunningIsWatchedThenStarted) {
  const ProcessInfo seen_running = Web();
  sv_.SetState("web:web_00", ProcessState::kExited);  // it died meanwhile
  EXPECT_NE(Restarter().Restart(seen_running, nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("web:web_00 is in RUNNING state, restarting\n",
                                  "Failed to stop process web:web_00: "
                                  "<Fault 70: 'NOT_RUNNING: web:web_00'>\n",
                                  "web:web_00 restarted\n"));
  EXPECT_THAT(sv_.calls(), ElementsAre("stopProcess('web:web_00')", "getProcessInfo('web:web_00')",
                                       "startProcess('web:web_00')"));
  EXPECT_TRUE(journal_.empty());
}

TEST_F(ProcessRestarterTest, StopFaultThenStartAnyway) {
  sv_.SetFault("stopProcess", "web:web_00", {supervisor_rpc::FaultCode::kFailed, "FAILED"});
  EXPECT_NE(Restarter().Restart(Web(), nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("web:web_00 is in RUNNING state, restarting\n",
                                  "Failed to stop process web:web_00: <Fault 30: 'FAILED'>\n",
                                  "Failed to start process web:web_00: "
                                  "<Fault 60: 'ALREADY_STARTED: web:web_00'>\n"));
  EXPECT_THAT(sv_.calls(), ElementsAre("stopProcess('web:web_00')", "startProcess('web:web_00')"));
  EXPECT_TRUE(journal_.empty());
}

TEST_F(ProcessRestarterTest, StartFaultIsSaidAndNotLeftPending) {
  sv_.SetFault("startProcess", "web:web_00",
               {supervisor_rpc::FaultCode::kSpawnError, "SPAWN_ERROR: web:web_00"});
  EXPECT_NE(Restarter().Restart(Web(), nullptr, &mail_, &gave_up_), RestartOutcome::kHeldBack);
  EXPECT_THAT(lines_, ElementsAre("web:web_00 is in RUNNING state, restarting\n",
                                  "Failed to start process web:web_00: "
                                  "<Fault 50: 'SPAWN_ERROR: web:web_00'>\n"));
  EXPECT_TRUE(journal_.empty());
  EXPECT_EQ(Web().state, ProcessState::kStopped);
}

// memmon's upstream words its lines otherwise; the outcome tells it which mail to send.
RestartWording MemmonLikeWording() {
  RestartWording wording;
  wording.restarting = [](const std::string& ns) { return "Restarting " + ns; };
  wording.stop_failed = [](const std::string& ns, const std::string& error) {
    return "Failed to stop process " + ns + " (RSS 5), exiting: " + error;
  };
  wording.start_failed = [](const std::string& ns, const std::string& error) {
    return "Failed to start process " + ns + " after stopping it, exiting: " + error;
  };
  wording.restarted = [](const std::string&) { return std::string(); };
  return wording;
}

TEST_F(ProcessRestarterTest, WordingReplacesTheLinesAndAnEmptyRestartedLineIsNotWritten) {
  EXPECT_EQ(Restarter().Restart(Web(), nullptr, &mail_, &gave_up_, MemmonLikeWording()),
            RestartOutcome::kRestarted);
  EXPECT_THAT(lines_, ElementsAre("Restarting web:web_00\n"));
  EXPECT_THAT(mail_, ElementsAre("Restarting web:web_00"));
}

TEST_F(ProcessRestarterTest, WordedStartFailureIsNotStarted) {
  sv_.SetFault("startProcess", "web:web_00",
               {supervisor_rpc::FaultCode::kSpawnError, "SPAWN_ERROR: web:web_00"});
  EXPECT_EQ(Restarter().Restart(Web(), nullptr, &mail_, &gave_up_, MemmonLikeWording()),
            RestartOutcome::kNotStarted);
  EXPECT_THAT(lines_, ElementsAre("Restarting web:web_00\n",
                                  "Failed to start process web:web_00 after stopping it, exiting: "
                                  "<Fault 50: 'SPAWN_ERROR: web:web_00'>\n"));
}

TEST_F(ProcessRestarterTest, StopFaultWithoutStartAfterStopFaultStartsNothing) {
  options_.restart.start_after_stop_fault = false;
  sv_.SetFault("stopProcess", "web:web_00", {supervisor_rpc::FaultCode::kBadName, "BAD_NAME: web:web_00"});
  EXPECT_EQ(Restarter().Restart(Web(), nullptr, &mail_, &gave_up_, MemmonLikeWording()),
            RestartOutcome::kStopFailed);
  EXPECT_THAT(lines_, ElementsAre("Restarting web:web_00\n",
                                  "Failed to stop process web:web_00 (RSS 5), exiting: "
                                  "<Fault 10: 'BAD_NAME: web:web_00'>\n"));
  EXPECT_THAT(sv_.calls(), ElementsAre("stopProcess('web:web_00')"));
  EXPECT_TRUE(journal_.empty());
}

// A start left unanswered (the call's deadline: a long startsecs) is not a
// failure: supervisord may be starting it; the journal keeps it.
TEST_F(ProcessRestarterTest, AnUnansweredStartIsSlowNotFailed) {
  sv_.SetOnCall([this](const std::string& call) {
    if (call == "startProcess('web:web_00')") sv_.SetBroken(true);
  });
  EXPECT_EQ(Restarter().Restart(Web(), nullptr, &mail_, &gave_up_, MemmonLikeWording()),
            RestartOutcome::kStartPending);
  sv_.SetOnCall(nullptr);
  sv_.SetBroken(false);
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(lines_[0], "Restarting web:web_00\n");
  EXPECT_TRUE(absl::StartsWith(lines_[1], "web:web_00 is slow to start (")) << lines_[1];
  EXPECT_TRUE(absl::EndsWith(lines_[1], "); httpok will look at it again\n")) << lines_[1];
  EXPECT_FALSE(journal_.empty());
}

TEST_F(ProcessRestarterTest, NotRunningOutcome) {
  ProcessInfo web = Web();
  web.state = ProcessState::kStopping;
  web.statename = "STOPPING";
  EXPECT_EQ(Restarter().Restart(web, nullptr, &mail_, &gave_up_), RestartOutcome::kNotRunning);
  EXPECT_THAT(sv_.calls(), IsEmpty());
}

TEST_F(ProcessRestarterTest, FinishPendingStartsWhatWasLeftStoppedAndDropsWhatRunsAgain) {
  ASSERT_THAT(sv_.StopProcess("web:web_00", true), IsOk());
  sv_.ClearCalls();
  ASSERT_THAT(journal_.Add({"web:web_00", kStarted, 11}), IsOk());
  ASSERT_THAT(journal_.Add({"api:api_00", kStarted, 21}), IsOk());

  std::vector<FinishedRestart> finished = Restarter().FinishPending();
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].namespec, "web:web_00");
  EXPECT_THAT(finished[0].mail_lines,
              ElementsAre("Finishing the restart of web:web_00, which was left stopped",
                          "web:web_00 restarted"));
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_EQ(lines_[0], "Finishing the restart of web:web_00, which was left stopped\n");
  EXPECT_EQ(lines_[1], "web:web_00 restarted\n");
  EXPECT_EQ(WithoutTime(lines_[2]),
            "httpok reason=restart msg=\"restart of api:api_00 needs nothing more: it runs (RUNNING)\" "
            "process=api:api_00\n");
  EXPECT_THAT(sv_.calls(), ElementsAre("getProcessInfo('web:web_00')", "startProcess('web:web_00')",
                                       "getProcessInfo('api:api_00')"));
  EXPECT_TRUE(journal_.empty());
  EXPECT_TRUE(restarter_->restarted());
  EXPECT_EQ(Web().state, ProcessState::kRunning);
}

// A start slower than the call's deadline leaves the process STARTING: the
// restart is not settled until supervisord says RUNNING.
TEST_F(ProcessRestarterTest, FinishPendingKeepsAStartingProcessUntilItRuns) {
  ASSERT_TRUE(sv_.SetState("web:web_00", ProcessState::kStarting));
  ASSERT_THAT(journal_.Add({"web:web_00", kStarted, 11}), IsOk());
  EXPECT_THAT(Restarter().FinishPending(), IsEmpty());
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(WithoutTime(lines_[0]),
            "httpok reason=restart msg=\"restart of web:web_00 not finished yet: it is "
            "STARTING\" process=web:web_00\n");
  EXPECT_FALSE(journal_.empty());
  ASSERT_TRUE(sv_.SetState("web:web_00", ProcessState::kRunning));
  lines_.clear();
  EXPECT_THAT(restarter_->FinishPending(), IsEmpty());
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(WithoutTime(lines_[0]),
            "httpok reason=restart msg=\"restart of web:web_00 needs nothing more: it runs "
            "(RUNNING)\" process=web:web_00\n");
  EXPECT_TRUE(journal_.empty());
}

TEST_F(ProcessRestarterTest, FinishPendingDoesNothingInDryRun) {
  options_.dry_run = true;
  ASSERT_THAT(sv_.StopProcess("web:web_00", true), IsOk());
  sv_.ClearCalls();
  ASSERT_THAT(journal_.Add({"web:web_00", kStarted, 11}), IsOk());
  EXPECT_THAT(Restarter().FinishPending(), IsEmpty());
  EXPECT_THAT(sv_.calls(), IsEmpty());
  EXPECT_FALSE(journal_.empty());
}

TEST(RenderRpcErrorTest, FaultsThePythonWayOtherErrorsAsTheirMessage) {
  EXPECT_EQ(RenderRpcError(supervisor_rpc::FaultToStatus(
                {supervisor_rpc::FaultCode::kSpawnError, "SPAWN_ERROR: foo"})),
            "<Fault 50: 'SPAWN_ERROR: foo'>");
  EXPECT_EQ(RenderRpcError(absl::UnavailableError("cannot connect")), "cannot connect");
}

}  // namespace
}  // namespace kit
}  // namespace svl
