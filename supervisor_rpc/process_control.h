// File: supervisor_rpc/process_control.h
//
// The process-control calls a listener makes to supervisord, as an
// interface: SupervisorClient implements it over XML-RPC, and a listener's
// policy takes a ProcessControl so that it can be tested against an
// in-memory supervisord. Errors are those of SupervisorClient: a transport
// error, or a supervisord fault (fault.h).

#ifndef SVL_SUPERVISOR_RPC_PROCESS_CONTROL_H_
#define SVL_SUPERVISOR_RPC_PROCESS_CONTROL_H_

#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace supervisor_rpc {

// ProcessControl is what a listener asks supervisord about its processes.
class ProcessControl {
 public:
  virtual ~ProcessControl() = default;

  // GetAllProcessInfo() is supervisor.getAllProcessInfo: every process.
  virtual absl::StatusOr<std::vector<ProcessInfo>> GetAllProcessInfo() = 0;
  // GetProcessInfo() is supervisor.getProcessInfo for one namespec.
  virtual absl::StatusOr<ProcessInfo> GetProcessInfo(absl::string_view namespec) = 0;
  // StartProcess() / StopProcess(): OkStatus when supervisord returned true;
  // with `wait`, supervisord answers once the process has started/stopped.
  ABSL_MUST_USE_RESULT virtual absl::Status StartProcess(absl::string_view namespec,
                                                         bool wait) = 0;
  ABSL_MUST_USE_RESULT virtual absl::Status StopProcess(absl::string_view namespec,
                                                        bool wait) = 0;
};

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_PROCESS_CONTROL_H_
