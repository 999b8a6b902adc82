#include "crashsms/crashsms.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "protocol/payloads.h"

namespace svl {
namespace crashsms {
namespace {

absl::optional<std::string> LineFor(const protocol::ProcessStatePayload& state,
                                    const std::string& asctime) {
  if (!state.expected.has_value() || *state.expected || !state.pid.has_value()) return absl::nullopt;
  return absl::StrCat("[", state.groupname, ":", state.processname, "](", *state.pid,
                      ") exited unexpectedly ", asctime);
}

}  // namespace

kit::BatchKind CrashsmsKind() {
  kit::BatchKind kind;
  kind.listener = "crashsms";
  kind.handled_event = "PROCESS_STATE_EXITED";
  kind.default_subject = absl::nullopt;
  kind.line_for = LineFor;
  return kind;
}

}  // namespace crashsms
}  // namespace svl
