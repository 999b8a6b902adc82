// File: supervisor_rpc/process_info.h
//
// supervisord's process model: process states (supervisor/states.py), the
// process-info struct returned by getProcessInfo/getAllProcessInfo, the
// per-process status of group operations, and namespec helpers.
//
// Example:
//
//   std::string spec = MakeNamespec("baz", "baz_01");  // "baz:baz_01"
//   NamespecParts parts = SplitNamespec("foo");         // {"foo", "foo"}

#ifndef SVL_SUPERVISOR_RPC_PROCESS_INFO_H_
#define SVL_SUPERVISOR_RPC_PROCESS_INFO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

// supervisord's process states, with its numbers.
enum class ProcessState : int {
  kStopped = 0,
  kStarting = 10,
  kRunning = 20,
  kBackoff = 30,
  kStopping = 40,
  kExited = 100,
  kFatal = 200,
  kUnknown = 1000,
};

// ProcessStateName() gives "RUNNING" etc.; "UNKNOWN" for unlisted values.
absl::string_view ProcessStateName(ProcessState state);
// ProcessStateFromCode() maps supervisord's `state` int to a ProcessState;
// codes it does not know become kUnknown.
ProcessState ProcessStateFromCode(int code);
bool IsRunningState(ProcessState state);  // RUNNING, BACKOFF, STARTING
bool IsStoppedState(ProcessState state);  // STOPPED, EXITED, FATAL, UNKNOWN

// ProcessInfo: every field of supervisor.getProcessInfo (docs/api.rst).
struct ProcessInfo {
  std::string name;
  std::string group;
  std::int64_t start = 0;  // epoch of last start, 0 if never
  std::int64_t stop = 0;
  std::int64_t now = 0;    // supervisord's clock when the reply was made
  ProcessState state = ProcessState::kUnknown;
  int state_code = 0;      // the raw `state` int, even if not a known state
  std::string statename;
  std::string spawnerr;
  int exitstatus = 0;
  std::string logfile;
  std::string stdout_logfile;
  std::string stderr_logfile;
  std::int64_t pid = 0;
  std::string description;

  friend bool operator==(const ProcessInfo& a, const ProcessInfo& b);
};

// ProcessInfoFromValue() converts one struct. Member order is irrelevant;
// missing required members (name, group, state, pid) or wrong types give
// kInvalidArgument. Unknown extra members are ignored.
absl::StatusOr<ProcessInfo> ProcessInfoFromValue(const XmlRpcValue& value);

// ProcessInfoListFromValue() converts the array getAllProcessInfo returns:
// kInvalidArgument "supervisord returned no array" for a non-array, else the
// first failing item's ProcessInfoFromValue() error, if any.
absl::StatusOr<std::vector<ProcessInfo>> ProcessInfoListFromValue(const XmlRpcValue& value);

// The per-process result of a group operation (startProcessGroup, stopProcess
// with `g:*`, ...): {name, group, status (a fault code; 80 = SUCCESS), description}.
struct ProcessStatus {
  std::string name;
  std::string group;
  int status = 0;
  std::string description;
};

// MakeNamespec() is `name` when group == name, else `group:name`.
std::string MakeNamespec(absl::string_view group, absl::string_view name);

// SplitNamespec() follows supervisord's rules: "name" -> {name, name};
// "group:name" -> {group, name}; "group:" and "group:*" -> {group, ""}
// (the whole group).
struct NamespecParts {
  std::string group;
  std::string name;  // empty: the whole group
};
NamespecParts SplitNamespec(absl::string_view namespec);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_PROCESS_INFO_H_
