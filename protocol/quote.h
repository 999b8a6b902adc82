// File: protocol/quote.h
//
// Private to //protocol: how malformed input is quoted in error messages, so
// that every parser's errors look alike and stay one bounded line.

#ifndef SVL_PROTOCOL_QUOTE_H_
#define SVL_PROTOCOL_QUOTE_H_

#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace protocol {
namespace internal {

// Quote() gives `text` C-escaped in double quotes, cut at 200 bytes (then
// followed by "...").
inline std::string Quote(absl::string_view text) {
  constexpr std::size_t kMaxQuoted = 200;
  if (text.size() <= kMaxQuoted) return absl::StrCat("\"", absl::CHexEscape(text), "\"");
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, kMaxQuoted)), "\"...");
}

}  // namespace internal
}  // namespace protocol
}  // namespace svl

#endif  // SVL_PROTOCOL_QUOTE_H_
