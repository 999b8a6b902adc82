#include "protocol/event.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/utf8.h"
#include "protocol/quote.h"

namespace svl {
namespace protocol {
namespace {

using internal::Quote;

// ParseDecimal() accepts only ASCII digits, at most `max`.
absl::StatusOr<std::uint64_t> ParseDecimal(absl::string_view key, absl::string_view value,
                                           std::uint64_t max, absl::string_view line) {
  if (value.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event header '", key, "' is empty in ", Quote(line)));
  }
  std::uint64_t result = 0;
  bool too_large = false;
  for (char c : value) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat("event header '", key, "' is not a number: ",
                                                     Quote(value), " in ", Quote(line)));
    }
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (result > (max - digit) / 10) {
      too_large = true;  // keep scanning: a later non-digit is the better error
    } else {
      result = result * 10 + digit;
    }
  }
  if (too_large) {
    return absl::OutOfRangeError(absl::StrCat("event header '", key, "' is too large (max ", max,
                                              "): ", Quote(value), " in ", Quote(line)));
  }
  return result;
}

}  // namespace

absl::StatusOr<EventHeader> ParseEventHeader(absl::string_view line) {
  EventHeader header;
  if (absl::Status status = ParseEventHeaderInto(line, &header); !status.ok()) return status;
  return header;
}

absl::Status ParseEventHeaderInto(absl::string_view line, EventHeader* out) {
  line = absl::StripAsciiWhitespace(line);
  EventHeader& header = *out;
  header.ver.clear();
  header.server.clear();
  header.serial = 0;
  header.has_serial = false;
  header.pool.clear();
  header.poolserial = 0;
  header.eventname.clear();
  header.len = 0;
  header.tokens.clear();
  absl::string_view len;
  absl::string_view serial;
  absl::string_view poolserial;
  bool has_len = false;
  bool has_serial = false;
  bool has_poolserial = false;

  // Store() files one `key:value` pair. Values are views into `line`.
  auto store = [&](absl::string_view key, absl::string_view value) {
    switch (key.size()) {
      case 3:
        if (key == "ver") return header.ver.assign(value.data(), value.size()), void();
        if (key == "len") return len = value, has_len = true, void();
        break;
      case 4:
        if (key == "pool") return header.pool.assign(value.data(), value.size()), void();
        break;
      case 6:
        if (key == "server") return header.server.assign(value.data(), value.size()), void();
        if (key == "serial") return serial = value, has_serial = true, void();
        break;
      case 9:
        if (key == "eventname") {
          return header.eventname.assign(value.data(), value.size()), void();
        }
        break;
      case 10:
        if (key == "poolserial") return poolserial = value, has_poolserial = true, void();
        break;
      default:
        break;
    }
    header.tokens.emplace_back(std::string(key), std::string(value));
  };

  // Split at single spaces. A token with ':' starts a pair; a token without
  // one extends the current value, so a value is the contiguous text from
  // after its ':' up to the space before the next token that has a ':'.
  const char* const begin = line.data();
  const char* const end = begin + line.size();
  absl::string_view key;
  const char* value_begin = nullptr;  // null until the first token with ':'
  for (const char* token = begin; token <= end;) {
    const char* space = static_cast<const char*>(
        std::memchr(token, ' ', static_cast<std::size_t>(end - token)));
    const char* token_end = space != nullptr ? space : end;
    // Keys are short: a plain loop beats memchr here.
    const char* colon = token;
    while (colon != token_end && *colon != ':') ++colon;
    if (colon != token_end) {
      if (value_begin != nullptr) {
        // The previous value runs up to the space before this token.
        store(key, absl::string_view(value_begin,
                                     static_cast<std::size_t>(token - 1 - value_begin)));
      }
      key = absl::string_view(token, static_cast<std::size_t>(colon - token));
      value_begin = colon + 1;
    }
    token = token_end + 1;
  }
  if (value_begin != nullptr) {
    store(key, absl::string_view(value_begin, static_cast<std::size_t>(end - value_begin)));
  }

  if (!has_len) {
    return absl::InvalidArgumentError(
        absl::StrCat("event header has no 'len' token: ", Quote(line)));
  }
  absl::StatusOr<std::uint64_t> len_value = ParseDecimal("len", len, kMaxPayloadCodePoints, line);
  if (!len_value.ok()) return len_value.status();
  header.len = static_cast<std::size_t>(*len_value);
  constexpr std::uint64_t kMaxSerial = std::numeric_limits<std::uint64_t>::max();
  if (has_serial) {
    absl::StatusOr<std::uint64_t> value = ParseDecimal("serial", serial, kMaxSerial, line);
    if (!value.ok()) return value.status();
    header.serial = *value;
    header.has_serial = true;
  }
  if (has_poolserial) {
    absl::StatusOr<std::uint64_t> value = ParseDecimal("poolserial", poolserial, kMaxSerial, line);
    if (!value.ok()) return value.status();
    header.poolserial = *value;
  }
  return absl::OkStatus();
}

std::string FormatEventHeader(const EventHeader& header) {
  return absl::StrCat("ver:", header.ver, " server:", header.server, " serial:", header.serial,
                      " pool:", header.pool, " poolserial:", header.poolserial,
                      " eventname:", header.eventname, " len:", header.len);
}

std::size_t CountCodePoints(absl::string_view bytes) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t pending =
        base::Utf8AnnouncedContinuationBytes(static_cast<unsigned char>(bytes[i]));
    ++i;
    ++count;
    while (pending > 0 && i < bytes.size() &&
           base::IsUtf8ContinuationByte(static_cast<unsigned char>(bytes[i]))) {
      ++i;
      --pending;
    }
  }
  return count;
}

}  // namespace protocol
}  // namespace svl
