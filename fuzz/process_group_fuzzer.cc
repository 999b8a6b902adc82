// Fuzz target: PROCESS_GROUP_* payloads (protocol/payloads.h). Oracle: an
// accepted payload is `groupname:G` plus at most one trailing '\n' and
// possibly other tokens; the group name has no space and no '\n'.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "protocol/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const absl::string_view payload(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<svl::protocol::ProcessGroupPayload> group =
      svl::protocol::ParseProcessGroupPayload(payload);
  if (!group.ok()) return 0;
  const std::size_t newline = payload.find('\n');
  if ((newline != absl::string_view::npos && newline + 1 != payload.size()) ||
      absl::StrContains(group->groupname, ' ') || absl::StrContains(group->groupname, '\n')) {
    std::abort();
  }
  return 0;
}
