// Fuzz target: PROCESS_STATE_* payloads (protocol/payloads.h). The first
// input byte picks the event name (the eight real ones and a wrong one), the
// rest is the payload. Oracle: an accepted payload has exactly the optional
// fields its state carries (tries / pid / expected), and numbers are >= 0.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocol/payloads.h"

namespace {

struct Variant {
  const char* eventname;
  bool tries, pid, expected;
};

constexpr Variant kVariants[] = {
    {"PROCESS_STATE_STARTING", true, false, false},
    {"PROCESS_STATE_BACKOFF", true, false, false},
    {"PROCESS_STATE_RUNNING", false, true, false},
    {"PROCESS_STATE_STOPPING", false, true, false},
    {"PROCESS_STATE_STOPPED", false, true, false},
    {"PROCESS_STATE_EXITED", false, true, true},
    {"PROCESS_STATE_FATAL", false, false, false},
    {"PROCESS_STATE_UNKNOWN", false, false, false},
    {"PROCESS_STATE", false, false, false},  // not a concrete name: always an error
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 4096) return 0;
  const Variant& variant = kVariants[data[0] % (sizeof(kVariants) / sizeof(kVariants[0]))];
  const absl::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<svl::protocol::ProcessStatePayload> state =
      svl::protocol::ParseProcessStatePayload(variant.eventname, payload);
  if (!state.ok()) return 0;
  if (state->tries.has_value() != variant.tries || state->pid.has_value() != variant.pid ||
      state->expected.has_value() != variant.expected ||
      (state->tries.has_value() && *state->tries < 0) || (state->pid.has_value() && *state->pid < 0) ||
      absl::string_view(variant.eventname) == "PROCESS_STATE") {
    std::abort();
  }
  return 0;
}
