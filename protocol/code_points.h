// File: protocol/code_points.h
//
// Private to //protocol: the UTF-8 byte classes behind CountCodePoints() and
// EventStreamParser, kept in one place so both count the same way.

#ifndef SVL_PROTOCOL_CODE_POINTS_H_
#define SVL_PROTOCOL_CODE_POINTS_H_

#include <cstddef>

namespace svl {
namespace protocol {
namespace internal {

// IsContinuationByte() is true for 10xxxxxx.
inline bool IsContinuationByte(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// AnnouncedContinuationBytes() is how many continuation bytes a lead byte
// announces: 1 for 0xC2-0xDF, 2 for 0xE0-0xEF, 3 for 0xF0-0xF4, and 0 for
// ASCII and for every byte that cannot start a sequence (it is then one code
// point on its own).
inline std::size_t AnnouncedContinuationBytes(unsigned char byte) {
  if (byte >= 0xC2 && byte <= 0xDF) return 1;
  if (byte >= 0xE0 && byte <= 0xEF) return 2;
  if (byte >= 0xF0 && byte <= 0xF4) return 3;
  return 0;
}

}  // namespace internal
}  // namespace protocol
}  // namespace svl

#endif  // SVL_PROTOCOL_CODE_POINTS_H_
