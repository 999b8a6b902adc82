// File: supervisor_rpc/supervisor_client.h
//
// A typed client for the `supervisor.*` XML-RPC methods httpok and its
// siblings use. Every call returns a Status that says what happened: a
// transport error (transport.h) or a supervisord fault (fault.h).
//
// Example:
//
//   SupervisorClient client(*transport);
//   absl::StatusOr<std::vector<ProcessInfo>> all = client.GetAllProcessInfo();
//   absl::Status stopped = client.StopProcess("web:web_00", /*wait=*/true);

#ifndef SVL_SUPERVISOR_RPC_SUPERVISOR_CLIENT_H_
#define SVL_SUPERVISOR_RPC_SUPERVISOR_CLIENT_H_

#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_control.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/transport.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

// SupervisorClient makes typed supervisor.* calls over a Transport.
class SupervisorClient : public ProcessControl {
 public:
  // `transport` must outlive the client.
  explicit SupervisorClient(Transport& transport);

  // Call() is the generic method call: encode, post, decode (faults become
  // Status via FaultToStatus).
  absl::StatusOr<XmlRpcValue> Call(absl::string_view method,
                                   const std::vector<XmlRpcValue>& params);

  absl::StatusOr<std::vector<ProcessInfo>> GetAllProcessInfo() override;
  absl::StatusOr<ProcessInfo> GetProcessInfo(absl::string_view namespec) override;

  // Single-process operations: OkStatus when supervisord returned true. A
  // group namespec (`g:*`, `g:`) makes supervisord answer with the group
  // array instead: kInvalidArgument; use the *ProcessGroup calls for groups.
  ABSL_MUST_USE_RESULT absl::Status StartProcess(absl::string_view namespec, bool wait) override;
  ABSL_MUST_USE_RESULT absl::Status StopProcess(absl::string_view namespec, bool wait) override;
  // `signal` as supervisord takes it: "HUP", "SIGUSR1" or "1".
  ABSL_MUST_USE_RESULT absl::Status SignalProcess(absl::string_view namespec,
                                                  absl::string_view signal);

  // Group operations return one ProcessStatus per process.
  absl::StatusOr<std::vector<ProcessStatus>> StartProcessGroup(absl::string_view group, bool wait);
  absl::StatusOr<std::vector<ProcessStatus>> StopProcessGroup(absl::string_view group, bool wait);
  absl::StatusOr<std::vector<ProcessStatus>> SignalProcessGroup(absl::string_view group,
                                                                absl::string_view signal);

 private:
  Transport& transport_;
};

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_SUPERVISOR_CLIENT_H_
