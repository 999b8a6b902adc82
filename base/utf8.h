// File: base/utf8.h
//
// UTF-8 (RFC 3629) written once: the byte classes, decoding one code point,
// validating, stepping through text that may hold invalid bytes, and
// encoding a code point.
//
// Strict decoding rejects overlong forms, surrogates (U+D800-U+DFFF) and
// code points above U+10FFFF; a byte that does not start a valid sequence is
// one invalid byte on its own, so a walk over any bytes always advances.
//
// Example:
//
//   for (absl::string_view rest = text; !rest.empty();) {
//     const Utf8Step step = DecodeUtf8(rest);
//     if (!step.valid()) { /* the byte rest[0] is not UTF-8 */ }
//     rest.remove_prefix(step.length);
//   }

#ifndef SVL_BASE_UTF8_H_
#define SVL_BASE_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace svl {
namespace base {

// IsUtf8ContinuationByte() is true for 10xxxxxx.
inline bool IsUtf8ContinuationByte(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Utf8AnnouncedContinuationBytes() is how many continuation bytes a lead
// byte announces: 1 for 0xC2-0xDF, 2 for 0xE0-0xEF, 3 for 0xF0-0xF4, and 0
// for ASCII and for every byte that cannot start a sequence (0x80-0xC1,
// 0xF5-0xFF).
inline std::size_t Utf8AnnouncedContinuationBytes(unsigned char byte) {
  if (byte >= 0xC2 && byte <= 0xDF) return 1;
  if (byte >= 0xE0 && byte <= 0xEF) return 2;
  if (byte >= 0xF0 && byte <= 0xF4) return 3;
  return 0;
}

// kNotUtf8 is Utf8Step::code_point for a byte that does not start a valid
// sequence; it is no code point.
inline constexpr char32_t kNotUtf8 = 0xFFFFFFFF;

// Utf8Step is one step through UTF-8 text: a code point and its bytes, or
// one invalid byte.
struct Utf8Step {
  char32_t code_point = kNotUtf8;  // kNotUtf8 for an invalid byte
  std::size_t length = 0;          // bytes taken: 1-4 when valid, 1 when not
  bool valid() const { return code_point != kNotUtf8; }
};

// DecodeUtf8() decodes the sequence at the start of `bytes` (strictly, see
// above). An empty `bytes` gives length 0; otherwise the length is at least 1.
Utf8Step DecodeUtf8(absl::string_view bytes);

// IsValidUtf8() is true when all of `bytes` is strict UTF-8 (empty included).
bool IsValidUtf8(absl::string_view bytes);

// AppendUtf8() appends the encoding of `code_point` (1-4 bytes). A value
// above U+10FFFF, or a surrogate, appends U+FFFD instead.
void AppendUtf8(char32_t code_point, std::string* out);

}  // namespace base
}  // namespace svl

#endif  // SVL_BASE_UTF8_H_
