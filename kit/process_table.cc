#include "kit/process_table.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "protocol/payloads.h"

namespace svl {
namespace kit {
namespace {

using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;

constexpr absl::string_view kProcessStatePrefix = "PROCESS_STATE_";

std::string Key(absl::string_view group, absl::string_view name) {
  return absl::StrCat(group, ":", name);
}

// The state a PROCESS_STATE_<STATE> event announces.
absl::optional<ProcessState> StateOfEvent(absl::string_view eventname) {
  absl::string_view state = eventname.substr(kProcessStatePrefix.size());
  for (ProcessState s : {ProcessState::kStopped, ProcessState::kStarting, ProcessState::kRunning,
                         ProcessState::kBackoff, ProcessState::kStopping, ProcessState::kExited,
                         ProcessState::kFatal, ProcessState::kUnknown}) {
    if (supervisor_rpc::ProcessStateName(s) == state) return s;
  }
  return absl::nullopt;
}

}  // namespace

ProcessTable::ProcessTable(std::function<absl::Time()> clock)
    : clock_(clock ? std::move(clock) : [] { return absl::Now(); }) {}

void ProcessTable::OnEvent(const protocol::Event& event) {
  const protocol::EventHeader& header = event.header;
  absl::MutexLock lock(&mu_);
  if (!header.pool.empty()) {
    if (last_poolserial_.has_value() && header.poolserial != *last_poolserial_ + 1) {
      stale_ = true;  // events were dropped (or shared with another listener of the pool)
    }
    last_poolserial_ = header.poolserial;
  }
  if (header.eventname == "PROCESS_GROUP_ADDED" || header.eventname == "PROCESS_GROUP_REMOVED") {
    stale_ = true;
    return;
  }
  if (!absl::StartsWith(header.eventname, kProcessStatePrefix)) return;
  live_ = true;
  if (fetching_) {
    during_fetch_.push_back(event);
    return;
  }
  if (!stale_ && !Apply(event)) stale_ = true;
}

bool ProcessTable::Apply(const protocol::Event& event) {
  const absl::optional<ProcessState> state = StateOfEvent(event.header.eventname);
  absl::StatusOr<protocol::ProcessStatePayload> payload =
      protocol::ParseProcessStatePayload(event.header.eventname, event.payload);
  if (!state.has_value() || !payload.ok()) return false;
  auto it = index_.find(Key(payload->groupname, payload->processname));
  if (it == index_.end()) return false;
  ProcessInfo& process = processes_[it->second];
  const std::int64_t now = absl::ToUnixSeconds(clock_());
  process.state = *state;
  process.state_code = static_cast<int>(*state);
  process.statename = std::string(supervisor_rpc::ProcessStateName(*state));
  switch (*state) {
    case ProcessState::kStarting:
      process.start = now;
      process.pid = 0;  // its pid comes with RUNNING
      break;
    case ProcessState::kRunning:
    case ProcessState::kStopping:
      process.pid = payload->pid.value_or(process.pid);
      break;
    case ProcessState::kStopped:
    case ProcessState::kExited:
      process.stop = now;
      process.pid = 0;
      break;
    case ProcessState::kBackoff:
    case ProcessState::kFatal:
    case ProcessState::kUnknown:
      process.pid = 0;
      break;
  }
  return true;
}

bool ProcessTable::live() const {
  absl::MutexLock lock(&mu_);
  return live_;
}

void ProcessTable::MarkStale() {
  absl::MutexLock lock(&mu_);
  stale_ = true;
}

int ProcessTable::fetches() const {
  absl::MutexLock lock(&mu_);
  return fetches_;
}

absl::StatusOr<std::vector<ProcessInfo>> ProcessTable::Processes(
    supervisor_rpc::ProcessControl& client) {
  {
    absl::MutexLock lock(&mu_);
    if (live_ && !stale_ && clock_() - fetched_at_ < kMaxTableAge) {
      std::vector<ProcessInfo> processes = processes_;
      const std::int64_t now = absl::ToUnixSeconds(clock_());
      for (ProcessInfo& process : processes) process.now = now;
      return processes;
    }
    fetching_ = true;
    stale_ = false;  // set again by whatever arrives meanwhile that needs a refetch
    during_fetch_.clear();
  }
  absl::StatusOr<std::vector<ProcessInfo>> fetched = client.GetAllProcessInfo();
  absl::MutexLock lock(&mu_);
  fetching_ = false;
  ++fetches_;
  fetched_at_ = clock_();
  std::vector<protocol::Event> during_fetch = std::move(during_fetch_);
  during_fetch_.clear();
  if (!fetched.ok()) {
    stale_ = true;
    return fetched.status();
  }
  // supervisord's clock onto ours: `now - start` stays the uptime it told.
  const std::int64_t now = absl::ToUnixSeconds(clock_());
  processes_ = *fetched;
  index_.clear();
  for (size_t i = 0; i < processes_.size(); ++i) {
    ProcessInfo& process = processes_[i];
    if (process.start != 0) process.start += now - process.now;
    if (process.stop != 0) process.stop += now - process.now;
    process.now = now;
    index_[Key(process.group, process.name)] = i;
  }
  if (!live_) return fetched;  // not kept from events: the answer as it came
  // Events that arrived during the fetch, in order: the last one tells.
  for (const protocol::Event& event : during_fetch) {
    if (!Apply(event)) stale_ = true;
  }
  return processes_;
}

}  // namespace kit
}  // namespace svl
