// File: supervisor_rpc/fault.h
//
// supervisord's fault codes (supervisor/xmlrpc.py Faults) and the mapping
// between an XML-RPC <fault> and absl::Status. A fault travels as a Status
// whose message is the faultString and whose payload holds the code, so that
// callers can both branch on the code and render it the Python way
// (`<Fault 50: 'SPAWN_ERROR: foo'>`, see httpok).
//
// Example:
//
//   absl::Status s = client.StartProcess("foo", /*wait=*/true);
//   if (absl::optional<Fault> f = FaultFromStatus(s)) {
//     if (f->code == FaultCode::kAlreadyStarted) ...
//   }

#ifndef SVL_SUPERVISOR_RPC_FAULT_H_
#define SVL_SUPERVISOR_RPC_FAULT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace svl {
namespace supervisor_rpc {

namespace FaultCode {
inline constexpr int kUnknownMethod = 1;
inline constexpr int kIncorrectParameters = 2;
inline constexpr int kBadArguments = 3;
inline constexpr int kSignatureUnsupported = 4;
inline constexpr int kShutdownState = 6;
inline constexpr int kBadName = 10;
inline constexpr int kBadSignal = 11;
inline constexpr int kNoFile = 20;
inline constexpr int kNotExecutable = 21;
inline constexpr int kFailed = 30;
inline constexpr int kAbnormalTermination = 40;
inline constexpr int kSpawnError = 50;
inline constexpr int kAlreadyStarted = 60;
inline constexpr int kNotRunning = 70;
inline constexpr int kSuccess = 80;
inline constexpr int kAlreadyAdded = 90;
inline constexpr int kStillRunning = 91;
inline constexpr int kCantReread = 92;
}  // namespace FaultCode

// FaultName() gives "BAD_NAME" for 10 etc., "UNKNOWN_FAULT" for other codes.
absl::string_view FaultName(int code);

// A supervisord fault: its code and faultString.
struct Fault {
  int code = 0;
  std::string fault_string;  // e.g. "SPAWN_ERROR: foo"
};

// FaultToStatus() gives a Status with the faultString as message, a canonical
// code chosen by fault (BAD_NAME -> kNotFound, ALREADY_STARTED ->
// kAlreadyExists, NOT_RUNNING -> kFailedPrecondition, SHUTDOWN_STATE ->
// kUnavailable, INCORRECT_PARAMETERS/BAD_ARGUMENTS/BAD_SIGNAL ->
// kInvalidArgument, UNKNOWN_METHOD -> kUnimplemented, others -> kAborted) and
// a payload carrying the fault code.
absl::Status FaultToStatus(const Fault& fault);

// FaultFromStatus() recovers the fault from a Status made by FaultToStatus(),
// or nullopt for any other Status (transport errors, OK).
absl::optional<Fault> FaultFromStatus(const absl::Status& status);

// IsFault() is true when `status` carries the fault `code` (FaultCode::*).
bool IsFault(const absl::Status& status, int code);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_FAULT_H_
