#include "kit/process_restarter.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/types/optional.h"
#include "kit/python_text.h"
#include "supervisor_rpc/fault.h"

namespace svl {
namespace kit {
namespace {

// OutcomeOf() is what a restart that was tried came to.
RestartOutcome OutcomeOf(const RestartResult& result) {
  // Started: restarted, whatever the stop said (NOT_RUNNING: it had stopped).
  if (result.start_attempted && result.start.ok()) return RestartOutcome::kRestarted;
  if (supervisor_rpc::FaultFromStatus(result.stop).has_value()) return RestartOutcome::kStopFailed;
  return result.start_attempted && result.pending ? RestartOutcome::kStartPending
                                                  : RestartOutcome::kNotStarted;
}

}  // namespace

using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;

std::string RenderRpcError(const absl::Status& status) {
  if (absl::optional<supervisor_rpc::Fault> fault = supervisor_rpc::FaultFromStatus(status)) {
    return PythonFaultRepr(fault->code, fault->fault_string);
  }
  return std::string(status.message());
}

ProcessRestarterOptions ListenerRestarterOptions(const PolicyOptions& policy, bool dry_run,
                                                 absl::Duration restart_timeout) {
  ProcessRestarterOptions restarter;
  restarter.policy = policy;
  restarter.dry_run = dry_run;
  restarter.restart.blocking_calls = restart_timeout == absl::ZeroDuration();
  if (!restarter.restart.blocking_calls) {
    restarter.restart.stop_timeout = restart_timeout;
    restarter.restart.start_timeout = restart_timeout;
  }
  restarter.restart.poll_interval = absl::Milliseconds(250);
  return restarter;
}

ProcessRestarter::ProcessRestarter(ProcessRestarterOptions options,
                                   supervisor_rpc::ProcessControl* client,
                                   RestartJournal* journal, ListenerOutput* out,
                                   ListenerMetrics* metrics)
    : options_(std::move(options)),
      client_(client),
      journal_(journal),
      out_(out),
      metrics_(metrics),
      policy_(options_.policy) {}

RestartOutcome ProcessRestarter::Restart(const ProcessInfo& process, const BeforeRestart& before,
                                         std::vector<std::string>* mail_lines,
                                         std::vector<std::string>* gave_up,
                                         const RestartWording& wording) {
  const std::string namespec = options_.full_namespecs
                                   ? absl::StrCat(process.group, ":", process.name)
                                   : supervisor_rpc::MakeNamespec(process.group, process.name);
  ProcessSnapshot snapshot = SnapshotOf(process);
  snapshot.namespec = namespec;
  const ProcessDecision decision = policy_.Decide(snapshot, absl::Now());
  switch (decision.kind) {
    case ProcessDecision::Kind::kSkipNotRunning:
      out_->Action(absl::StrCat(namespec, " not in RUNNING state, NOT restarting"), mail_lines);
      return RestartOutcome::kNotRunning;
    case ProcessDecision::Kind::kSkipInGrace:
      out_->Action(absl::StrCat(namespec, " started ", process.now - process.start,
                                "s ago, within --grace, NOT restarting"),
                   mail_lines);
      return RestartOutcome::kHeldBack;
    case ProcessDecision::Kind::kSkipBudgetSpent:
      if (decision.first_time) {
        out_->Action(absl::StrCat(namespec, " was restarted ", decision.restarts_in_window,
                                  " times within --restart-window, giving up until it recovers"),
                     mail_lines);
        gave_up->push_back(namespec);
      } else {
        out_->Log(out_->reason(),
                  absl::StrCat(namespec, " given up (restart budget spent), NOT restarting"),
                  {{"process", namespec}});
      }
      return RestartOutcome::kHeldBack;
    case ProcessDecision::Kind::kRestart:
      break;
  }
  if (options_.dry_run) {
    out_->Action(absl::StrCat(namespec, " is in RUNNING state, would restart"), mail_lines);
    policy_.RecordRestart(namespec, process.start, process.pid, absl::Now());
    return RestartOutcome::kDryRun;
  }
  if (before) before(process, mail_lines);
  out_->Action(wording.restarting ? wording.restarting(namespec)
                                  : absl::StrCat(namespec, " is in RUNNING state, restarting"),
               mail_lines);
  restarted_ = true;
  JournalAdd({namespec, process.start, process.pid});
  RestartOptions restart = options_.restart;
  restart.on_slow_stop = [this, &namespec, mail_lines](const absl::Status& why) {
    out_->Action(absl::StrCat(namespec, " is slow to stop (", RenderRpcError(why),
                              "), waiting for it to stop"),
                 mail_lines);
  };
  const RestartResult result = RestartProcess(*client_, namespec, restart);
  Report(namespec, result, wording, mail_lines);
  if (!result.pending) JournalRemove(namespec);
  RecordOurRestart(namespec, result);
  const RestartOutcome outcome = OutcomeOf(result);
  if (metrics_ != nullptr) {
    // Always group:name, whichever way the listener writes namespecs.
    const std::string label = absl::StrCat(process.group, ":", process.name);
    if (outcome == RestartOutcome::kRestarted) metrics_->RecordRestart(label);
    if (outcome == RestartOutcome::kStopFailed || outcome == RestartOutcome::kNotStarted) {
      metrics_->RecordRestartFailure(label);
    }
  }
  return outcome;
}

void ProcessRestarter::RecordOurRestart(const std::string& namespec,
                                        const RestartResult& result) {
  std::int64_t start_after = 0;
  std::int64_t pid_after = 0;
  if (result.start_attempted && result.start.ok()) {
    if (result.last_info.has_value() && result.last_info->state == ProcessState::kRunning) {
      start_after = result.last_info->start;
      pid_after = result.last_info->pid;
    } else if (options_.policy.max_restarts > 0) {
      // The budget needs the new start/pid to tell our restarts from
      // others' (one more call, only with --max-restarts).
      if (absl::StatusOr<ProcessInfo> after = client_->GetProcessInfo(namespec); after.ok()) {
        start_after = after->start;
        pid_after = after->pid;
      }
    }
  }
  policy_.RecordRestart(namespec, start_after, pid_after, absl::Now());
}

void ProcessRestarter::Report(const std::string& namespec, const RestartResult& result,
                              const RestartWording& wording,
                              std::vector<std::string>* mail_lines) {
  const std::string& listener = out_->settings().listener;
  const auto start_failed = [&wording, &namespec](const std::string& error) {
    return wording.start_failed ? wording.start_failed(namespec, error)
                                : absl::StrCat("Failed to start process ", namespec, ": ", error);
  };
  // (A slow stop was reported when it turned out slow: on_slow_stop.)
  const bool stop_fault = supervisor_rpc::FaultFromStatus(result.stop).has_value();
  if (stop_fault) {
    const std::string error = RenderRpcError(result.stop);
    out_->Action(wording.stop_failed
                     ? wording.stop_failed(namespec, error)
                     : absl::StrCat("Failed to stop process ", namespec, ": ", error),
                 mail_lines);
    // Not started on purpose (RestartOptions::start_after_stop_fault).
    if (!result.watched && !result.start_attempted) return;
  }
  if (result.watched && result.running_again) {
    out_->Action(absl::StrCat(namespec, " runs again (",
                              result.last_info.has_value() ? result.last_info->statename
                                                           : "RUNNING",
                              "), not started"),
                 mail_lines);
    return;
  }
  if (!result.start_attempted) {
    out_->Action(start_failed(absl::StrCat(
                     RenderRpcError(result.waited),
                     result.pending ? absl::StrCat("; ", listener,
                                                   " will start it once it has stopped")
                                    : "")),
                 mail_lines);
    return;
  }
  if (result.start.ok()) {
    const std::string line =
        wording.restarted ? wording.restarted(namespec) : absl::StrCat(namespec, " restarted");
    if (!line.empty()) out_->Action(line, mail_lines);
    return;
  }
  if (result.pending) {
    // No answer to the start (the call's deadline, e.g. a long startsecs):
    // supervisord may well be starting it; not a failure yet.
    out_->Action(absl::StrCat(namespec, " is slow to start (", RenderRpcError(result.start),
                              "); ", listener, " will look at it again"),
                 mail_lines);
    return;
  }
  out_->Action(start_failed(RenderRpcError(result.start)), mail_lines);
}

void ProcessRestarter::JournalAdd(PendingRestart entry) {
  absl::Status s = journal_->Add(std::move(entry));
  if (s.ok()) journal_error_logged_ = false;
  if (!s.ok() && !journal_error_logged_) {
    journal_error_logged_ = true;
    out_->Log("journal",
              absl::StrCat("cannot record restarts on disk (", s.message(), "): a restart cut ",
                           "short by a restart of ", out_->settings().listener,
                           " is not finished"));
  }
}

void ProcessRestarter::JournalRemove(const std::string& namespec) {
  absl::Status s = journal_->Remove(namespec);
  if (s.ok()) journal_error_logged_ = false;
  if (!s.ok() && !journal_error_logged_) {
    journal_error_logged_ = true;
    out_->Log("journal", absl::StrCat("cannot record restarts on disk (", s.message(), ")"));
  }
}

std::vector<FinishedRestart> ProcessRestarter::FinishPending() {
  std::vector<FinishedRestart> finished;
  if (journal_->empty() || options_.dry_run) return finished;
  const std::vector<PendingRestart> pending = journal_->pending();  // a copy: entries go
  for (const PendingRestart& entry : pending) {
    const std::string& namespec = entry.namespec;
    const RestartResult result = FinishRestart(*client_, namespec, entry.start, options_.restart);
    if (result.pending) {
      out_->Log("restart",
                absl::StrCat("restart of ", namespec, " not finished yet: ",
                             result.waited.ok() ? result.start.message() : result.waited.message()),
                {{"process", namespec}});
      continue;
    }
    if (result.running_again && result.last_info.has_value() &&
        result.last_info->state != ProcessState::kRunning) {
      // STARTING or BACKOFF (e.g. a start slower than the call's deadline):
      // not settled until it is RUNNING; looked at again next time.
      out_->Log("restart",
                absl::StrCat("restart of ", namespec, " not finished yet: it is ",
                             result.last_info->statename),
                {{"process", namespec}});
      continue;
    }
    JournalRemove(namespec);
    if (result.running_again || result.started_since) {
      out_->Log("restart",
                result.running_again
                    ? absl::StrCat("restart of ", namespec, " needs nothing more: it runs (",
                                   result.last_info.has_value() ? result.last_info->statename
                                                                : "RUNNING",
                                   ")")
                    : absl::StrCat("restart of ", namespec,
                                   " dropped: it was started and stopped since"),
                {{"process", namespec}});
      continue;
    }
    if (!result.start_attempted) {  // gone
      out_->Log("restart",
                absl::StrCat("restart of ", namespec, " dropped: ", RenderRpcError(result.waited)),
                {{"process", namespec}});
      continue;
    }
    restarted_ = true;
    FinishedRestart done{namespec, {}};
    out_->Action(absl::StrCat("Finishing the restart of ", namespec, ", which was left stopped"),
                 &done.mail_lines);
    Report(namespec, result, RestartWording(), &done.mail_lines);
    RecordOurRestart(namespec, result);
    finished.push_back(std::move(done));
  }
  return finished;
}

}  // namespace kit
}  // namespace svl
