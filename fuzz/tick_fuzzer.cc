// Fuzz target: TICK_* and SUPERVISOR_STATE_CHANGE_* payloads
// (protocol/payloads.h). Oracle: a parsed `when` is never negative, and an
// accepted SUPERVISOR_STATE_CHANGE payload is empty.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocol/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const absl::string_view payload(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<svl::protocol::TickPayload> tick = svl::protocol::ParseTickPayload(payload);
  if (tick.ok() && tick->when < 0) std::abort();
  if (svl::protocol::ParseSupervisorStateChangePayload(payload).ok() && !payload.empty()) {
    std::abort();
  }
  return 0;
}
