// Fuzz target: the token-set splitter under every payload parser
// (protocol/payloads.h ParseTokenSet). Oracle: an accepted payload is
// rebuilt exactly by joining `key:value` with single spaces, then
// "\n" + data when it had a line break; no key holds ':', ' ' or '\n'.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "protocol/payloads.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const absl::string_view payload(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<svl::protocol::TokenSet> set = svl::protocol::ParseTokenSet(payload);
  if (!set.ok()) return 0;
  std::string rebuilt;
  for (std::size_t i = 0; i < set->tokens.size(); ++i) {
    const auto& [key, value] = set->tokens[i];
    if (key.find_first_of(": \n") != std::string::npos) std::abort();
    absl::StrAppend(&rebuilt, i == 0 ? "" : " ", key, ":", value);
  }
  if (set->has_data) absl::StrAppend(&rebuilt, "\n", set->data);
  if (rebuilt != payload) std::abort();
  return 0;
}
