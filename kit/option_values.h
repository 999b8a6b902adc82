// File: kit/option_values.h
//
// Parsers for the kinds of option values every listener takes: seconds,
// counts, free text that must fit on one line, and upstream's byte sizes and
// suffixed durations. Each returns kInvalidArgument with a short reason that
// quotes the value (`'0' is not a positive number of seconds`); the caller
// names the option with OptionValueError().
//
// Example:
//
//   absl::StatusOr<absl::Duration> timeout = ParseSeconds(value, SecondsBound::kPositive);
//   if (!timeout.ok()) return OptionValueError("-t", timeout.status());
//   // "option -t: 'abc' is not a positive number of seconds"

#ifndef SVL_KIT_OPTION_VALUES_H_
#define SVL_KIT_OPTION_VALUES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

// kMaxOptionSeconds is the most seconds ParseSeconds() accepts (a year;
// more is certainly a typo).
inline constexpr double kMaxOptionSeconds = 365.0 * 24 * 3600;

// kMaxCount is the largest count ParseCount() accepts when no smaller
// maximum applies; error messages do not mention it.
inline constexpr int kMaxCount = 1000000;

// SecondsBound is the lower bound of ParseSeconds().
enum class SecondsBound {
  kPositive,     // > 0, and at least 1 ms
  kNonNegative,  // >= 0
};

// ParseSeconds()
//
// A finite decimal number of seconds, fractions and exponents allowed,
// surrounding ASCII blanks ignored, within `bound` and kMaxOptionSeconds.
// Errors: "'X' is not a positive number of seconds" (or "... a number of
// seconds >= 0"); for a positive value below 1 ms, which clocks and libcurl
// would round to no time at all, "'X' is below the smallest duration, 0.001
// seconds".
absl::StatusOr<absl::Duration> ParseSeconds(absl::string_view text, SecondsBound bound);

// ParseCount()
//
// A decimal integer (absl::SimpleAtoi: optional sign, surrounding blanks)
// within [min, max]. Error: "'X' is not an integer >= MIN", followed by
// " and <= MAX" when max < kMaxCount.
absl::StatusOr<int> ParseCount(absl::string_view text, int min, int max = kMaxCount);

// CheckOneLineText()
//
// OK for a non-empty value without control characters. Errors: "empty WHAT"
// (e.g. "empty file name"), else "control character in value"; the value
// itself is never quoted, so that a secret stays out of logs.
absl::Status CheckOneLineText(absl::string_view text, absl::string_view what);

// ParseByteSize()
//
// supervisord's byte_size, as memmon reads its sizes: the text lower-cased;
// when it ends in "kb", "mb" or "gb", the integer before the suffix times
// 1024, 1024^2 or 1024^3, else the whole text as an integer. The integer is
// Python int()'s ASCII subset: surrounding blanks, an optional sign, digits
// with single '_' between them ("1_000"). Overflow of int64 is an error.
// Negative and zero sizes are returned as they are. Error: "'X' is not a byte
// size".
absl::StatusOr<std::int64_t> ParseByteSize(absl::string_view text);

// ParseSuffixedSeconds()
//
// supervisord's SuffixMultiplier for seconds, as memmon reads `-u`: like
// ParseByteSize() with the one-letter suffixes "s", "m", "h" and "d" (1, 60,
// 3600, 86400 seconds), case-insensitive. Error: "'X' is not a number of
// seconds".
absl::StatusOr<std::int64_t> ParseSuffixedSeconds(absl::string_view text);

// SetOneLineOption() stores `value` in `*out` when CheckOneLineText(value,
// what) accepts it; else OptionValueError(name, that error), `*out` untouched.
absl::Status SetOneLineOption(absl::string_view name, absl::string_view value,
                              absl::string_view what, std::string* out);

// OptionValueError() is kInvalidArgument "option NAME: REASON", REASON being
// the message of `reason` (from one of the parsers above, or any text).
absl::Status OptionValueError(absl::string_view name, const absl::Status& reason);
absl::Status OptionValueError(absl::string_view name, absl::string_view reason);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_OPTION_VALUES_H_
