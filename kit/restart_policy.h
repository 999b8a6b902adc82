// File: kit/restart_policy.h
//
// When a listener restarts what: a pure decision state machine, no I/O,
// time passed in. One RestartPolicy per listener: the check (a URL, a
// memory limit) gives one failure streak, while grace, restart budget and give-up
// state are per process (keyed by namespec).
//
//   --failures N        act only once N failed checks have accumulated
//                       (default 1: act on the first failure, as upstream)
//   --successes M       M consecutive good checks clear the failure count
//                       (default 1). With M > 1 a single good check between
//                       failures does not clear the count, so a flapping
//                       URL still reaches N.
//   --grace SECONDS     do not restart a process that started less than
//                       SECONDS ago by supervisord's own clock (`now - start`
//                       of its process info, so the listener's clock does not
//                       matter). Default 0: no grace.
//   --max-restarts N --restart-window SECONDS
//                       at most N restarts of one process within any sliding
//                       window (our clock). When one more is due, the listener gives
//                       up on that process: Decide() says kSkipBudgetSpent,
//                       with first_time set exactly once so the caller mails
//                       once. Giving up lasts until the URL recovers (the
//                       failure count is cleared by M good checks) or the
//                       process is restarted by someone else (its `start` or
//                       `pid` changed without RecordRestart()). Recovery keeps
//                       the restart history (a URL that recovers after every
//                       restart must still be limited), a restart by someone
//                       else clears it. Default N = 0: no budget.
//
// After a restart the failure count starts again from zero, so the next
// restart needs N fresh failures (monit's restart-loop bug, tildeslash/monit
// #787, is the counter that is not reset).
//
// Example (one TICK):
//
//   policy.RecordCheck(healthy);
//   if (policy.ShouldAct()) {
//     for (const ProcessInfo& info : targets) {
//       ProcessDecision d = policy.Decide(SnapshotOf(info), absl::Now());
//       switch (d.kind) {
//         case ProcessDecision::Kind::kRestart:
//           ... restart ...;
//           policy.RecordRestart(namespec, after.start, after.pid, absl::Now());
//           break;
//         case ProcessDecision::Kind::kSkipBudgetSpent:
//           if (d.first_time) ... mail "giving up" ...;
//           break;
//         ...
//       }
//     }
//   }
//
// With the defaults this reproduces upstream exactly: every failed check
// acts, every RUNNING process is restarted, every other one is "not in
// RUNNING state". In --dry-run, call RecordRestart() with the snapshot's own
// start and pid, so streak and budget behave as if the restart happened.
//
// Not thread-safe: one caller at a time.

#ifndef SVL_KIT_RESTART_POLICY_H_
#define SVL_KIT_RESTART_POLICY_H_

#include <cstdint>
#include <deque>
#include <string>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace kit {

// The policy options, as the command line gave them.
struct PolicyOptions {
  int failures = 1;                                  // >= 1
  int successes = 1;                                 // >= 1
  absl::Duration grace = absl::ZeroDuration();       // >= 0, finite
  int max_restarts = 0;                              // >= 0; 0: no budget
  absl::Duration restart_window = absl::ZeroDuration();  // > 0 when max_restarts > 0
};

// ValidatePolicyOptions() checks the ranges above; kInvalidArgument naming
// the option (`--failures must be at least 1, got 0`, `--restart-window must
// be positive with --max-restarts`).
ABSL_MUST_USE_RESULT absl::Status ValidatePolicyOptions(const PolicyOptions& options);

// What the policy needs to know about one process at decision time.
struct ProcessSnapshot {
  std::string namespec;   // the key, e.g. "web:web_00"
  bool running = false;   // state RUNNING
  std::int64_t start = 0; // supervisord's `start` (epoch seconds)
  std::int64_t now = 0;   // supervisord's `now` in the same reply
  std::int64_t pid = 0;
};

// SnapshotOf() takes namespec, state, start, now and pid from the info.
ProcessSnapshot SnapshotOf(const supervisor_rpc::ProcessInfo& info);

// What to do with one process, and why.
struct ProcessDecision {
  enum class Kind {
    kRestart,          // restart it, then RecordRestart()
    kSkipInGrace,      // started too recently; grace_left says how long
    kSkipBudgetSpent,  // gave up; first_time once per give-up
    kSkipNotRunning,   // not RUNNING (upstream: "not in RUNNING state")
  };
  Kind kind = Kind::kRestart;
  absl::Duration grace_left = absl::ZeroDuration();  // kSkipInGrace: > 0
  bool first_time = false;                           // kSkipBudgetSpent
  int restarts_in_window = 0;  // our restarts of it within the window (budget only)
  // The process was restarted by someone else since we last saw it (its
  // budget and give-up state were reset before deciding).
  bool restarted_by_other = false;
};

// ProcessDecisionKindName() gives "restart", "in-grace", "budget-spent",
// "not-running" (for log lines).
absl::string_view ProcessDecisionKindName(ProcessDecision::Kind kind);

// RestartPolicy is the decision state machine described above.
class RestartPolicy {
 public:
  // `options` must pass ValidatePolicyOptions(); invalid values are clamped
  // (failures/successes to >= 1, negative durations to 0).
  explicit RestartPolicy(PolicyOptions options);

  // RecordCheck() records one check of the URL. A failure adds to the
  // failure count and breaks a success run; a good check extends the success
  // run, and the M-th consecutive one clears the failure count and ends
  // every give-up (the URL recovered).
  void RecordCheck(bool healthy);

  // ShouldAct() is true when the failure count has reached N.
  bool ShouldAct() const { return failures_ >= options_.failures; }

  // RecordActed() starts the failure count and success run over: an act
  // round (restarts, processes skipped, or no answer from supervisord) has
  // used the failures so far, so `failures=K/N` never shows K above N.
  void RecordActed() {
    failures_ = 0;
    successes_ = 0;
  }

  int failure_count() const { return failures_; }
  int success_run() const { return successes_; }

  // Decide() says what to do with one process now. In this order:
  //   1. not RUNNING -> kSkipNotRunning (its history is left alone);
  //   2. start or pid changed since we last saw it RUNNING and not by our
  //      RecordRestart() -> restarted_by_other: history and give-up cleared;
  //   3. `now - start` (supervisord's clock) < grace -> kSkipInGrace;
  //   4. given up -> kSkipBudgetSpent (first_time false);
  //   5. restarts within (now - window, now] >= N -> give up:
  //      kSkipBudgetSpent with first_time true;
  //   6. kRestart.
  // Decide() does not look at ShouldAct(); the caller asks that first.
  ProcessDecision Decide(const ProcessSnapshot& process, absl::Time now);

  // RecordRecovered() ends the give-up of one process whose own check is
  // good again (a listener that checks each process apart, as memmon does);
  // its restart history is kept, as on RecordCheck()'s recovery.
  void RecordRecovered(absl::string_view namespec);

  // RecordRestart() records that we restarted `namespec` at `now` and that
  // supervisord then reported `start_after` / `pid_after` (0 if it did not
  // come up). The failure count and success run restart from zero. If the
  // process later shows up RUNNING with another start or pid, that counts as
  // a restart by someone else (supervisord's own retries included).
  void RecordRestart(absl::string_view namespec, std::int64_t start_after,
                     std::int64_t pid_after, absl::Time now);

 private:
  struct ProcessRecord {
    bool seen = false;  // start/pid below are valid
    std::int64_t start = 0;
    std::int64_t pid = 0;
    std::deque<absl::Time> restarts;  // ours, oldest first
    bool gave_up = false;
  };

  void PruneHistory(ProcessRecord& record, absl::Time now) const;

  PolicyOptions options_;
  int failures_ = 0;
  int successes_ = 0;
  absl::flat_hash_map<std::string, ProcessRecord> processes_;
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_RESTART_POLICY_H_
