// Fuzz target: PROCESS_COMMUNICATION_* payloads (protocol/payloads.h).
// Oracle: an accepted payload has pid >= 0 and its data is exactly what
// follows the first '\n'.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocol/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const absl::string_view payload(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<svl::protocol::ProcessCommunicationPayload> communication =
      svl::protocol::ParseProcessCommunicationPayload(payload);
  if (!communication.ok()) return 0;
  const std::size_t newline = payload.find('\n');
  if (communication->pid < 0 || newline == absl::string_view::npos ||
      payload.substr(newline + 1) != communication->data) {
    std::abort();
  }
  return 0;
}
