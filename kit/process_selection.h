// File: kit/process_selection.h
//
// Which of supervisord's processes a listener acts on. A listener is given
// namespecs (`-p`): `name` (that name in any group), `group:name`, or
// `group:*` (every process of the group); or every process (`-a`). Either
// way it never selects itself: every process of its own group (supervisord
// sets SUPERVISOR_GROUP_NAME for it) is left alone, so the listeners of one
// pool (numprocs > 1) never restart each other.
//
// Example:
//
//   ProcessSelection selection({"web", "workers:*"}, /*any=*/false, SelfFromEnvironment());
//   for (const ProcessInfo& p : all) {
//     if (selection.Selected(p) && !selection.IsSelf(p)) ... restart p ...
//   }
//   std::vector<std::string> missing = selection.Unmatched(all);  // named, not found

#ifndef SVL_KIT_PROCESS_SELECTION_H_
#define SVL_KIT_PROCESS_SELECTION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kit/process_table.h"
#include "supervisor_rpc/process_control.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace kit {

// The listener's own process, as supervisord names it in its environment.
struct SelfProcess {
  std::string group;  // SUPERVISOR_GROUP_NAME
  std::string name;   // SUPERVISOR_PROCESS_NAME
};

// SelfFromEnvironment() reads SUPERVISOR_GROUP_NAME and
// SUPERVISOR_PROCESS_NAME ("" when unset).
SelfProcess SelfFromEnvironment();

// GroupOfWildcard() is "g" for "g:*", else "".
std::string GroupOfWildcard(const std::string& namespec);

// ProcessSelection is a listener's -p / -a choice of processes.
class ProcessSelection {
 public:
  ProcessSelection(std::vector<std::string> programs, bool any, SelfProcess self);

  // any() is -a: every process is selected.
  bool any() const { return any_; }
  // programs() are the -p entries, as given.
  const std::vector<std::string>& programs() const { return programs_; }

  // Selected() is true when a -p entry names the process (`name`,
  // `group:name` or `group:*`); true for every process with `any`.
  bool Selected(const supervisor_rpc::ProcessInfo& process) const;
  // NamedByGroup() is true when the process is selected by `group:*`.
  bool NamedByGroup(const supervisor_rpc::ProcessInfo& process) const;
  // IsSelf() is true for the listener's own pool: every process of its
  // group, or (without a group) the process with its name.
  bool IsSelf(const supervisor_rpc::ProcessInfo& process) const;

  // Unmatched() lists the -p entries that no process of `processes` took
  // up (one entry per process that matches it, in order, as superlance
  // counted them). With `any`, the listener's own pool takes up nothing.
  std::vector<std::string> Unmatched(
      const std::vector<supervisor_rpc::ProcessInfo>& processes) const;

  // AnySelectedRunning() asks supervisord whether a selected process other
  // than the listener's own is RUNNING, with as few calls as possible: none
  // when `table` (may be null) is live (kit/process_table.h); else with
  // `any`, one getAllProcessInfo; else one getProcessInfo per entry until
  // one is RUNNING, and one getAllProcessInfo at most for `group:*` entries
  // and bare names that supervisord does not know as `name:name`. An RPC
  // error is returned as it is.
  absl::StatusOr<bool> AnySelectedRunning(supervisor_rpc::ProcessControl& client,
                                          ProcessTable* table = nullptr) const;

  // SelectedProcesses() is every selected process (the listener's own pool
  // included: the caller says why it skips it), in supervisord's order
  // (group, then name), as supervisord tells it now (never from a table:
  // what a listener restarts, it asks about first), asking as little as
  // possible: one getAllProcessInfo with `any` or a `group:*` entry; else
  // one getProcessInfo per entry, and one getAllProcessInfo only when a
  // bare name is not known as `name:name` (it may name processes of other
  // groups). A bare name found as `name:name` stands for that process alone
  // (name the others `group:name`). An RPC error other than BAD_NAME is
  // returned as it is.
  absl::StatusOr<std::vector<supervisor_rpc::ProcessInfo>> SelectedProcesses(
      supervisor_rpc::ProcessControl& client) const;

 private:
  std::vector<std::string> programs_;
  bool any_;
  SelfProcess self_;
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_PROCESS_SELECTION_H_
