#include "kit/restart_policy.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/process_info.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using Kind = ProcessDecision::Kind;

// supervisord's clock, in epoch seconds, and ours.
constexpr std::int64_t kSupervisorT0 = 1'800'000'000;
const absl::Time kT0 = absl::FromUnixSeconds(1'900'000'000);  // skewed on purpose

ProcessSnapshot Running(const std::string& namespec, std::int64_t start, std::int64_t now,
                        std::int64_t pid) {
  return {namespec, true, kSupervisorT0 + start, kSupervisorT0 + now, pid};
}
ProcessSnapshot Stopped(const std::string& namespec) { return {namespec, false, 0, 0, 0}; }

struct Expect {
  Kind kind = Kind::kRestart;
  absl::Duration grace_left = absl::ZeroDuration();
  bool first_time = false;
  bool restarted_by_other = false;
  int restarts_in_window = 0;
};
Expect Restart(int in_window = 0, bool by_other = false) {
  return {Kind::kRestart, absl::ZeroDuration(), false, by_other, in_window};
}
Expect InGrace(absl::Duration left, bool by_other = false) {
  return {Kind::kSkipInGrace, left, false, by_other, 0};
}
Expect Spent(int in_window, bool first_time) {
  return {Kind::kSkipBudgetSpent, absl::ZeroDuration(), first_time, false, in_window};
}
Expect NotRunning() { return {Kind::kSkipNotRunning, absl::ZeroDuration(), false, false, 0}; }

// One step of a scenario. `at` is our clock, as an offset from kT0.
struct Step {
  enum class Op { kCheck, kDecide, kRecordRestart } op = Op::kCheck;
  bool healthy = false;        // kCheck
  bool should_act = false;     // kCheck: ShouldAct() afterwards
  absl::Duration at = absl::ZeroDuration();  // kDecide, kRecordRestart
  ProcessSnapshot process;     // kDecide; kRecordRestart: namespec, start, pid after
  Expect expect;               // kDecide
};

Step Check(bool healthy, bool act_after) {
  Step step;
  step.op = Step::Op::kCheck;
  step.healthy = healthy;
  step.should_act = act_after;
  return step;
}
Step Good(bool act_after = false) { return Check(true, act_after); }
Step Bad(bool act_after) { return Check(false, act_after); }
Step Decide(absl::Duration at, ProcessSnapshot process, Expect expect) {
  Step step;
  step.op = Step::Op::kDecide;
  step.at = at;
  step.process = std::move(process);
  step.expect = expect;
  return step;
}
Step Restarted(absl::Duration at, const std::string& namespec, std::int64_t start_after,
               std::int64_t pid_after) {
  Step step;
  step.op = Step::Op::kRecordRestart;
  step.at = at;
  step.process = {namespec, true, kSupervisorT0 + start_after, 0, pid_after};
  return step;
}

struct Scenario {
  std::string name;
  PolicyOptions options;
  std::vector<Step> steps;
};

PolicyOptions Options(int failures, int successes, int grace_s = 0, int max_restarts = 0,
                      int window_s = 0) {
  PolicyOptions options;
  options.failures = failures;
  options.successes = successes;
  options.grace = absl::Seconds(grace_s);
  options.max_restarts = max_restarts;
  options.restart_window = absl::Seconds(window_s);
  return options;
}

void RunScenario(const Scenario& scenario) {
  ASSERT_THAT(ValidatePolicyOptions(scenario.options), IsOk());
  RestartPolicy policy(scenario.options);
  for (size_t i = 0; i < scenario.steps.size(); ++i) {
    const Step& step = scenario.steps[i];
    SCOPED_TRACE(::testing::Message() << scenario.name << ", step " << i);
    switch (step.op) {
      case Step::Op::kCheck:
        policy.RecordCheck(step.healthy);
        EXPECT_EQ(policy.ShouldAct(), step.should_act)
            << "failure_count " << policy.failure_count();
        break;
      case Step::Op::kDecide: {
        ProcessDecision d = policy.Decide(step.process, kT0 + step.at);
        EXPECT_EQ(ProcessDecisionKindName(d.kind), ProcessDecisionKindName(step.expect.kind));
        EXPECT_EQ(d.grace_left, step.expect.grace_left);
        EXPECT_EQ(d.first_time, step.expect.first_time);
        EXPECT_EQ(d.restarted_by_other, step.expect.restarted_by_other);
        EXPECT_EQ(d.restarts_in_window, step.expect.restarts_in_window);
        break;
      }
      case Step::Op::kRecordRestart:
        policy.RecordRestart(step.process.namespec, step.process.start, step.process.pid,
                             kT0 + step.at);
        EXPECT_FALSE(policy.ShouldAct());
        EXPECT_EQ(policy.failure_count(), 0);
        break;
    }
  }
}

const absl::Duration s = absl::Seconds(1);

TEST(RestartPolicyTest, Scenarios) {
  const Scenario scenarios[] = {
      {"defaults are upstream: act on every failure, restart every RUNNING process",
       PolicyOptions{},
       {
           Good(false),
           Bad(true),
           Decide(0 * s, Running("web", 0, 1, 100), Restart()),
           Decide(0 * s, Stopped("db"), NotRunning()),
           Restarted(1 * s, "web", 2, 101),
           Bad(true),
           // Zero grace: even one second after our restart.
           Decide(5 * s, Running("web", 2, 3, 101), Restart()),
           Restarted(6 * s, "web", 4, 102),
           Bad(true),
           Decide(10 * s, Running("web", 4, 10, 102), Restart()),
           Restarted(11 * s, "web", 11, 103),
           Good(false),
           Good(false),
           Bad(true),
           // Without a budget, no restart history is kept or counted.
           Decide(15 * s, Running("web", 11, 15, 103), Restart()),
       }},
      {"upstream keeps acting while nothing can be restarted",
       PolicyOptions{},
       {
           Bad(true),
           Decide(0 * s, Stopped("web"), NotRunning()),
           Bad(true),
           Decide(5 * s, Stopped("web"), NotRunning()),
       }},
      {"--failures 3: the third consecutive failure acts",
       Options(3, 1),
       {
           Bad(false),
           Bad(false),
           Bad(true),
           Bad(true),  // still acting when nothing was restarted
           Decide(0 * s, Running("web", 0, 100, 100), Restart()),
           Restarted(1 * s, "web", 101, 101),
       }},
      {"monit #787: after our restart the next restart needs N fresh failures",
       Options(3, 1),
       {
           Bad(false),
           Bad(false),
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart()),
           Restarted(1 * s, "web", 101, 101),
           Bad(false),  // the process is still starting: no restart loop
           Bad(false),
           Bad(true),
           Decide(20 * s, Running("web", 101, 120, 101), Restart()),
           Restarted(21 * s, "web", 121, 102),
           Bad(false),
       }},
      {"--failures 3 --successes 1: a good check clears the count",
       Options(3, 1),
       {
           Bad(false),
           Bad(false),
           Good(false),
           Bad(false),
           Bad(false),
           Bad(true),
       }},
      {"--failures 3 --successes 2: one good check between failures does not clear",
       Options(3, 2),
       {
           Bad(false),
           Bad(false),
           Good(false),
           Bad(true),  // flapping still reaches 3
           Good(true),
           Good(false),  // two in a row: cleared
           Bad(false),
           Good(false),
           Bad(false),
           Bad(true),
       }},
      {"--grace 30: a young process is left alone, by supervisord's clock",
       Options(1, 1, 30),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 10, 100), InGrace(20 * s)),
           Decide(0 * s, Running("db", 0, 0, 200), InGrace(30 * s)),
           Decide(0 * s, Running("old", 0, 29, 300), InGrace(1 * s)),
           Decide(0 * s, Running("older", 0, 30, 400), Restart()),
           // The listener's clock is an hour off: irrelevant for grace.
           Bad(true),
           Decide(3600 * s, Running("web", 0, 15, 100), InGrace(15 * s)),
           // supervisord's `now` before `start` (clock stepped back): full grace.
           Decide(3600 * s, Running("odd", 50, 40, 500), InGrace(30 * s)),
           Decide(3600 * s, Running("web", 0, 31, 100), Restart()),
       }},
      {"--grace also protects a process we just restarted",
       Options(1, 1, 30),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart()),
           Restarted(2 * s, "web", 102, 101),
           Bad(true),
           Decide(5 * s, Running("web", 102, 105, 101), InGrace(27 * s)),
           Bad(true),  // failures during grace keep counting
           Decide(35 * s, Running("web", 102, 135, 101), Restart()),
       }},
      {"--max-restarts 2 --restart-window 600: give up once, resume after recovery",
       Options(1, 1, 0, 2, 600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(60 * s, Running("web", 100, 160, 101), Restart(1)),
           Restarted(60 * s, "web", 160, 102),
           Bad(true),
           Decide(120 * s, Running("web", 160, 220, 102), Spent(2, true)),
           Bad(true),
           Decide(180 * s, Running("web", 160, 280, 102), Spent(2, false)),
           Bad(true),
           // The window slid past both restarts, but giving up lasts.
           Decide(700 * s, Running("web", 160, 800, 102), Spent(0, false)),
           Good(false),  // recovered: resume
           Bad(true),
           Decide(710 * s, Running("web", 160, 810, 102), Restart(0)),
       }},
      {"recovery inside the window: the next incident gives up again, reported again",
       Options(1, 1, 0, 2, 600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(60 * s, Running("web", 100, 160, 101), Restart(1)),
           Restarted(60 * s, "web", 160, 102),
           Bad(true),
           Decide(120 * s, Running("web", 160, 220, 102), Spent(2, true)),
           Good(false),
           Bad(true),
           Decide(140 * s, Running("web", 160, 240, 102), Spent(2, true)),
           Bad(true),
           Decide(150 * s, Running("web", 160, 250, 102), Spent(2, false)),
           Bad(true),
           // 600 s after the first restart only one is left in the window,
           // but this incident already gave up.
           Decide(600 * s, Running("web", 160, 700, 102), Spent(1, false)),
       }},
      {"sliding window: restarts older than the window do not count",
       Options(1, 1, 0, 2, 600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(500 * s, Running("web", 100, 600, 101), Restart(1)),
           Restarted(500 * s, "web", 600, 102),
           Bad(true),
           // Exactly 600 s after the first restart: it has left the window.
           Decide(600 * s, Running("web", 600, 700, 102), Restart(1)),
           Restarted(600 * s, "web", 700, 103),
           Bad(true),
           Decide(1099 * s, Running("web", 700, 1199, 103), Spent(2, true)),
       }},
      {"--successes 2 with a budget: one good check does not end the give-up",
       Options(1, 2, 0, 1, 600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(10 * s, Running("web", 100, 110, 101), Spent(1, true)),
           Good(true),
           Bad(true),
           Decide(20 * s, Running("web", 100, 120, 101), Spent(1, false)),
           Good(true),
           Good(false),
           Bad(true),
           Decide(30 * s, Running("web", 100, 130, 101), Spent(1, true)),
       }},
      {"restarted by someone else: budget and give-up reset",
       Options(1, 1, 0, 1, 3600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(10 * s, Running("web", 100, 110, 101), Spent(1, true)),
           Bad(true),
           Decide(20 * s, Running("web", 100, 120, 101), Spent(1, false)),
           Bad(true),
           // A person ran `supervisorctl restart web`: new start and pid.
           Decide(30 * s, Running("web", 125, 130, 555), Restart(0, true)),
           Restarted(30 * s, "web", 130, 556),
           Bad(true),
           Decide(40 * s, Running("web", 130, 140, 556), Spent(1, true)),
       }},
      {"restarted by someone else: only the pid changed (same second)",
       Options(1, 1, 0, 1, 3600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 100, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(1 * s, Running("web", 100, 101, 101), Spent(1, true)),
           Bad(true),
           Decide(2 * s, Running("web", 100, 102, 777), Restart(0, true)),
       }},
      {"restarted by someone else while given up, and still young: grace first",
       Options(1, 1, 30, 1, 3600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(40 * s, Running("web", 100, 140, 101), Spent(1, true)),
           Bad(true),
           Decide(50 * s, Running("web", 145, 150, 300), InGrace(25 * s, true)),
           Bad(true),
           Decide(90 * s, Running("web", 145, 190, 300), Restart(0)),
       }},
      {"stopped and started by someone else while given up",
       Options(1, 1, 0, 1, 3600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 101),
           Bad(true),
           Decide(10 * s, Running("web", 100, 110, 101), Spent(1, true)),
           Bad(true),
           Decide(20 * s, Stopped("web"), NotRunning()),
           Bad(true),
           Decide(30 * s, Running("web", 125, 130, 400), Restart(0, true)),
       }},
      {"our failed restart, then supervisord or a person brings it up",
       Options(1, 1, 0, 1, 3600),
       {
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 100, 0),  // ended FATAL: no pid
           Bad(true),
           Decide(10 * s, Stopped("web"), NotRunning()),
           Bad(true),
           Decide(20 * s, Running("web", 115, 120, 900), Restart(0, true)),
       }},
      {"budgets are per process",
       Options(1, 1, 0, 1, 3600),
       {
           Bad(true),
           Decide(0 * s, Running("g:a", 0, 100, 100), Restart(0)),
           Decide(0 * s, Running("g:b", 0, 100, 200), Restart(0)),
           Restarted(0 * s, "g:a", 100, 101),
           Restarted(0 * s, "g:b", 100, 201),
           Bad(true),
           Decide(10 * s, Running("g:a", 100, 110, 101), Spent(1, true)),
           Decide(10 * s, Running("g:b", 105, 110, 202), Restart(0, true)),
           Decide(10 * s, Running("g:c", 0, 110, 300), Restart(0)),
       }},
      {"dry run: RecordRestart with the snapshot's own start and pid",
       Options(2, 1, 0, 1, 3600),
       {
           Bad(false),
           Bad(true),
           Decide(0 * s, Running("web", 0, 100, 100), Restart(0)),
           Restarted(0 * s, "web", 0, 100),
           Bad(false),
           Bad(true),
           Decide(10 * s, Running("web", 0, 110, 100), Spent(1, true)),
       }},
  };
  for (const Scenario& scenario : scenarios) RunScenario(scenario);
}

TEST(RestartPolicyTest, RecordRecoveredEndsOneProcesssGiveUpAndKeepsItsHistory) {
  PolicyOptions options;
  options.max_restarts = 1;
  options.restart_window = absl::Hours(1);
  RestartPolicy policy(options);
  const absl::Time t = kT0;
  ASSERT_EQ(policy.Decide(Running("web", 0, 100, 100), t).kind, Kind::kRestart);
  policy.RecordRestart("web", kSupervisorT0 + 100, 101, t);
  ASSERT_EQ(policy.Decide(Running("api", 0, 100, 200), t).kind, Kind::kRestart);
  policy.RecordRestart("api", kSupervisorT0 + 100, 201, t);
  ProcessDecision web = policy.Decide(Running("web", 100, 110, 101), t + absl::Seconds(10));
  ASSERT_EQ(web.kind, Kind::kSkipBudgetSpent);
  ASSERT_TRUE(web.first_time);
  ASSERT_TRUE(policy.Decide(Running("api", 100, 110, 201), t + absl::Seconds(10)).first_time);

  policy.RecordRecovered("web");
  policy.RecordRecovered("unknown");  // no record: nothing happens
  // web gives up again, anew (a new notice), since its history is kept;
  // api stays given up without a second notice.
  web = policy.Decide(Running("web", 100, 120, 101), t + absl::Seconds(20));
  EXPECT_EQ(web.kind, Kind::kSkipBudgetSpent);
  EXPECT_TRUE(web.first_time);
  EXPECT_EQ(web.restarts_in_window, 1);
  const ProcessDecision api = policy.Decide(Running("api", 100, 120, 201), t + absl::Seconds(20));
  EXPECT_EQ(api.kind, Kind::kSkipBudgetSpent);
  EXPECT_FALSE(api.first_time);
}

TEST(RestartPolicyTest, ValidatePolicyOptions) {
  EXPECT_THAT(ValidatePolicyOptions(PolicyOptions{}), IsOk());
  EXPECT_THAT(ValidatePolicyOptions(Options(3, 2, 60, 3, 3600)), IsOk());
  struct {
    PolicyOptions options;
    std::string message;
  } const cases[] = {
      {Options(0, 1), "--failures must be at least 1, got 0"},
      {Options(-5, 1), "--failures must be at least 1, got -5"},
      {Options(1, 0), "--successes must be at least 1, got 0"},
      {Options(1, 1, -1), "--grace must be zero or positive and finite, got -1s"},
      {Options(1, 1, 0, -1, 10), "--max-restarts must be zero or positive, got -1"},
      {Options(1, 1, 0, 3, 0), "--restart-window must be positive with --max-restarts"},
      {Options(1, 1, 0, 0, -3), "--restart-window must be zero or positive and finite, got -3s"},
  };
  for (const auto& c : cases) {
    EXPECT_THAT(ValidatePolicyOptions(c.options),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
  PolicyOptions infinite;
  infinite.grace = absl::InfiniteDuration();
  EXPECT_THAT(ValidatePolicyOptions(infinite),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "--grace must be zero or positive and finite, got inf"));
}

TEST(RestartPolicyTest, InvalidOptionsAreClamped) {
  RestartPolicy policy(Options(0, 0, -10, -1, -1));
  EXPECT_FALSE(policy.ShouldAct());
  policy.RecordCheck(false);
  EXPECT_TRUE(policy.ShouldAct());
  ProcessDecision d = policy.Decide(Running("web", 0, 0, 1), kT0);
  EXPECT_EQ(d.kind, Kind::kRestart);
  policy.RecordCheck(true);
  EXPECT_FALSE(policy.ShouldAct());
}

TEST(RestartPolicyTest, SnapshotOfProcessInfo) {
  supervisor_rpc::ProcessInfo info;
  info.group = "web";
  info.name = "web_00";
  info.state = supervisor_rpc::ProcessState::kRunning;
  info.start = 1000;
  info.now = 1042;
  info.pid = 4242;
  ProcessSnapshot snapshot = SnapshotOf(info);
  EXPECT_EQ(snapshot.namespec, "web:web_00");
  EXPECT_TRUE(snapshot.running);
  EXPECT_EQ(snapshot.start, 1000);
  EXPECT_EQ(snapshot.now, 1042);
  EXPECT_EQ(snapshot.pid, 4242);

  info.group = "db";
  info.name = "db";
  info.state = supervisor_rpc::ProcessState::kBackoff;
  snapshot = SnapshotOf(info);
  EXPECT_EQ(snapshot.namespec, "db");
  EXPECT_FALSE(snapshot.running);
  info.state = supervisor_rpc::ProcessState::kStarting;
  EXPECT_FALSE(SnapshotOf(info).running);
}

TEST(RestartPolicyTest, KindNames) {
  EXPECT_EQ(ProcessDecisionKindName(Kind::kRestart), "restart");
  EXPECT_EQ(ProcessDecisionKindName(Kind::kSkipInGrace), "in-grace");
  EXPECT_EQ(ProcessDecisionKindName(Kind::kSkipBudgetSpent), "budget-spent");
  EXPECT_EQ(ProcessDecisionKindName(Kind::kSkipNotRunning), "not-running");
}

}  // namespace
}  // namespace kit
}  // namespace svl
