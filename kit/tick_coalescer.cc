#include "kit/tick_coalescer.h"

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

absl::StatusOr<absl::Duration> TickPeriod(absl::string_view eventname) {
  absl::string_view digits = eventname;
  std::int64_t seconds = 0;
  // Digits only: SimpleAtoi alone would accept "+5" and " 5".
  if (!absl::ConsumePrefix(&digits, "TICK_") || digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }) ||
      !absl::SimpleAtoi(digits, &seconds) || seconds <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a TICK_<seconds> event name: \"", absl::CEscape(eventname), "\""));
  }
  return absl::Seconds(seconds);
}

absl::string_view TickVerdictName(TickVerdict verdict) {
  switch (verdict) {
    case TickVerdict::kCheck:
      return "check";
    case TickVerdict::kSkipDuplicate:
      return "skip-duplicate";
    case TickVerdict::kSkipStale:
      return "skip-stale";
  }
  return "unknown";
}

TickVerdict TickCoalescer::OnTick(absl::string_view eventname, std::int64_t when,
                                  absl::Time now) {
  if (checked_) {
    absl::StatusOr<absl::Duration> period = TickPeriod(eventname);
    const absl::Duration since_check = now - last_check_;
    const bool back_to_back =
        period.ok() && since_check >= absl::ZeroDuration() && since_check < *period / 2;
    if (back_to_back) {
      if (when <= last_when_) return TickVerdict::kSkipDuplicate;
      if (absl::FromUnixSeconds(when) <= last_check_) return TickVerdict::kSkipStale;
    }
  }
  checked_ = true;
  last_when_ = when;
  last_check_ = now;
  return TickVerdict::kCheck;
}

}  // namespace kit
}  // namespace svl
