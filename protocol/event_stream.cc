#include "protocol/event_stream.h"

#include <cstddef>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "base/utf8.h"
#include "protocol/event.h"

namespace svl {
namespace protocol {
namespace {

// Consumed bytes are dropped from the front of the buffer when nothing else
// is buffered (cheap) or when they reach this size (amortised).
constexpr std::size_t kCompactThreshold = 64 * 1024;

}  // namespace

void EventStreamParser::Compact() {
  if (consumed_ == 0) return;
  if (consumed_ != buffer_.size() && consumed_ < kCompactThreshold) return;
  buffer_.erase(0, consumed_);
  scan_ -= consumed_;
  if (state_ == State::kPayload) {
    payload_start_ -= consumed_;
    payload_end_ -= consumed_;
  }
  consumed_ = 0;
}

void EventStreamParser::Feed(absl::string_view bytes) {
  if (eof_ || !error_.ok()) return;
  Compact();
  buffer_.append(bytes.data(), bytes.size());
}

absl::Status EventStreamParser::Fail(absl::Status status) {
  error_ = std::move(status);
  return error_;
}

absl::StatusOr<absl::optional<Event>> EventStreamParser::Next() {
  if (!error_.ok()) return error_;

  if (state_ == State::kHeader) {
    const std::size_t newline = buffer_.find('\n', scan_);
    const std::size_t line_end = newline == std::string::npos ? buffer_.size() : newline;
    if (line_end - consumed_ > kMaxHeaderLineBytes) {
      return Fail(absl::OutOfRangeError(absl::StrCat(
          "event header line longer than ", kMaxHeaderLineBytes, " bytes")));
    }
    if (newline == std::string::npos) {
      scan_ = buffer_.size();
      if (eof_ && consumed_ < buffer_.size()) {
        return Fail(absl::DataLossError(
            absl::StrCat("stream ended inside an event header after ",
                         buffer_.size() - consumed_, " bytes")));
      }
      return absl::nullopt;
    }
    absl::Status status = ParseEventHeaderInto(
        absl::string_view(buffer_.data() + consumed_, newline - consumed_), &pending_.header);
    if (!status.ok()) return Fail(std::move(status));
    payload_start_ = payload_end_ = newline + 1;
    remaining_ = pending_.header.len;
    pending_continuations_ = 0;
    state_ = State::kPayload;
  }

  // kPayload: start `remaining_` more code points, then finish the last one.
  const unsigned char* data = reinterpret_cast<const unsigned char*>(buffer_.data());
  const std::size_t size = buffer_.size();
  std::size_t i = payload_end_;
  while (i < size) {
    const unsigned char byte = data[i];
    if (pending_continuations_ > 0) {
      if (base::IsUtf8ContinuationByte(byte)) {
        ++i;
        --pending_continuations_;
        continue;
      }
      pending_continuations_ = 0;  // cut short: the code point ends here
    }
    if (remaining_ == 0) break;
    pending_continuations_ = base::Utf8AnnouncedContinuationBytes(byte);
    ++i;
    --remaining_;
  }
  payload_end_ = i;
  if (remaining_ > 0) {
    if (eof_) {
      return Fail(absl::DataLossError(absl::StrCat(
          "stream ended inside the payload of event ", pending_.header.eventname,
          " (serial ", pending_.header.serial, "): ", pending_.header.len - remaining_, " of ",
          pending_.header.len,
          " code points read")));
    }
    return absl::nullopt;
  }
  // The len-th code point may still await continuation bytes; at EOF, or
  // once a non-continuation byte has arrived, it is complete.
  if (pending_continuations_ > 0 && !eof_) return absl::nullopt;

  pending_.payload.assign(buffer_, payload_start_, payload_end_ - payload_start_);
  pending_.redelivered = false;
  // Built in place: the Event is moved once, not once per wrapper.
  absl::StatusOr<absl::optional<Event>> result(absl::in_place, std::move(pending_));
  Event* event = &**result;
  if (event->header.has_serial) {
    event->redelivered = have_last_serial_ && last_serial_ == event->header.serial;
    have_last_serial_ = true;
    last_serial_ = event->header.serial;
  } else {
    have_last_serial_ = false;
  }
  consumed_ = payload_end_;
  scan_ = consumed_;
  pending_continuations_ = 0;
  state_ = State::kHeader;
  return result;
}

}  // namespace protocol
}  // namespace svl
