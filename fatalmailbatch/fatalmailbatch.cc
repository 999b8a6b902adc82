#include "fatalmailbatch/fatalmailbatch.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "protocol/payloads.h"

namespace svl {
namespace fatalmailbatch {
namespace {

absl::optional<std::string> LineFor(const protocol::ProcessStatePayload& state,
                                    const std::string& asctime) {
  return absl::StrCat(asctime, " -- Process ", state.groupname, ":", state.processname,
                      " failed to start too many times");
}

}  // namespace

kit::BatchKind FatalmailbatchKind() {
  kit::BatchKind kind;
  kind.listener = "fatalmailbatch";
  kind.handled_event = "PROCESS_STATE_FATAL";
  kind.default_subject = "Fatal start alert from supervisord";
  kind.line_for = LineFor;
  return kind;
}

}  // namespace fatalmailbatch
}  // namespace svl
