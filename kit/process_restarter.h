// File: kit/process_restarter.h
//
// What a restarting listener does with one process it wants restarted, in
// one place: ask the restart policy (restart_policy.h: grace after start,
// restart budget per window with one give-up notice), say why not when it
// must not, or (in dry-run) what it would do; otherwise record the restart
// in the journal (restart_journal.h), stop then start it through
// supervisord (restarter.h), report every step in superlance's words, and
// tell the policy. A restart the journal still holds (cut short by a slow
// stop, or by a restart of the listener) is finished by FinishPending().
//
// Lines (action lines, which the caller's mail repeats):
//   web:web_00 not in RUNNING state, NOT restarting
//   web:web_00 started 3s ago, within --grace, NOT restarting
//   web:web_00 was restarted 3 times within --restart-window, giving up until it recovers
//   web:web_00 is in RUNNING state, would restart            (dry-run)
//   web:web_00 is in RUNNING state, restarting
//   web:web_00 is slow to stop (<why>), waiting for it to stop
//   Failed to stop process web:web_00: <Fault 70: 'NOT_RUNNING: web:web_00'>
//   web:web_00 runs again (RUNNING), not started
//   Failed to start process web:web_00: <error>[; <listener> will start it once it has stopped]
//   web:web_00 is slow to start (<why>); <listener> will look at it again
//   web:web_00 restarted
//
// Example (one act round of a listener):
//
//   ProcessRestarter restarter(options, &client, &journal, &out);
//   restarter.policy().RecordActed();
//   for (const ProcessInfo& p : targets) {
//     if (restarter.Restart(p, nullptr, &mail_lines, &gave_up) == RestartOutcome::kRestarted) ...
//   }
//
// Not thread-safe: one caller (the listener's worker thread).

#ifndef SVL_KIT_PROCESS_RESTARTER_H_
#define SVL_KIT_PROCESS_RESTARTER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "kit/listener_output.h"
#include "kit/metrics.h"
#include "kit/restart_journal.h"
#include "kit/restart_policy.h"
#include "kit/restarter.h"
#include "supervisor_rpc/process_control.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace kit {

// RenderRpcError() renders an RPC error as superlance printed the Python
// exception: a fault as `<Fault CODE: 'TEXT'>`, anything else as its message.
std::string RenderRpcError(const absl::Status& status);

// How a ProcessRestarter decides and restarts.
struct ProcessRestarterOptions {
  PolicyOptions policy;
  bool dry_run = false;     // say "would restart"; stop and start nothing
  RestartOptions restart;   // how stop and start are made (on_slow_stop is set here)
  // true: a process is always named `group:name` (memmon's upstream, even
  // `foo:foo`), in lines, calls, journal and policy; false: supervisord's
  // make_namespec (`foo` when group and name are the same).
  bool full_namespecs = false;
};

// ListenerRestarterOptions() is how a listener restarts with the common
// options: --dry-run; upstream's blocking calls, or with `restart_timeout`
// > 0 (--restart-timeout) wait=false and a poll every 250 ms, each phase
// under that deadline.
ProcessRestarterOptions ListenerRestarterOptions(const PolicyOptions& policy, bool dry_run,
                                                 absl::Duration restart_timeout);

// Called before the stop of a restart, with the process and the action
// lines so far (e.g. to take a core dump and say so).
using BeforeRestart = std::function<void(const supervisor_rpc::ProcessInfo& process,
                                         std::vector<std::string>* mail_lines)>;

// The lines of a restart that a listener words its own way (its upstream's
// texts); an empty function keeps the default, httpok's, shown on the right.
struct RestartWording {
  // Before the stop.                 "<ns> is in RUNNING state, restarting"
  std::function<std::string(const std::string& namespec)> restarting;
  // A fault of stopProcess.          "Failed to stop process <ns>: <error>"
  std::function<std::string(const std::string& namespec, const std::string& error)> stop_failed;
  // A failed start.                  "Failed to start process <ns>: <error>"
  std::function<std::string(const std::string& namespec, const std::string& error)> start_failed;
  // After a successful start.        "<ns> restarted"  (return "" for no line)
  std::function<std::string(const std::string& namespec)> restarted;
};

// What Restart() did with a process.
enum class RestartOutcome {
  kHeldBack,      // in grace, or given up (the policy held it back)
  kNotRunning,    // not RUNNING: left alone
  kDryRun,        // would have restarted (--dry-run)
  kRestarted,     // started again (after our stop, or after NOT_RUNNING)
  kStopFailed,    // stopProcess answered a fault and nothing was started
                  // (RestartOptions::start_after_stop_fault false), or the
                  // start after it failed too
  kNotStarted,    // stopped (or not stoppable) but not started again: the
                  // start failed, it runs again, or the stop is still pending
  kStartPending,  // started, but supervisord did not answer in time (a long
                  // startsecs): FinishPending() looks at it again
};

// A restart FinishPending() completed: who, and its action lines.
struct FinishedRestart {
  std::string namespec;
  std::vector<std::string> mail_lines;
};

// ProcessRestarter treats the processes a listener wants restarted.
class ProcessRestarter {
 public:
  // Every pointer must outlive the restarter.
  // `metrics` (optional) counts each restart and each one that failed.
  ProcessRestarter(ProcessRestarterOptions options, supervisor_rpc::ProcessControl* client,
                   RestartJournal* journal, ListenerOutput* out,
                   ListenerMetrics* metrics = nullptr);

  // policy() is the restart policy: the listener records its checks there
  // (RecordCheck, ShouldAct, RecordActed) before it restarts.
  RestartPolicy& policy() { return policy_; }

  // Restart() treats one process (see above) and says what it did; a
  // process it gives up on now is appended to `*gave_up` (for the one
  // give-up notice). Action lines go to `out` and `*mail_lines`, worded by
  // `wording` where it says so.
  RestartOutcome Restart(const supervisor_rpc::ProcessInfo& process, const BeforeRestart& before,
                         std::vector<std::string>* mail_lines, std::vector<std::string>* gave_up,
                         const RestartWording& wording = RestartWording());

  // FinishPending() takes up the restarts the journal holds (none in
  // dry-run): each is started when it is still stopped, dropped (a log
  // line) when it runs again, is gone, or was started since, and kept when
  // it cannot be settled yet. Returns the ones it started.
  std::vector<FinishedRestart> FinishPending();

  // restarted() is true when a process was stopped or started since the
  // last ClearRestarted().
  bool restarted() const { return restarted_; }
  void ClearRestarted() { restarted_ = false; }

 private:
  void Report(const std::string& namespec, const RestartResult& result,
              const RestartWording& wording, std::vector<std::string>* mail_lines);
  void RecordOurRestart(const std::string& namespec, const RestartResult& result);
  void JournalAdd(PendingRestart entry);
  void JournalRemove(const std::string& namespec);

  const ProcessRestarterOptions options_;
  supervisor_rpc::ProcessControl* const client_;
  RestartJournal* const journal_;
  ListenerOutput* const out_;
  ListenerMetrics* const metrics_;
  RestartPolicy policy_;
  bool restarted_ = false;
  bool journal_error_logged_ = false;
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_PROCESS_RESTARTER_H_
