// File: protocol/event_stream.h
//
// EventStreamParser cuts a byte stream (what supervisord writes to a
// listener's stdin) into events. Pure and incremental: bytes go in with
// Feed() in chunks of any size, complete events come out of Next(). Feeding a
// stream whole or byte by byte gives the same events and the same error.
//
// Framing: a header line up
// to '\n', then `len` code points of payload, counted as CountCodePoints()
// does (event.h). The payload ends only once its last code point is complete:
// after the len-th lead byte the parser waits for the continuation bytes that
// lead byte announces, and stops early at a byte that is not a continuation
// byte. supervisord sends valid UTF-8, so it never makes the parser wait for
// bytes that will not come.
//
// Example:
//
//   svl::protocol::EventStreamParser parser;
//   parser.Feed(chunk);
//   while (true) {
//     absl::StatusOr<absl::optional<svl::protocol::Event>> event = parser.Next();
//     if (!event.ok()) return event.status();   // malformed: stop reading
//     if (!event->has_value()) break;           // needs more bytes
//     Handle(**event);
//   }

#ifndef SVL_PROTOCOL_EVENT_STREAM_H_
#define SVL_PROTOCOL_EVENT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "protocol/event.h"

namespace svl {
namespace protocol {

// The longest header line accepted, '\n' excluded. supervisord's headers are
// ~100 bytes plus the identifier and pool name.
inline constexpr std::size_t kMaxHeaderLineBytes = 64 * 1024;

// EventStreamParser
//
// Errors are sticky: after Next() has returned an error, every later call
// returns the same error (the stream cannot be resynchronised).
class EventStreamParser {
 public:
  EventStreamParser() = default;
  EventStreamParser(const EventStreamParser&) = delete;
  EventStreamParser& operator=(const EventStreamParser&) = delete;

  // Feed() appends bytes read from the stream. Ignored after FeedEof().
  void Feed(absl::string_view bytes);

  // FeedEof() records the end of the stream: no more bytes will come.
  void FeedEof() { eof_ = true; }

  // Next() returns the next complete event, or absl::nullopt when more bytes
  // are needed (or, after FeedEof(), when the stream ended cleanly between
  // events: see AtCleanEnd()). Errors:
  //   - kInvalidArgument / kOutOfRange: the header line is malformed (see
  //     ParseEventHeader()), or longer than kMaxHeaderLineBytes (kOutOfRange);
  //   - kDataLoss: after FeedEof(), the stream ended inside an event.
  // An event whose serial equals the previous event's is marked redelivered.
  absl::StatusOr<absl::optional<Event>> Next();

  // AtCleanEnd() is true after FeedEof() once every byte has been consumed
  // as complete events.
  bool AtCleanEnd() const { return eof_ && consumed_ == buffer_.size(); }

  // BufferedBytes() is how many bytes were fed but are not yet part of an
  // event returned by Next().
  std::size_t BufferedBytes() const { return buffer_.size() - consumed_; }

 private:
  enum class State { kHeader, kPayload };

  absl::Status Fail(absl::Status status);
  void Compact();

  std::string buffer_;
  std::size_t consumed_ = 0;   // bytes of buffer_ already returned as events
  std::size_t scan_ = 0;       // kHeader: where to resume the search for '\n'
  State state_ = State::kHeader;
  bool eof_ = false;
  absl::Status error_;         // sticky

  // kPayload state. pending_.header is parsed in place; the payload is
  // copied out of buffer_ once it is complete.
  Event pending_;
  std::size_t payload_start_ = 0;
  std::size_t payload_end_ = 0;       // bytes of the payload scanned so far
  std::size_t remaining_ = 0;         // code points still to start
  std::size_t pending_continuations_ = 0;

  bool have_last_serial_ = false;
  std::uint64_t last_serial_ = 0;
};

}  // namespace protocol
}  // namespace svl

#endif  // SVL_PROTOCOL_EVENT_STREAM_H_
