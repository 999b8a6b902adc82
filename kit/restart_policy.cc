#include "kit/restart_policy.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace kit {
namespace {

absl::Status NonNegativeFinite(absl::string_view flag, absl::Duration value) {
  if (value < absl::ZeroDuration() || value == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " must be zero or positive and finite, got ", absl::FormatDuration(value)));
  }
  return absl::OkStatus();
}

int SaturatingIncrement(int value) {
  return value == std::numeric_limits<int>::max() ? value : value + 1;
}

}  // namespace

absl::Status ValidatePolicyOptions(const PolicyOptions& options) {
  if (options.failures < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--failures must be at least 1, got ", options.failures));
  }
  if (options.successes < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--successes must be at least 1, got ", options.successes));
  }
  if (absl::Status s = NonNegativeFinite("--grace", options.grace); !s.ok()) return s;
  if (options.max_restarts < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max-restarts must be zero or positive, got ", options.max_restarts));
  }
  if (absl::Status s = NonNegativeFinite("--restart-window", options.restart_window); !s.ok()) {
    return s;
  }
  if (options.max_restarts > 0 && options.restart_window == absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--restart-window must be positive with --max-restarts");
  }
  return absl::OkStatus();
}

ProcessSnapshot SnapshotOf(const supervisor_rpc::ProcessInfo& info) {
  ProcessSnapshot snapshot;
  snapshot.namespec = supervisor_rpc::MakeNamespec(info.group, info.name);
  snapshot.running = info.state == supervisor_rpc::ProcessState::kRunning;
  snapshot.start = info.start;
  snapshot.now = info.now;
  snapshot.pid = info.pid;
  return snapshot;
}

absl::string_view ProcessDecisionKindName(ProcessDecision::Kind kind) {
  switch (kind) {
    case ProcessDecision::Kind::kRestart:
      return "restart";
    case ProcessDecision::Kind::kSkipInGrace:
      return "in-grace";
    case ProcessDecision::Kind::kSkipBudgetSpent:
      return "budget-spent";
    case ProcessDecision::Kind::kSkipNotRunning:
      return "not-running";
  }
  return "unknown";
}

RestartPolicy::RestartPolicy(PolicyOptions options) : options_(std::move(options)) {
  options_.failures = std::max(options_.failures, 1);
  options_.successes = std::max(options_.successes, 1);
  options_.grace = std::max(options_.grace, absl::ZeroDuration());
  options_.max_restarts = std::max(options_.max_restarts, 0);
  options_.restart_window = std::max(options_.restart_window, absl::ZeroDuration());
}

void RestartPolicy::RecordCheck(bool healthy) {
  if (!healthy) {
    failures_ = SaturatingIncrement(failures_);
    successes_ = 0;
    return;
  }
  successes_ = std::min(SaturatingIncrement(successes_), options_.successes);
  if (successes_ >= options_.successes && failures_ > 0) {
    failures_ = 0;
    for (auto& entry : processes_) entry.second.gave_up = false;
  }
}

void RestartPolicy::PruneHistory(ProcessRecord& record, absl::Time now) const {
  while (!record.restarts.empty() && now - record.restarts.front() >= options_.restart_window) {
    record.restarts.pop_front();
  }
}

ProcessDecision RestartPolicy::Decide(const ProcessSnapshot& process, absl::Time now) {
  ProcessDecision decision;
  if (!process.running) {
    decision.kind = ProcessDecision::Kind::kSkipNotRunning;
    return decision;
  }
  ProcessRecord& record = processes_[process.namespec];
  if (record.seen && (record.start != process.start || record.pid != process.pid)) {
    decision.restarted_by_other = true;
    record.restarts.clear();
    record.gave_up = false;
  }
  record.seen = true;
  record.start = process.start;
  record.pid = process.pid;

  const absl::Duration age = absl::Seconds(std::max<std::int64_t>(process.now - process.start, 0));
  if (age < options_.grace) {
    decision.kind = ProcessDecision::Kind::kSkipInGrace;
    decision.grace_left = options_.grace - age;
    return decision;
  }
  if (options_.max_restarts > 0) {
    PruneHistory(record, now);
    decision.restarts_in_window = static_cast<int>(record.restarts.size());
    if (record.gave_up) {
      decision.kind = ProcessDecision::Kind::kSkipBudgetSpent;
      return decision;
    }
    if (decision.restarts_in_window >= options_.max_restarts) {
      record.gave_up = true;
      decision.kind = ProcessDecision::Kind::kSkipBudgetSpent;
      decision.first_time = true;
      return decision;
    }
  }
  decision.kind = ProcessDecision::Kind::kRestart;
  return decision;
}

void RestartPolicy::RecordRecovered(absl::string_view namespec) {
  auto it = processes_.find(namespec);
  if (it != processes_.end()) it->second.gave_up = false;
}

void RestartPolicy::RecordRestart(absl::string_view namespec, std::int64_t start_after,
                                  std::int64_t pid_after, absl::Time now) {
  failures_ = 0;
  successes_ = 0;
  ProcessRecord& record = processes_[std::string(namespec)];
  record.seen = true;
  record.start = start_after;
  record.pid = pid_after;
  if (options_.max_restarts > 0) {
    PruneHistory(record, now);
    record.restarts.push_back(now);
  }
}

}  // namespace kit
}  // namespace svl
