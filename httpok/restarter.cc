#include "httpok/restarter.h"

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
#include "supervisor_rpc/supervisor_client.h"

namespace svl {
namespace httpok {
namespace {

using supervisor_rpc::Fault;
namespace FaultCode = supervisor_rpc::FaultCode;
using supervisor_rpc::FaultFromStatus;
using supervisor_rpc::FaultToStatus;
using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
using supervisor_rpc::SupervisorClient;

// A judge looks at one poll: nullopt to keep polling, else the final Status.
using Judge = std::function<absl::optional<absl::Status>(const ProcessInfo&)>;

// PollUntil() calls getProcessInfo until `judge` decides or `timeout` passes.
// Faults end the poll at once; transport errors are retried.
absl::Status PollUntil(SupervisorClient& client, absl::string_view namespec,
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

absl::Status Stop(SupervisorClient& client, absl::string_view namespec,
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

absl::Status Start(SupervisorClient& client, absl::string_view namespec,
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

absl::Status StopAndWait(SupervisorClient& client, absl::string_view namespec,
                         const RestartOptions& options, ProcessInfo* last) {
  absl::optional<ProcessInfo> seen;
  absl::Status status = Stop(client, namespec, options, &seen);
  if (last != nullptr && seen.has_value()) *last = *seen;
  return status;
}

absl::Status StartAndWait(SupervisorClient& client, absl::string_view namespec,
                          const RestartOptions& options, ProcessInfo* last) {
  absl::optional<ProcessInfo> seen;
  absl::Status status = Start(client, namespec, options, &seen);
  if (last != nullptr && seen.has_value()) *last = *seen;
  return status;
}

RestartResult RestartProcess(SupervisorClient& client, absl::string_view namespec,
                             const RestartOptions& options) {
  RestartResult result;
  absl::optional<ProcessInfo> stop_seen;
  result.stop = Stop(client, namespec, options, &stop_seen);
  if (!result.stop.ok() && !FaultFromStatus(result.stop).has_value()) {
    result.start = absl::AbortedError(absl::StrCat("not started: stopping ", namespec, " failed"));
    result.last_info = stop_seen;
    return result;
  }
  result.start_attempted = true;
  absl::optional<ProcessInfo> start_seen;
  result.start = Start(client, namespec, options, &start_seen);
  if (!start_seen.has_value()) {
    // startProcess itself failed: one look, to name the state it left.
    absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(namespec);
    if (info.ok()) start_seen = *info;
  }
  result.last_info = start_seen.has_value() ? start_seen : stop_seen;
  return result;
}

RestartWorker::RestartWorker() : thread_([this] { Run(); }) {}

RestartWorker::~RestartWorker() {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* busy) { return !*busy; }, &busy_));
    stopping_ = true;
  }
  thread_.join();
}

bool RestartWorker::TrySubmit(std::function<void()> job) {
  if (!job) return false;
  absl::MutexLock lock(&mu_);
  if (busy_ || stopping_) return false;
  job_ = std::move(job);
  busy_ = true;
  return true;
}

bool RestartWorker::busy() const {
  absl::MutexLock lock(&mu_);
  return busy_;
}

void RestartWorker::Drain() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](bool* busy) { return !*busy; }, &busy_));
}

void RestartWorker::Run() {
  while (true) {
    std::function<void()> job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &RestartWorker::HasWorkOrStopping));
      if (job_ == nullptr) return;  // stopping, nothing pending
      job = std::move(job_);
      job_ = nullptr;
    }
    job();
    absl::MutexLock lock(&mu_);
    busy_ = false;
  }
}

}  // namespace httpok
}  // namespace svl
