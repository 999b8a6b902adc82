#include "base/utf8.h"

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace svl {
namespace base {

Utf8Step DecodeUtf8(absl::string_view bytes) {
  if (bytes.empty()) return {kNotUtf8, 0};
  const auto byte = [&bytes](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  const std::size_t continuations = Utf8AnnouncedContinuationBytes(lead);
  if (continuations == 0 || bytes.size() <= continuations) return {kNotUtf8, 1};
  for (std::size_t i = 1; i <= continuations; ++i) {
    if (!IsUtf8ContinuationByte(byte(i))) return {kNotUtf8, 1};
  }
  // The second byte's range is narrower after these leads (RFC 3629 section 4).
  if (lead == 0xE0 && byte(1) < 0xA0) return {kNotUtf8, 1};  // overlong
  if (lead == 0xED && byte(1) > 0x9F) return {kNotUtf8, 1};  // surrogate
  if (lead == 0xF0 && byte(1) < 0x90) return {kNotUtf8, 1};  // overlong
  if (lead == 0xF4 && byte(1) > 0x8F) return {kNotUtf8, 1};  // above U+10FFFF
  constexpr unsigned char kLeadBits[] = {0, 0x1F, 0x0F, 0x07};
  char32_t code_point = lead & kLeadBits[continuations];
  for (std::size_t i = 1; i <= continuations; ++i) {
    code_point = (code_point << 6) | (byte(i) & 0x3Fu);
  }
  return {code_point, continuations + 1};
}

bool IsValidUtf8(absl::string_view bytes) {
  while (!bytes.empty()) {
    const Utf8Step step = DecodeUtf8(bytes);
    if (!step.valid()) return false;
    bytes.remove_prefix(step.length);
  }
  return true;
}

void AppendUtf8(char32_t code_point, std::string* out) {
  if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    code_point = 0xFFFD;
  }
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace base
}  // namespace svl
