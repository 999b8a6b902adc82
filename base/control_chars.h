// File: base/control_chars.h
//
// The byte tests that keep untrusted text out of places where some bytes
// mean something: each is named by what it guards, since they differ.

#ifndef SVL_BASE_CONTROL_CHARS_H_
#define SVL_BASE_CONTROL_CHARS_H_

#include "absl/strings/string_view.h"

namespace svl {
namespace base {

// HasAsciiControl() is true when `text` holds an ASCII control character:
// a C0 control (0x00-0x1F, so TAB, CR and LF too) or DEL (0x7F). Bytes
// 0x80-0xFF are not controls here.
bool HasAsciiControl(absl::string_view text);

// HasLineBreakOrNul() is true when `text` holds CR, LF or NUL: the bytes that
// would end a protocol line (an HTTP header, a credential) early or cut the
// C string that carries it. TAB and the other controls pass.
bool HasLineBreakOrNul(absl::string_view text);

// IsPrintableAsciiOrTab() is true when every byte of `text` is printable
// ASCII (0x20-0x7E) or TAB: text a mail header may carry as it is. True for
// the empty text.
bool IsPrintableAsciiOrTab(absl::string_view text);

}  // namespace base
}  // namespace svl

#endif  // SVL_BASE_CONTROL_CHARS_H_
