#include "kit/option_values.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/control_chars.h"

namespace svl {
namespace kit {
namespace {

// The smallest positive duration (1 ms).
constexpr double kMinPositiveSeconds = 0.001;

// A suffix of SuffixMultiplier and its factor.
struct Suffix {
  const char* text;
  std::int64_t factor;
};

// ParsePythonInt() reads the ASCII subset of what Python's int() accepts in
// base 10 (see ParseByteSize()) into an int64.
bool ParsePythonInt(absl::string_view text, std::int64_t* out) {
  text = absl::StripAsciiWhitespace(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  // Accumulated negatively, so that INT64_MIN fits.
  std::int64_t value = 0;
  bool previous_was_digit = false;
  for (char c : text) {
    if (c == '_') {
      if (!previous_was_digit) return false;
      previous_was_digit = false;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    const int digit = c - '0';
    if (value < (std::numeric_limits<std::int64_t>::min() + digit) / 10) return false;
    value = value * 10 - digit;
    previous_was_digit = true;
  }
  if (!previous_was_digit) return false;  // a trailing '_'
  if (!negative) {
    if (value == std::numeric_limits<std::int64_t>::min()) return false;
    value = -value;
  }
  *out = value;
  return true;
}

// ParseSuffixed() is supervisord's SuffixMultiplier with int() as default.
bool ParseSuffixed(absl::string_view text, std::initializer_list<Suffix> suffixes,
                   std::int64_t* out) {
  const std::string lower = absl::AsciiStrToLower(text);
  const absl::string_view view(lower);
  for (const Suffix& suffix : suffixes) {
    const absl::string_view s(suffix.text);
    if (view.size() >= s.size() && view.substr(view.size() - s.size()) == s) {
      std::int64_t n = 0;
      if (!ParsePythonInt(view.substr(0, view.size() - s.size()), &n)) return false;
      if (n > std::numeric_limits<std::int64_t>::max() / suffix.factor ||
          n < std::numeric_limits<std::int64_t>::min() / suffix.factor) {
        return false;
      }
      *out = n * suffix.factor;
      return true;
    }
  }
  return ParsePythonInt(view, out);
}

}  // namespace

absl::StatusOr<absl::Duration> ParseSeconds(absl::string_view text, SecondsBound bound) {
  const bool positive = bound == SecondsBound::kPositive;
  double seconds = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &seconds) || !std::isfinite(seconds) ||
      seconds < 0 || (positive && seconds == 0) || seconds > kMaxOptionSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a ",
                     positive ? "positive number of seconds" : "number of seconds >= 0"));
  }
  if (positive && seconds < kMinPositiveSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is below the smallest duration, 0.001 seconds"));
  }
  return absl::Seconds(seconds);
}

absl::StatusOr<int> ParseCount(absl::string_view text, int min, int max) {
  int n = 0;
  if (!absl::SimpleAtoi(text, &n) || n < min || n > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not an integer >= ", min,
                     max < kMaxCount ? absl::StrCat(" and <= ", max) : ""));
  }
  return n;
}

absl::Status CheckOneLineText(absl::string_view text, absl::string_view what) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat("empty ", what));
  if (base::HasAsciiControl(text)) {
    return absl::InvalidArgumentError("control character in value");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::int64_t> ParseByteSize(absl::string_view text) {
  std::int64_t bytes = 0;
  if (!ParseSuffixed(text, {{"kb", 1024}, {"mb", 1024 * 1024}, {"gb", 1024 * 1024 * 1024}},
                     &bytes)) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a byte size"));
  }
  return bytes;
}

absl::StatusOr<std::int64_t> ParseSuffixedSeconds(absl::string_view text) {
  std::int64_t seconds = 0;
  if (!ParseSuffixed(text, {{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}}, &seconds)) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a number of seconds"));
  }
  return seconds;
}

absl::Status OptionValueError(absl::string_view name, const absl::Status& reason) {
  return OptionValueError(name, reason.message());
}

absl::Status OptionValueError(absl::string_view name, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("option ", name, ": ", reason));
}

absl::Status SetOneLineOption(absl::string_view name, absl::string_view value,
                              absl::string_view what, std::string* out) {
  if (absl::Status status = CheckOneLineText(value, what); !status.ok()) {
    return OptionValueError(name, status);
  }
  *out = std::string(value);
  return absl::OkStatus();
}

}  // namespace kit
}  // namespace svl
