// Fuzz target: REMOTE_COMMUNICATION payloads (protocol/payloads.h). Oracle:
// an accepted payload is exactly "type:" + type + "\n" + data, with no '\n'
// in the type.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "protocol/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const absl::string_view payload(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<svl::protocol::RemoteCommunicationPayload> remote =
      svl::protocol::ParseRemoteCommunicationPayload(payload);
  if (!remote.ok()) return 0;
  if (absl::StrContains(remote->type, '\n') ||
      absl::StrCat("type:", remote->type, "\n", remote->data) != payload) {
    std::abort();
  }
  return 0;
}
