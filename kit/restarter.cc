#include "kit/restarter.h"

#include <algorithm>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/process_control.h"

namespace svl {
namespace kit {
namespace {

using supervisor_rpc::Fault;
namespace FaultCode = supervisor_rpc::FaultCode;
using supervisor_rpc::FaultFromStatus;
using supervisor_rpc::FaultToStatus;
using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
using supervisor_rpc::ProcessControl;

// A judge looks at one poll: nullopt to keep polling, else the final Status.
using Judge = std::function<absl::optional<absl::Status>(const ProcessInfo&)>;

// PollUntil() calls getProcessInfo until `judge` decides or `timeout` passes.
// Faults end the poll at once; transport errors are retried.
absl::Status PollUntil(ProcessControl& client, absl::string_view namespec,
                       absl::Duration timeout, absl::Duration poll_interval, const Judge& judge,
                       absl::optional<ProcessInfo>* seen_out) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::optional<ProcessInfo>& seen = *seen_out;
  absl::Status last_error;
  while (true) {
    absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(namespec);
    if (info.ok()) {
      seen = *info;
      if (absl::optional<absl::Status> verdict = judge(*info)) return *verdict;
    } else if (FaultFromStatus(info.status()).has_value()) {
      return info.status();
    } else {
      last_error = info.status();
    }
    const absl::Time now = absl::Now();
    if (now >= deadline) break;
    absl::SleepFor(std::min(poll_interval, deadline - now));
  }
  if (seen.has_value()) {
    return absl::DeadlineExceededError(absl::StrCat(namespec, " still ", seen->statename,
                                                    " after ", absl::FormatDuration(timeout)));
  }
  return absl::DeadlineExceededError(absl::StrCat("could not get the state of ", namespec,
                                                  " within ", absl::FormatDuration(timeout), ": ",
                                                  last_error.ToString()));
}

bool IsStopped(ProcessState state) {
  return state == ProcessState::kStopped || state == ProcessState::kExited ||
         state == ProcessState::kFatal;
}

absl::Status Stop(ProcessControl& client, absl::string_view namespec,
                  const RestartOptions& options, absl::optional<ProcessInfo>* seen) {
  if (absl::Status stopped = client.StopProcess(namespec, /*wait=*/false); !stopped.ok()) {
    return stopped;
  }
  return PollUntil(
      client, namespec, options.stop_timeout, options.poll_interval,
      [](const ProcessInfo& info) -> absl::optional<absl::Status> {
        if (IsStopped(info.state)) return absl::OkStatus();
        return absl::nullopt;
      },
      seen);
}

absl::Status Start(ProcessControl& client, absl::string_view namespec,
                   const RestartOptions& options, absl::optional<ProcessInfo>* seen) {
  if (absl::Status started = client.StartProcess(namespec, /*wait=*/false); !started.ok()) {
    return started;
  }
  const std::string name(namespec);
  // The same checks, in the same order, as supervisord's startProcess onwait().
  return PollUntil(
      client, namespec, options.start_timeout, options.poll_interval,
      [&name](const ProcessInfo& info) -> absl::optional<absl::Status> {
        if (!info.spawnerr.empty()) {
          return FaultToStatus(Fault{FaultCode::kSpawnError, absl::StrCat("SPAWN_ERROR: ", name)});
        }
        if (info.state == ProcessState::kRunning) return absl::OkStatus();
        if (info.state != ProcessState::kStarting) {
          return FaultToStatus(Fault{FaultCode::kAbnormalTermination,
                                     absl::StrCat("ABNORMAL_TERMINATION: ", name)});
        }
        return absl::nullopt;
      },
      seen);
}

}  // namespace

absl::Status StopAndWait(ProcessControl& client, absl::string_view namespec,
                         const RestartOptions& options, ProcessInfo* last) {
  absl::optional<ProcessInfo> seen;
  absl::Status status = Stop(client, namespec, options, &seen);
  if (last != nullptr && seen.has_value()) *last = *seen;
  return status;
}

absl::Status StartAndWait(ProcessControl& client, absl::string_view namespec,
                          const RestartOptions& options, ProcessInfo* last) {
  absl::optional<ProcessInfo> seen;
  absl::Status status = Start(client, namespec, options, &seen);
  if (last != nullptr && seen.has_value()) *last = *seen;
  return status;
}

namespace {

bool IsRunningAgain(ProcessState state) {
  return state == ProcessState::kRunning || state == ProcessState::kStarting ||
         state == ProcessState::kBackoff;
}

// Watch() polls `namespec` until it is stopped (OK), runs again
// (`*running_again`), is gone (the BAD_NAME fault), `bound` passed while it
// was still STOPPING (kDeadlineExceeded), or supervisord gave no answer for
// options.unanswered_bound (kUnavailable). `bound` zero: one look.
absl::Status Watch(ProcessControl& client, absl::string_view namespec, absl::Duration bound,
                   const RestartOptions& options, bool* running_again,
                   absl::optional<ProcessInfo>* seen) {
  const absl::Time start = absl::Now();
  absl::Time last_answer = start;
  absl::Status last_error;
  while (true) {
    absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(namespec);
    const absl::Time now = absl::Now();
    if (info.ok()) {
      *seen = *info;
      last_answer = now;
      if (IsStopped(info->state)) return absl::OkStatus();
      if (IsRunningAgain(info->state)) {
        *running_again = true;
        return absl::OkStatus();
      }
    } else if (FaultFromStatus(info.status()).has_value()) {
      return info.status();
    } else {
      last_error = info.status();
      if (now - last_answer >= options.unanswered_bound || bound == absl::ZeroDuration()) {
        return absl::UnavailableError(absl::StrCat("no answer about ", namespec, " for ",
                                                   absl::FormatDuration(now - last_answer), ": ",
                                                   last_error.message()));
      }
    }
    if (info.ok() && now - start >= bound) {
      if (bound == absl::ZeroDuration()) {
        return absl::DeadlineExceededError(absl::StrCat(namespec, " is still ", info->statename));
      }
      return absl::DeadlineExceededError(absl::StrCat(namespec, " still ", info->statename,
                                                      " after ", absl::FormatDuration(bound)));
    }
    absl::SleepFor(options.poll_interval);
  }
}

// StartPhase() makes the start and fills in the result's start fields.
void StartPhase(ProcessControl& client, absl::string_view namespec,
                const RestartOptions& options, RestartResult* result) {
  result->start_attempted = true;
  absl::optional<ProcessInfo> start_seen;
  if (options.blocking_calls) {
    result->start = client.StartProcess(namespec, /*wait=*/true);
  } else {
    result->start = Start(client, namespec, options, &start_seen);
  }
  if (!options.blocking_calls && !start_seen.has_value() && !result->start.ok()) {
    // startProcess itself failed: one look, to name the state it left.
    // (Not with upstream's calls, whose call list stays upstream's.)
    absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(namespec);
    if (info.ok()) start_seen = *info;
  }
  if (start_seen.has_value()) result->last_info = start_seen;
  // Settled: supervisord answered (OK or a fault), or a poll saw it
  // STARTING past the deadline (supervisord goes on starting it).
  const bool answered = result->start.ok() || FaultFromStatus(result->start).has_value() ||
                        (start_seen.has_value() && start_seen->state == ProcessState::kStarting);
  result->pending = !answered;
}

// AfterStop() is everything after the stop call: watch when needed, then start.
void AfterStop(ProcessControl& client, absl::string_view namespec, const RestartOptions& options,
               bool must_watch, absl::Duration bound, RestartResult* result,
               std::int64_t stopped_start = 0) {
  if (must_watch) {
    result->watched = true;
    absl::optional<ProcessInfo> seen;
    result->waited = Watch(client, namespec, bound, options, &result->running_again, &seen);
    if (seen.has_value()) result->last_info = seen;
    if (result->waited.ok() && !result->running_again && stopped_start != 0 && seen.has_value() &&
        seen->start != stopped_start) {
      result->started_since = true;
      result->start = absl::AbortedError(
          absl::StrCat("not started: ", namespec, " was started and stopped again since"));
      return;
    }
    if (!result->waited.ok() || result->running_again) {
      const bool gone = supervisor_rpc::IsFault(result->waited, FaultCode::kBadName);
      result->pending = !result->running_again && !gone;
      result->start = absl::AbortedError(
          result->running_again ? absl::StrCat("not started: ", namespec, " runs again")
                                : absl::StrCat("not started: ", result->waited.message()));
      return;
    }
  }
  StartPhase(client, namespec, options, result);
}

}  // namespace

RestartResult RestartProcess(ProcessControl& client, absl::string_view namespec,
                             const RestartOptions& options) {
  RestartResult result;
  absl::optional<ProcessInfo> stop_seen;
  if (options.blocking_calls) {
    result.stop = client.StopProcess(namespec, /*wait=*/true);
  } else {
    result.stop = Stop(client, namespec, options, &stop_seen);
  }
  result.last_info = stop_seen;
  const bool fault = FaultFromStatus(result.stop).has_value();
  const bool slow = !result.stop.ok() && !fault;
  // NOT_RUNNING: it stopped by itself (or is stopping): watched and started
  // below, as a restart asks, whatever start_after_stop_fault says.
  if (fault && !options.start_after_stop_fault &&
      !supervisor_rpc::IsFault(result.stop, FaultCode::kNotRunning)) {
    result.start = absl::AbortedError(absl::StrCat("not started: ", namespec, " was not stopped"));
    return result;
  }
  if (slow && options.on_slow_stop) options.on_slow_stop(result.stop);
  const bool must_watch = slow || supervisor_rpc::IsFault(result.stop, FaultCode::kNotRunning);
  AfterStop(client, namespec, options, must_watch, options.stop_wait_bound, &result);
  return result;
}

RestartResult FinishRestart(ProcessControl& client, absl::string_view namespec,
                            std::int64_t stopped_start, const RestartOptions& options) {
  RestartResult result;
  AfterStop(client, namespec, options, /*must_watch=*/true, absl::ZeroDuration(), &result,
            stopped_start);
  return result;
}

}  // namespace kit
}  // namespace svl
