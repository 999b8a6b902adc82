#include "supervisor_rpc/fault.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace svl {
namespace supervisor_rpc {
namespace {

// The payload type URL under which FaultToStatus() stores the fault code.
constexpr absl::string_view kFaultPayloadUrl = "type.svlisten/svl.supervisor_rpc.Fault";

absl::StatusCode CanonicalCodeForFault(int code) {
  switch (code) {
    case FaultCode::kBadName:
      return absl::StatusCode::kNotFound;
    case FaultCode::kAlreadyStarted:
      return absl::StatusCode::kAlreadyExists;
    case FaultCode::kNotRunning:
      return absl::StatusCode::kFailedPrecondition;
    case FaultCode::kShutdownState:
      return absl::StatusCode::kUnavailable;
    case FaultCode::kIncorrectParameters:
    case FaultCode::kBadArguments:
    case FaultCode::kBadSignal:
      return absl::StatusCode::kInvalidArgument;
    case FaultCode::kUnknownMethod:
      return absl::StatusCode::kUnimplemented;
    default:
      return absl::StatusCode::kAborted;
  }
}

}  // namespace

absl::string_view FaultName(int code) {
  switch (code) {
    case FaultCode::kUnknownMethod: return "UNKNOWN_METHOD";
    case FaultCode::kIncorrectParameters: return "INCORRECT_PARAMETERS";
    case FaultCode::kBadArguments: return "BAD_ARGUMENTS";
    case FaultCode::kSignatureUnsupported: return "SIGNATURE_UNSUPPORTED";
    case FaultCode::kShutdownState: return "SHUTDOWN_STATE";
    case FaultCode::kBadName: return "BAD_NAME";
    case FaultCode::kBadSignal: return "BAD_SIGNAL";
    case FaultCode::kNoFile: return "NO_FILE";
    case FaultCode::kNotExecutable: return "NOT_EXECUTABLE";
    case FaultCode::kFailed: return "FAILED";
    case FaultCode::kAbnormalTermination: return "ABNORMAL_TERMINATION";
    case FaultCode::kSpawnError: return "SPAWN_ERROR";
    case FaultCode::kAlreadyStarted: return "ALREADY_STARTED";
    case FaultCode::kNotRunning: return "NOT_RUNNING";
    case FaultCode::kSuccess: return "SUCCESS";
    case FaultCode::kAlreadyAdded: return "ALREADY_ADDED";
    case FaultCode::kStillRunning: return "STILL_RUNNING";
    case FaultCode::kCantReread: return "CANT_REREAD";
    default: return "UNKNOWN_FAULT";
  }
}

absl::Status FaultToStatus(const Fault& fault) {
  absl::Status status(CanonicalCodeForFault(fault.code), fault.fault_string);
  status.SetPayload(kFaultPayloadUrl, absl::Cord(absl::StrCat(fault.code)));
  return status;
}

absl::optional<Fault> FaultFromStatus(const absl::Status& status) {
  if (status.ok()) return absl::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(kFaultPayloadUrl);
  if (!payload.has_value()) return absl::nullopt;
  Fault fault;
  if (!absl::SimpleAtoi(std::string(*payload), &fault.code)) return absl::nullopt;
  fault.fault_string = std::string(status.message());
  return fault;
}

bool IsFault(const absl::Status& status, int code) {
  absl::optional<Fault> fault = FaultFromStatus(status);
  return fault.has_value() && fault->code == code;
}

}  // namespace supervisor_rpc
}  // namespace svl
