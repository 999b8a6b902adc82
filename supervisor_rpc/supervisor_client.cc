#include "supervisor_rpc/supervisor_client.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/heap.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

// Prefixes a decoding error with the method name. Faults pass through
// untouched, so that FaultFromStatus() gives back the exact faultString.
absl::Status InMethod(absl::string_view method, const absl::Status& status) {
  if (status.ok() || FaultFromStatus(status).has_value()) return status;
  return absl::Status(status.code(), absl::StrCat(method, ": ", status.message()));
}

absl::Status ExpectTrue(absl::string_view method, const absl::StatusOr<XmlRpcValue>& result) {
  if (!result.ok()) return result.status();
  if (result->type() == XmlRpcValue::Type::kArray) {
    // supervisord answers a `group:*` namespec with the group result array.
    return absl::InvalidArgumentError(absl::StrCat(
        method, ": supervisord returned an array (a group namespec? use the *ProcessGroup call)"));
  }
  if (result->type() != XmlRpcValue::Type::kBoolean || !result->bool_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(method, ": supervisord returned something other than boolean true"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ProcessStatus> ProcessStatusFromValue(const XmlRpcValue& value) {
  const XmlRpcValue* name = value.Find("name");
  const XmlRpcValue* group = value.Find("group");
  const XmlRpcValue* status = value.Find("status");
  const XmlRpcValue* description = value.Find("description");
  if (name == nullptr || name->type() != XmlRpcValue::Type::kString ||
      group == nullptr || group->type() != XmlRpcValue::Type::kString ||
      status == nullptr || status->type() != XmlRpcValue::Type::kInt ||
      description == nullptr || description->type() != XmlRpcValue::Type::kString) {
    return absl::InvalidArgumentError(
        "group result is not a struct of string name, string group, int status, "
        "string description");
  }
  ProcessStatus out;
  out.name = name->string_value();
  out.group = group->string_value();
  out.status = static_cast<int>(status->int_value());
  out.description = description->string_value();
  return out;
}

absl::StatusOr<std::vector<ProcessStatus>> ProcessStatuses(
    absl::string_view method, const absl::StatusOr<XmlRpcValue>& result) {
  if (!result.ok()) return result.status();
  if (result->type() != XmlRpcValue::Type::kArray) {
    return absl::InvalidArgumentError(absl::StrCat(method, ": supervisord returned no array"));
  }
  std::vector<ProcessStatus> out;
  out.reserve(result->array().size());
  for (const XmlRpcValue& item : result->array()) {
    absl::StatusOr<ProcessStatus> status = ProcessStatusFromValue(item);
    if (!status.ok()) return InMethod(method, status.status());
    out.push_back(*std::move(status));
  }
  return out;
}

}  // namespace

SupervisorClient::SupervisorClient(Transport& transport) : transport_(transport) {}

absl::StatusOr<XmlRpcValue> SupervisorClient::Call(absl::string_view method,
                                                   const std::vector<XmlRpcValue>& params) {
  absl::StatusOr<std::string> body = transport_.Post(EncodeMethodCall(method, params));
  if (!body.ok()) return body.status();
  absl::StatusOr<XmlRpcValue> result = DecodeMethodResponse(*body);
  if (!result.ok()) return InMethod(method, result.status());
  return result;
}

namespace {
// From this many processes on, an answer is large enough (~100 KB) to give
// its memory back after decoding.
constexpr size_t kReleaseHeapAfterProcesses = 100;
}  // namespace

absl::StatusOr<std::vector<ProcessInfo>> SupervisorClient::GetAllProcessInfo() {
  constexpr absl::string_view kMethod = "supervisor.getAllProcessInfo";
  absl::StatusOr<std::vector<ProcessInfo>> infos =
      [this, kMethod]() -> absl::StatusOr<std::vector<ProcessInfo>> {
    absl::StatusOr<XmlRpcValue> result = Call(kMethod, {});
    if (!result.ok()) return result.status();
    absl::StatusOr<std::vector<ProcessInfo>> converted = ProcessInfoListFromValue(*result);
    if (!converted.ok()) return InMethod(kMethod, converted.status());
    return converted;
  }();
  // The answer, its XML tree and its value are freed now (about 1 KB a
  // process): give the memory back, so that the listener's memory follows
  // the list it keeps, not the largest answer it ever read.
  // (An answer that did not decode may have been large too: rare, trimmed.)
  if (!infos.ok() || infos->size() >= kReleaseHeapAfterProcesses) base::ReleaseFreedHeap();
  return infos;
}

absl::StatusOr<ProcessInfo> SupervisorClient::GetProcessInfo(absl::string_view namespec) {
  constexpr absl::string_view kMethod = "supervisor.getProcessInfo";
  absl::StatusOr<XmlRpcValue> result =
      Call(kMethod, {XmlRpcValue::String(std::string(namespec))});
  if (!result.ok()) return result.status();
  absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(*result);
  if (!info.ok()) return InMethod(kMethod, info.status());
  return info;
}

absl::Status SupervisorClient::StartProcess(absl::string_view namespec, bool wait) {
  constexpr absl::string_view kMethod = "supervisor.startProcess";
  return ExpectTrue(kMethod, Call(kMethod, {XmlRpcValue::String(std::string(namespec)),
                                            XmlRpcValue::Boolean(wait)}));
}

absl::Status SupervisorClient::StopProcess(absl::string_view namespec, bool wait) {
  constexpr absl::string_view kMethod = "supervisor.stopProcess";
  return ExpectTrue(kMethod, Call(kMethod, {XmlRpcValue::String(std::string(namespec)),
                                            XmlRpcValue::Boolean(wait)}));
}

absl::Status SupervisorClient::SignalProcess(absl::string_view namespec,
                                             absl::string_view signal) {
  constexpr absl::string_view kMethod = "supervisor.signalProcess";
  return ExpectTrue(kMethod, Call(kMethod, {XmlRpcValue::String(std::string(namespec)),
                                            XmlRpcValue::String(std::string(signal))}));
}

absl::StatusOr<std::vector<ProcessStatus>> SupervisorClient::StartProcessGroup(
    absl::string_view group, bool wait) {
  constexpr absl::string_view kMethod = "supervisor.startProcessGroup";
  return ProcessStatuses(kMethod, Call(kMethod, {XmlRpcValue::String(std::string(group)),
                                                 XmlRpcValue::Boolean(wait)}));
}

absl::StatusOr<std::vector<ProcessStatus>> SupervisorClient::StopProcessGroup(
    absl::string_view group, bool wait) {
  constexpr absl::string_view kMethod = "supervisor.stopProcessGroup";
  return ProcessStatuses(kMethod, Call(kMethod, {XmlRpcValue::String(std::string(group)),
                                                 XmlRpcValue::Boolean(wait)}));
}

absl::StatusOr<std::vector<ProcessStatus>> SupervisorClient::SignalProcessGroup(
    absl::string_view group, absl::string_view signal) {
  constexpr absl::string_view kMethod = "supervisor.signalProcessGroup";
  return ProcessStatuses(kMethod, Call(kMethod, {XmlRpcValue::String(std::string(group)),
                                                 XmlRpcValue::String(std::string(signal))}));
}

}  // namespace supervisor_rpc
}  // namespace svl
