#include "kit/process_selection.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "supervisor_rpc/fault.h"

namespace svl {
namespace kit {
namespace {

using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

void RemoveFirst(std::vector<std::string>* items, const std::string& item) {
  auto it = std::find(items->begin(), items->end(), item);
  if (it != items->end()) items->erase(it);
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

SelfProcess SelfFromEnvironment() {
  return {Env("SUPERVISOR_GROUP_NAME"), Env("SUPERVISOR_PROCESS_NAME")};
}

std::string GroupOfWildcard(const std::string& namespec) {
  if (namespec.size() > 2 && absl::EndsWith(namespec, ":*")) {
    return namespec.substr(0, namespec.size() - 2);
  }
  return "";
}

ProcessSelection::ProcessSelection(std::vector<std::string> programs, bool any, SelfProcess self)
    : programs_(std::move(programs)), any_(any), self_(std::move(self)) {}

bool ProcessSelection::Selected(const ProcessInfo& process) const {
  return any_ || Contains(programs_, process.name) ||
         Contains(programs_, supervisor_rpc::MakeNamespec(process.group, process.name)) ||
         NamedByGroup(process);
}

bool ProcessSelection::NamedByGroup(const ProcessInfo& process) const {
  return Contains(programs_, absl::StrCat(process.group, ":*"));
}

bool ProcessSelection::IsSelf(const ProcessInfo& process) const {
  // The whole pool: with numprocs > 1 every listener of the pool sees the
  // same trouble, and each would restart the others.
  if (!self_.group.empty()) return process.group == self_.group;
  return !self_.name.empty() && process.name == self_.name;
}

std::vector<std::string> ProcessSelection::Unmatched(
    const std::vector<ProcessInfo>& processes) const {
  std::vector<std::string> waiting = programs_;
  for (const ProcessInfo& p : processes) {
    if (any_ && IsSelf(p)) continue;
    RemoveFirst(&waiting, p.name);
    RemoveFirst(&waiting, supervisor_rpc::MakeNamespec(p.group, p.name));
    RemoveFirst(&waiting, absl::StrCat(p.group, ":*"));
  }
  return waiting;
}

absl::StatusOr<bool> ProcessSelection::AnySelectedRunning(supervisor_rpc::ProcessControl& client,
                                                          ProcessTable* table) const {
  if (table != nullptr && table->live()) {
    absl::StatusOr<std::vector<ProcessInfo>> all = table->Processes(client);
    if (!all.ok()) return all.status();
    return std::any_of(all->begin(), all->end(), [this](const ProcessInfo& p) {
      return Selected(p) && p.state == ProcessState::kRunning && !IsSelf(p);
    });
  }
  if (any_) {
    absl::StatusOr<std::vector<ProcessInfo>> all = client.GetAllProcessInfo();
    if (!all.ok()) return all.status();
    return std::any_of(all->begin(), all->end(), [this](const ProcessInfo& p) {
      return p.state == ProcessState::kRunning && !IsSelf(p);
    });
  }
  absl::optional<std::vector<ProcessInfo>> all;  // fetched at most once
  const auto fetch_all = [&client, &all]() -> absl::Status {
    if (all.has_value()) return absl::OkStatus();
    absl::StatusOr<std::vector<ProcessInfo>> fetched = client.GetAllProcessInfo();
    if (!fetched.ok()) return fetched.status();
    all = *std::move(fetched);
    return absl::OkStatus();
  };
  for (const std::string& program : programs_) {
    if (const std::string group = GroupOfWildcard(program); !group.empty()) {
      if (absl::Status s = fetch_all(); !s.ok()) return s;
      for (const ProcessInfo& p : *all) {
        if (p.group == group && p.state == ProcessState::kRunning && !IsSelf(p)) return true;
      }
      continue;
    }
    absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(program);
    if (info.ok()) {
      if (info->state == ProcessState::kRunning) return true;
      continue;
    }
    if (!supervisor_rpc::IsFault(info.status(), supervisor_rpc::FaultCode::kBadName)) {
      return info.status();
    }
    if (absl::StrContains(program, ':')) continue;  // `group:name` does not exist
    // A bare name that is not `name:name`: look for `name` in every group.
    if (absl::Status s = fetch_all(); !s.ok()) return s;
    for (const ProcessInfo& p : *all) {
      if (p.name == program && p.state == ProcessState::kRunning) return true;
    }
  }
  return false;
}

absl::StatusOr<std::vector<ProcessInfo>> ProcessSelection::SelectedProcesses(
    supervisor_rpc::ProcessControl& client) const {
  const auto only_selected = [this](std::vector<ProcessInfo> all) {
    all.erase(std::remove_if(all.begin(), all.end(),
                             [this](const ProcessInfo& p) { return !Selected(p); }),
              all.end());
    return all;
  };
  const bool needs_all =
      any_ || std::any_of(programs_.begin(), programs_.end(), [](const std::string& program) {
        return !GroupOfWildcard(program).empty();
      });
  if (needs_all) {
    absl::StatusOr<std::vector<ProcessInfo>> all = client.GetAllProcessInfo();
    if (!all.ok()) return all.status();
    return only_selected(*std::move(all));
  }
  std::vector<ProcessInfo> found;
  for (const std::string& program : programs_) {
    absl::StatusOr<ProcessInfo> info = client.GetProcessInfo(program);
    if (info.ok()) {
      found.push_back(*std::move(info));
      continue;
    }
    if (!supervisor_rpc::IsFault(info.status(), supervisor_rpc::FaultCode::kBadName)) {
      return info.status();
    }
    if (absl::StrContains(program, ':')) continue;  // `group:name` does not exist
    // A bare name that is not `name:name`: it may be a name in other groups.
    absl::StatusOr<std::vector<ProcessInfo>> all = client.GetAllProcessInfo();
    if (!all.ok()) return all.status();
    return only_selected(*std::move(all));
  }
  // supervisord's order, each process once (two entries may name one).
  std::sort(found.begin(), found.end(), [](const ProcessInfo& a, const ProcessInfo& b) {
    return std::tie(a.group, a.name) < std::tie(b.group, b.name);
  });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const ProcessInfo& a, const ProcessInfo& b) {
                            return a.group == b.group && a.name == b.name;
                          }),
              found.end());
  return found;
}

}  // namespace kit
}  // namespace svl
