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
// (supervisor issue 1243). See ../shared/reference/httpok-upstream.md §1.
//
// Example:
//
//   absl::StatusOr<svl::protocol::EventHeader> header =
//       svl::protocol::ParseEventHeader("ver:3.0 eventname:TICK_5 len:15");
//   if (!header.ok()) return header.status();
//   ReadCodePoints(..., header->len);

#ifndef SVL_PROTOCOL_EVENT_H_
#define SVL_PROTOCOL_EVENT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace protocol {

// The largest `len` accepted in a header, in code points. supervisord's own
// events are far smaller; a larger value means a corrupt stream.
inline constexpr std::size_t kMaxPayloadCodePoints = 16 * 1024 * 1024;

// EventHeader
//
// The parsed header line. Known keys are lifted into typed fields; every token
// (known or not, in the order received) stays in `tokens`.
struct EventHeader {
  std::string ver;
  std::string server;
  std::uint64_t serial = 0;
  std::string pool;
  std::uint64_t poolserial = 0;
  std::string eventname;
  std::size_t len = 0;  // payload length in code points
  // Every `key:value` token, split at the first ':'.
  std::vector<std::pair<std::string, std::string>> tokens;
};

// ParseEventHeader()
//
// Parses one header line (without its trailing '\n'). Tokens are separated by
// ASCII whitespace and may come in any order; each is split at its FIRST ':'.
// Tokens without ':' are tolerated and skipped (a pool named `[eventlistener: x]`
// puts a space into a value). Unknown keys are kept in `tokens`.
//
// Errors (all kInvalidArgument, with a message naming the problem):
//   - no `len` token;
//   - `len`, `serial` or `poolserial` not a plain decimal number (digits only);
//   - `len` above kMaxPayloadCodePoints (kOutOfRange).
// A missing `eventname` is accepted as "" (upstream's tests send such events).
absl::StatusOr<EventHeader> ParseEventHeader(absl::string_view line);

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
  // True when this event carries the same serial as the previous event this
  // process received: supervisord re-sent it (after a rejected RESULT).
  bool redelivered = false;
};

// CountCodePoints()
//
// The number of code points in `bytes`, counted as supervisord does after
// UTF-8 decoding: every byte that is not a continuation byte (10xxxxxx) starts
// a code point, and each invalid byte counts as one.
std::size_t CountCodePoints(absl::string_view bytes);

}  // namespace protocol
}  // namespace svl

#endif  // SVL_PROTOCOL_EVENT_H_
