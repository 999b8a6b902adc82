// Fuzz target: the listener event stream (protocol/event_stream.h).
//
// Oracles (abort() on violation):
//   1. The input fed whole, byte by byte, in 3-byte chunks, split after each
//      '\n', and in chunk sizes drawn from a hash of the input gives the same
//      events (typed header fields, extra tokens, payload, redelivered), the
//      same final error (code and message) and the same clean-end flag.
//   2. Errors are sticky: Next() after an error returns the same error.
//   3. Every parsed header survives FormatEventHeader -> ParseEventHeader with
//      equal ver, server, serial, pool, poolserial, eventname and len. (The
//      extra `tokens` are not rendered and `has_serial` becomes true, so those
//      are not compared; a value never holds " key:" after a parse, so the
//      rendered line splits back into the same values.)

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "protocol/event.h"
#include "protocol/event_stream.h"

namespace {

using ::svl::protocol::Event;
using ::svl::protocol::EventHeader;
using ::svl::protocol::EventStreamParser;

// 128 KiB: room for a header line over kMaxHeaderLineBytes (64 KiB).
constexpr std::size_t kMaxInput = 128 * 1024;

struct Outcome {
  std::vector<Event> events;
  absl::Status final_status;
  bool clean_end = false;
};

bool SameHeader(const EventHeader& a, const EventHeader& b) {
  return a.ver == b.ver && a.server == b.server && a.serial == b.serial &&
         a.has_serial == b.has_serial && a.pool == b.pool && a.poolserial == b.poolserial &&
         a.eventname == b.eventname && a.len == b.len && a.tokens == b.tokens;
}

bool SameOutcome(const Outcome& a, const Outcome& b) {
  if (a.events.size() != b.events.size()) return false;
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const Event& x = a.events[i];
    const Event& y = b.events[i];
    if (!SameHeader(x.header, y.header) || x.payload != y.payload ||
        x.redelivered != y.redelivered) {
      return false;
    }
  }
  return a.final_status == b.final_status && a.clean_end == b.clean_end;
}

// Drain() takes every complete event; false once the parser has failed.
bool Drain(EventStreamParser* parser, Outcome* outcome) {
  while (true) {
    absl::StatusOr<absl::optional<Event>> next = parser->Next();
    if (!next.ok()) {
      outcome->final_status = next.status();
      // Oracle 2: errors are sticky.
      if (parser->Next().status() != outcome->final_status) std::abort();
      return false;
    }
    if (!next->has_value()) return true;
    outcome->events.push_back(**std::move(next));
  }
}

// Parse() feeds `input` in chunks of the sizes `chunk(i)` gives (>= 1).
template <typename ChunkSize>
Outcome Parse(absl::string_view input, ChunkSize chunk) {
  Outcome outcome;
  EventStreamParser parser;
  std::size_t offset = 0;
  for (std::size_t i = 0; offset < input.size(); ++i) {
    const absl::string_view piece = input.substr(offset, chunk(i, offset));
    offset += piece.size();
    parser.Feed(piece);
    if (!Drain(&parser, &outcome)) return outcome;
  }
  parser.FeedEof();
  if (Drain(&parser, &outcome)) outcome.clean_end = parser.AtCleanEnd();
  return outcome;
}

void CheckHeaderRoundTrip(const EventHeader& header) {
  absl::StatusOr<EventHeader> again = svl::protocol::ParseEventHeader(FormatEventHeader(header));
  if (!again.ok()) std::abort();
  if (again->ver != header.ver || again->server != header.server ||
      again->serial != header.serial || again->pool != header.pool ||
      again->poolserial != header.poolserial || again->eventname != header.eventname ||
      again->len != header.len) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);

  const Outcome whole = Parse(input, [&](std::size_t, std::size_t) { return input.size(); });
  const Outcome bytes = Parse(input, [](std::size_t, std::size_t) { return std::size_t{1}; });
  const Outcome threes = Parse(input, [](std::size_t, std::size_t) { return std::size_t{3}; });
  const Outcome lines = Parse(input, [&](std::size_t, std::size_t offset) {
    const std::size_t newline = input.find('\n', offset);
    return newline == absl::string_view::npos ? input.size() : newline + 1 - offset;
  });
  // FNV-1a of the input seeds a xorshift: chunk sizes 1..64, fixed per input.
  std::uint64_t state = 1469598103934665603ull;
  for (char c : input) state = (state ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  const Outcome hashed = Parse(input, [&](std::size_t, std::size_t) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::size_t>(state % 64) + 1;
  });
  if (!SameOutcome(whole, bytes) || !SameOutcome(whole, threes) || !SameOutcome(whole, lines) ||
      !SameOutcome(whole, hashed)) {
    std::abort();
  }
  for (const Event& event : whole.events) CheckHeaderRoundTrip(event.header);
  return 0;
}
