#include "base/control_chars.h"

#include <algorithm>

#include "absl/strings/string_view.h"

namespace svl {
namespace base {

bool HasAsciiControl(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

bool HasLineBreakOrNul(absl::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool IsPrintableAsciiOrTab(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u <= 0x7E);
  });
}

}  // namespace base
}  // namespace svl
