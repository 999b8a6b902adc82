// File: protocol/event.h
//
// The supervisord event-listener wire format: the header line and the event
// (header + payload) handed to a listener's handler. Pure: no I/O.
//
// supervisord writes, for each event,
//
//   ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 eventname:TICK_5 len:15\n
//   when:1795609595
//
// where `len` counts Unicode code points of the payload, not bytes
// (supervisord counts them so: a payload with multi-byte characters is
// longer in bytes than `len`).
//
// Example:
//
//   absl::StatusOr<svl::protocol::EventHeader> header =
//       svl::protocol::ParseEventHeader("ver:3.0 eventname:TICK_5 len:15");
//   if (!header.ok()) return header.status();
//   // header->len == 15: the payload is the next 15 code points. Reading
//   // them from a byte stream is EventStreamParser's job (event_stream.h).

#ifndef SVL_PROTOCOL_EVENT_H_
#define SVL_PROTOCOL_EVENT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace protocol {

// The largest `len` accepted in a header, in code points. supervisord's own
// events are far smaller; a larger value means a corrupt stream.
inline constexpr std::size_t kMaxPayloadCodePoints = 16 * 1024 * 1024;

// EventHeader
//
// The parsed header line. The seven keys supervisord sends are lifted into
// typed fields; any other token is kept, in the order received, in `tokens`.
struct EventHeader {
  std::string ver;
  std::string server;
  std::uint64_t serial = 0;
  bool has_serial = false;  // a `serial` token was present
  std::string pool;
  std::uint64_t poolserial = 0;
  std::string eventname;
  std::size_t len = 0;  // payload length in code points
  // Every other `key:value` token in order, split at its first ':' (after
  // the continuation join described at ParseEventHeader()). Usually empty.
  std::vector<std::pair<std::string, std::string>> tokens;
};

// ParseEventHeader()
//
// Parses one header line (without its trailing '\n'; surrounding ASCII
// whitespace, e.g. a '\r', is ignored). supervisord joins its tokens with
// single spaces, so the line is split at each single ' ' and each token at its
// FIRST ':' (so `server:host:1` has server "host:1"). Tokens may come in any
// order; unknown keys are kept in `tokens`.
//
// A token without ':' (including the empty token between two spaces) cannot
// start a pair: it is tolerated and joined, with the space that preceded it,
// to the previous token's value. This recovers values supervisord does not
// validate: `[eventlistener: spaced]` sends `pool: spaced`, which gives pool
// " spaced", and identifier `my host` gives server "my host". A leading token
// without ':' has nothing to join and is skipped. When a known key appears
// twice the LAST one wins (supervisord emits `len` last, so an identifier
// containing ` len:5` cannot change the framing).
//
// Missing `ver`, `server`, `pool`, `eventname` are accepted as "" (upstream's
// tests send such events), missing `serial`/`poolserial` as 0.
//
// Errors:
//   - no `len` token: kInvalidArgument;
//   - `len`, `serial` or `poolserial` empty or not all ASCII digits (no sign,
//     no spaces): kInvalidArgument;
//   - a number too large for its type, or `len` above kMaxPayloadCodePoints:
//     kOutOfRange.
// Every message names the key and quotes (C-escaped, truncated) the line.
absl::StatusOr<EventHeader> ParseEventHeader(absl::string_view line);

// ParseEventHeaderInto()
//
// The same, into an existing header whose every field is overwritten (its
// string storage is reused; EventStreamParser's fast path). On error
// `*header` holds unspecified values.
ABSL_MUST_USE_RESULT absl::Status ParseEventHeaderInto(absl::string_view line,
                                                       EventHeader* header);

// FormatEventHeader()
//
// Renders a header the way supervisord does (fixed order, single spaces, no
// trailing '\n'). Used by tests and fuzzers for round trips.
std::string FormatEventHeader(const EventHeader& header);

// Event
//
// One event as delivered: the header and the payload as UTF-8 bytes.
struct Event {
  EventHeader header;
  std::string payload;
  // True when this event and the previous event read from the same stream
  // both carry a `serial` and it is the same: supervisord re-sent it (after a
  // rejected RESULT, or after the previous listener instance died).
  bool redelivered = false;
};

// CountCodePoints()
//
// The number of code points in `bytes`, counted as supervisord's Python
// len() counts them after UTF-8 decoding, tolerating invalid UTF-8:
//   - a byte 0x00-0x7F is one code point;
//   - a lead byte 0xC2-0xDF / 0xE0-0xEF / 0xF0-0xF4 starts one code point and
//     takes up to 1 / 2 / 3 following continuation bytes (10xxxxxx); a
//     sequence cut short by a non-continuation byte (or the end) still counts
//     as one;
//   - every other byte (a stray continuation byte, 0xC0, 0xC1, 0xF5-0xFF) is
//     one code point on its own.
// For valid UTF-8 this is exactly the number of code points.
std::size_t CountCodePoints(absl::string_view bytes);

}  // namespace protocol
}  // namespace svl

#endif  // SVL_PROTOCOL_EVENT_H_
