#include "tests/testing/fake_process_control.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace svl {
namespace testing {

using supervisor_rpc::Fault;
using supervisor_rpc::FaultToStatus;
using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;
namespace FaultCode = supervisor_rpc::FaultCode;

namespace {

void SetStateOf(ProcessInfo* p, ProcessState state) {
  p->state = state;
  p->state_code = static_cast<int>(state);
  p->statename = std::string(supervisor_rpc::ProcessStateName(state));
}

absl::Status NamedFault(int code, absl::string_view namespec) {
  return FaultToStatus(
      Fault{code, absl::StrCat(supervisor_rpc::FaultName(code), ": ", namespec)});
}

}  // namespace

ProcessInfo ProcessEntry(std::string group, std::string name, ProcessState state,
                         std::int64_t pid, std::int64_t start) {
  ProcessInfo p;
  p.group = std::move(group);
  p.name = std::move(name);
  SetStateOf(&p, state);
  p.pid = pid;
  p.start = start;
  return p;
}

std::vector<ProcessInfo> UpstreamDummyProcesses() {
  ProcessInfo bar = ProcessEntry("bar", "bar", ProcessState::kFatal, 12);
  bar.spawnerr = "screwed";
  return {
      ProcessEntry("foo", "foo", ProcessState::kRunning, 11),
      bar,
      ProcessEntry("baz", "baz_01", ProcessState::kStopped, 12),
  };
}

std::vector<ProcessInfo> UpstreamFailProcesses() {
  return {
      ProcessEntry("foo", "FAILED", ProcessState::kRunning, 11),
      ProcessEntry("foo", "SPAWN_ERROR", ProcessState::kRunning, 11),
  };
}

FakeProcessControl::FakeProcessControl(std::vector<ProcessInfo> processes)
    : processes_(std::move(processes)) {}

absl::optional<absl::Status> FakeProcessControl::Record(absl::string_view method,
                                                        absl::string_view namespec,
                                                        bool has_arg) {
  const std::string call = has_arg ? absl::StrCat(method, "('", namespec, "')")
                                   : absl::StrCat(method, "()");
  std::function<void(const std::string&)> hook;
  {
    absl::MutexLock lock(&mu_);
    calls_.push_back(call);
    hook = on_call_;
  }
  if (hook) hook(call);
  absl::MutexLock lock(&mu_);
  if (broken_) {
    return absl::InternalError("XML-RPC call to http://fake-supervisord: HTTP 500 instead of 200");
  }
  auto fault = faults_.find({std::string(method), std::string(namespec)});
  if (fault != faults_.end()) return FaultToStatus(fault->second);
  return absl::nullopt;
}

absl::StatusOr<std::vector<size_t>> FakeProcessControl::Targets(absl::string_view namespec,
                                                                bool whole_group_ok) const {
  const supervisor_rpc::NamespecParts parts = supervisor_rpc::SplitNamespec(namespec);
  std::vector<size_t> found;
  bool group_known = false;
  for (size_t i = 0; i < processes_.size(); ++i) {
    if (processes_[i].group != parts.group) continue;
    group_known = true;
    if (parts.name.empty() || processes_[i].name == parts.name) found.push_back(i);
  }
  if (!group_known || (parts.name.empty() && !whole_group_ok) ||
      (!parts.name.empty() && found.empty())) {
    return NamedFault(FaultCode::kBadName, namespec);
  }
  return found;
}

ProcessInfo FakeProcessControl::Reply(const ProcessInfo& p) const {
  ProcessInfo reply = p;
  reply.now = now_;
  return reply;
}

absl::StatusOr<std::vector<ProcessInfo>> FakeProcessControl::GetAllProcessInfo() {
  if (absl::optional<absl::Status> end = Record("getAllProcessInfo", "", false)) return *end;
  absl::MutexLock lock(&mu_);
  std::vector<ProcessInfo> all;
  for (const ProcessInfo& p : processes_) all.push_back(Reply(p));
  return all;
}

absl::StatusOr<ProcessInfo> FakeProcessControl::GetProcessInfo(absl::string_view namespec) {
  if (absl::optional<absl::Status> end = Record("getProcessInfo", namespec, true)) return *end;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<size_t>> targets = Targets(namespec, /*whole_group_ok=*/false);
  if (!targets.ok()) return targets.status();
  return Reply(processes_[targets->front()]);
}

absl::Status FakeProcessControl::StopProcess(absl::string_view namespec, bool wait) {
  {
    absl::MutexLock lock(&mu_);
    waits_.push_back(wait);
  }
  if (absl::optional<absl::Status> end = Record("stopProcess", namespec, true)) return *end;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<size_t>> targets = Targets(namespec, /*whole_group_ok=*/true);
  if (!targets.ok()) return targets.status();
  const bool whole_group = supervisor_rpc::SplitNamespec(namespec).name.empty();
  for (size_t i : *targets) {
    ProcessInfo& p = processes_[i];
    if (!supervisor_rpc::IsRunningState(p.state)) {
      if (whole_group) continue;  // a group stop skips what is not running
      return NamedFault(FaultCode::kNotRunning, namespec);
    }
    SetStateOf(&p, ProcessState::kStopped);
    p.pid = 0;
    p.stop = now_;
  }
  return absl::OkStatus();
}

absl::Status FakeProcessControl::StartProcess(absl::string_view namespec, bool wait) {
  {
    absl::MutexLock lock(&mu_);
    waits_.push_back(wait);
  }
  if (absl::optional<absl::Status> end = Record("startProcess", namespec, true)) return *end;
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<size_t>> targets = Targets(namespec, /*whole_group_ok=*/true);
  if (!targets.ok()) return targets.status();
  const bool whole_group = supervisor_rpc::SplitNamespec(namespec).name.empty();
  for (size_t i : *targets) {
    ProcessInfo& p = processes_[i];
    if (supervisor_rpc::IsRunningState(p.state)) {
      if (whole_group) continue;  // a group start skips what runs
      return NamedFault(FaultCode::kAlreadyStarted, namespec);
    }
    SetStateOf(&p, ProcessState::kRunning);
    p.pid = next_pid_++;
    p.start = now_;
    p.spawnerr.clear();
  }
  return absl::OkStatus();
}

std::vector<std::string> FakeProcessControl::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

void FakeProcessControl::ClearCalls() {
  absl::MutexLock lock(&mu_);
  calls_.clear();
  waits_.clear();
}

std::vector<bool> FakeProcessControl::waits() const {
  absl::MutexLock lock(&mu_);
  return waits_;
}

void FakeProcessControl::SetBroken(bool broken) {
  absl::MutexLock lock(&mu_);
  broken_ = broken;
}

void FakeProcessControl::SetFault(absl::string_view call, absl::string_view namespec,
                                  Fault fault) {
  absl::MutexLock lock(&mu_);
  faults_[{std::string(call), std::string(namespec)}] = std::move(fault);
}

void FakeProcessControl::ClearFaults() {
  absl::MutexLock lock(&mu_);
  faults_.clear();
}

void FakeProcessControl::SetOnCall(std::function<void(const std::string& call)> hook) {
  absl::MutexLock lock(&mu_);
  on_call_ = std::move(hook);
}

void FakeProcessControl::SetNow(std::int64_t now) {
  absl::MutexLock lock(&mu_);
  now_ = now;
}

std::int64_t FakeProcessControl::now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeProcessControl::Put(ProcessInfo process) {
  absl::MutexLock lock(&mu_);
  for (ProcessInfo& p : processes_) {
    if (p.group == process.group && p.name == process.name) {
      p = std::move(process);
      return;
    }
  }
  processes_.push_back(std::move(process));
}

bool FakeProcessControl::SetState(absl::string_view namespec, ProcessState state) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<size_t>> targets = Targets(namespec, /*whole_group_ok=*/false);
  if (!targets.ok()) return false;
  SetStateOf(&processes_[targets->front()], state);
  return true;
}

absl::optional<ProcessInfo> FakeProcessControl::Process(absl::string_view namespec) const {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<size_t>> targets = Targets(namespec, /*whole_group_ok=*/false);
  if (!targets.ok()) return absl::nullopt;
  return Reply(processes_[targets->front()]);
}

}  // namespace testing
}  // namespace svl
