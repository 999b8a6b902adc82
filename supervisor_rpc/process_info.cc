#include "supervisor_rpc/process_info.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

absl::string_view TypeName(XmlRpcValue::Type type) {
  switch (type) {
    case XmlRpcValue::Type::kNil: return "nil";
    case XmlRpcValue::Type::kInt: return "int";
    case XmlRpcValue::Type::kBoolean: return "boolean";
    case XmlRpcValue::Type::kString: return "string";
    case XmlRpcValue::Type::kDouble: return "double";
    case XmlRpcValue::Type::kBase64: return "base64";
    case XmlRpcValue::Type::kDateTime: return "dateTime.iso8601";
    case XmlRpcValue::Type::kArray: return "array";
    case XmlRpcValue::Type::kStruct: return "struct";
  }
  return "?";
}

// Reads member `name` of `value` as `type` into `out`. A missing member is
// an error only when `required`.
absl::Status ReadString(const XmlRpcValue& value, absl::string_view name, bool required,
                        std::string* out) {
  const XmlRpcValue* member = value.Find(name);
  if (member == nullptr) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("process info has no '", name, "' member"));
  }
  if (member->type() != XmlRpcValue::Type::kString) {
    return absl::InvalidArgumentError(absl::StrCat("process info member '", name,
                                                   "' is ", TypeName(member->type()),
                                                   ", want string"));
  }
  *out = member->string_value();
  return absl::OkStatus();
}

absl::Status ReadInt(const XmlRpcValue& value, absl::string_view name, bool required,
                     std::int64_t* out) {
  const XmlRpcValue* member = value.Find(name);
  if (member == nullptr) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("process info has no '", name, "' member"));
  }
  if (member->type() != XmlRpcValue::Type::kInt) {
    return absl::InvalidArgumentError(absl::StrCat("process info member '", name,
                                                   "' is ", TypeName(member->type()),
                                                   ", want int"));
  }
  *out = member->int_value();
  return absl::OkStatus();
}

}  // namespace

absl::string_view ProcessStateName(ProcessState state) {
  switch (state) {
    case ProcessState::kStopped: return "STOPPED";
    case ProcessState::kStarting: return "STARTING";
    case ProcessState::kRunning: return "RUNNING";
    case ProcessState::kBackoff: return "BACKOFF";
    case ProcessState::kStopping: return "STOPPING";
    case ProcessState::kExited: return "EXITED";
    case ProcessState::kFatal: return "FATAL";
    case ProcessState::kUnknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

bool IsRunningState(ProcessState state) {
  return state == ProcessState::kRunning || state == ProcessState::kBackoff ||
         state == ProcessState::kStarting;
}

bool IsStoppedState(ProcessState state) {
  return state == ProcessState::kStopped || state == ProcessState::kExited ||
         state == ProcessState::kFatal || state == ProcessState::kUnknown;
}

bool operator==(const ProcessInfo& a, const ProcessInfo& b) {
  return a.name == b.name && a.group == b.group && a.start == b.start && a.stop == b.stop &&
         a.now == b.now && a.state == b.state && a.state_code == b.state_code &&
         a.statename == b.statename && a.spawnerr == b.spawnerr &&
         a.exitstatus == b.exitstatus && a.logfile == b.logfile &&
         a.stdout_logfile == b.stdout_logfile && a.stderr_logfile == b.stderr_logfile &&
         a.pid == b.pid && a.description == b.description;
}

absl::StatusOr<ProcessInfo> ProcessInfoFromValue(const XmlRpcValue& value) {
  if (value.type() != XmlRpcValue::Type::kStruct) {
    return absl::InvalidArgumentError(
        absl::StrCat("process info is ", TypeName(value.type()), ", want struct"));
  }
  ProcessInfo info;
  std::int64_t state = 0;
  std::int64_t exitstatus = 0;
  absl::Status s;
  if (!(s = ReadString(value, "name", true, &info.name)).ok()) return s;
  if (!(s = ReadString(value, "group", true, &info.group)).ok()) return s;
  if (!(s = ReadInt(value, "start", false, &info.start)).ok()) return s;
  if (!(s = ReadInt(value, "stop", false, &info.stop)).ok()) return s;
  if (!(s = ReadInt(value, "now", false, &info.now)).ok()) return s;
  if (!(s = ReadInt(value, "state", true, &state)).ok()) return s;
  if (!(s = ReadString(value, "statename", false, &info.statename)).ok()) return s;
  if (!(s = ReadString(value, "spawnerr", false, &info.spawnerr)).ok()) return s;
  if (!(s = ReadInt(value, "exitstatus", false, &exitstatus)).ok()) return s;
  if (!(s = ReadString(value, "logfile", false, &info.logfile)).ok()) return s;
  if (!(s = ReadString(value, "stdout_logfile", false, &info.stdout_logfile)).ok()) return s;
  if (!(s = ReadString(value, "stderr_logfile", false, &info.stderr_logfile)).ok()) return s;
  if (!(s = ReadInt(value, "pid", true, &info.pid)).ok()) return s;
  if (!(s = ReadString(value, "description", false, &info.description)).ok()) return s;
  // The codec only yields int32 values, so these narrowings are exact.
  info.state_code = static_cast<int>(state);
  info.exitstatus = static_cast<int>(exitstatus);
  info.state = ProcessStateFromCode(info.state_code);
  return info;
}

absl::StatusOr<std::vector<ProcessInfo>> ProcessInfoListFromValue(const XmlRpcValue& value) {
  if (value.type() != XmlRpcValue::Type::kArray) {
    return absl::InvalidArgumentError("supervisord returned no array");
  }
  std::vector<ProcessInfo> out;
  out.reserve(value.array().size());
  for (const XmlRpcValue& item : value.array()) {
    absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(item);
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

ProcessState ProcessStateFromCode(int code) {
  switch (static_cast<ProcessState>(code)) {
    case ProcessState::kStopped:
    case ProcessState::kStarting:
    case ProcessState::kRunning:
    case ProcessState::kBackoff:
    case ProcessState::kStopping:
    case ProcessState::kExited:
    case ProcessState::kFatal:
    case ProcessState::kUnknown:
      return static_cast<ProcessState>(code);
  }
  return ProcessState::kUnknown;
}

std::string MakeNamespec(absl::string_view group, absl::string_view name) {
  if (group == name) return std::string(name);
  return absl::StrCat(group, ":", name);
}

NamespecParts SplitNamespec(absl::string_view namespec) {
  NamespecParts parts;
  const absl::string_view::size_type colon = namespec.find(':');
  if (colon == absl::string_view::npos) {
    parts.group = std::string(namespec);
    parts.name = std::string(namespec);
    return parts;
  }
  parts.group = std::string(namespec.substr(0, colon));
  absl::string_view name = namespec.substr(colon + 1);
  if (name != "*") parts.name = std::string(name);
  return parts;
}

}  // namespace supervisor_rpc
}  // namespace svl
