#include "crashmailbatch/crashmailbatch.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "protocol/payloads.h"

namespace svl {
namespace crashmailbatch {
namespace {

absl::optional<std::string> LineFor(const protocol::ProcessStatePayload& state,
                                    const std::string& asctime) {
  if (!state.expected.has_value() || *state.expected || !state.pid.has_value()) return absl::nullopt;
  return absl::StrCat(asctime, " -- Process ", state.groupname, ":", state.processname, " (pid ",
                      *state.pid, ") died unexpectedly");
}

}  // namespace

kit::BatchKind CrashmailbatchKind() {
  kit::BatchKind kind;
  kind.listener = "crashmailbatch";
  kind.handled_event = "PROCESS_STATE_EXITED";
  kind.default_subject = "Crash alert from supervisord";
  kind.line_for = LineFor;
  return kind;
}

}  // namespace crashmailbatch
}  // namespace svl
