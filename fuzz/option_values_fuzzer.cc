// Fuzz target: kit/option_values.h ParseByteSize(), ParseSuffixedSeconds()
// and ParseSeconds(), each on the whole input.
//
// Oracles (abort() on violation):
//   - an error quotes the input: its message starts with "'" + input + "'";
//   - a plain integer (an accepted text not ending in a suffix letter) means
//     the same to ParseByteSize() and ParseSuffixedSeconds(), and with "KB"
//     or "m" appended it is 1024 or 60 times as much (or an error exactly when
//     that overflows int64);
//   - ParseSeconds(): a positive duration is > 0 and at most
//     kMaxOptionSeconds, and also accepted, equal, as non-negative; a
//     non-negative one is >= 0.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kit/option_values.h"

namespace {

using ::svl::kit::ParseByteSize;
using ::svl::kit::ParseSeconds;
using ::svl::kit::ParseSuffixedSeconds;
using ::svl::kit::SecondsBound;

constexpr std::size_t kMaxInput = 256;

void CheckQuoted(const absl::Status& status, absl::string_view text) {
  if (!status.ok() && !absl::StartsWith(status.message(), absl::StrCat("'", text, "'"))) {
    std::abort();
  }
}

// Whether `n * factor` fits in int64.
bool Fits(std::int64_t n, std::int64_t factor) {
  return n <= std::numeric_limits<std::int64_t>::max() / factor &&
         n >= std::numeric_limits<std::int64_t>::min() / factor;
}

// The suffixed form of a plain integer is `factor` times it, or an error on
// overflow.
template <typename Parser>
void CheckSuffix(Parser parse, absl::string_view text, absl::string_view suffix,
                 std::int64_t plain, std::int64_t factor) {
  const absl::StatusOr<std::int64_t> suffixed = parse(absl::StrCat(text, suffix));
  if (suffixed.ok() != Fits(plain, factor)) std::abort();
  if (suffixed.ok() && *suffixed != plain * factor) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  const absl::StatusOr<std::int64_t> bytes = ParseByteSize(text);
  const absl::StatusOr<std::int64_t> seconds = ParseSuffixedSeconds(text);
  CheckQuoted(bytes.status(), text);
  CheckQuoted(seconds.status(), text);
  // A plain integer ends in a digit or a blank, never in a suffix letter.
  const bool plain = !text.empty() && !absl::ascii_isalpha(static_cast<unsigned char>(text.back()));
  if (plain) {
    if (bytes.ok() != seconds.ok()) std::abort();
    if (bytes.ok()) {
      if (*bytes != *seconds) std::abort();
      CheckSuffix(ParseByteSize, text, "KB", *bytes, 1024);
      CheckSuffix(ParseSuffixedSeconds, text, "m", *seconds, 60);
    }
  }

  const absl::StatusOr<absl::Duration> positive = ParseSeconds(text, SecondsBound::kPositive);
  const absl::StatusOr<absl::Duration> non_negative =
      ParseSeconds(text, SecondsBound::kNonNegative);
  CheckQuoted(positive.status(), text);
  CheckQuoted(non_negative.status(), text);
  if (positive.ok()) {
    if (*positive <= absl::ZeroDuration() ||
        *positive > absl::Seconds(svl::kit::kMaxOptionSeconds) || !non_negative.ok() ||
        *non_negative != *positive) {
      std::abort();
    }
  }
  if (non_negative.ok() && *non_negative < absl::ZeroDuration()) std::abort();
  return 0;
}
