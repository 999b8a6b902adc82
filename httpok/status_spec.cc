#include "httpok/status_spec.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace svl {
namespace httpok {
namespace {

constexpr int kMinCode = 100;
constexpr int kMaxCode = 599;
// More digits than this cannot be a valid code and would overflow an int.
constexpr size_t kMaxDigits = 6;

absl::Status BadValue(absl::string_view value, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad -c/--code value \"", absl::CEscape(value), "\": ", why));
}

// ParseCode() parses `code := ["+"] digit+` (whitespace already stripped)
// and checks the range.
absl::StatusOr<int> ParseCode(absl::string_view value, absl::string_view code) {
  absl::string_view digits = code;
  absl::ConsumePrefix(&digits, "+");
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return BadValue(value, absl::StrCat("\"", absl::CEscape(code), "\" is not a status code"));
  }
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  if (digits.size() > kMaxDigits) {
    return BadValue(value, absl::StrCat(digits, " is outside 100-599"));
  }
  int result = 0;
  for (char c : digits) result = result * 10 + (c - '0');
  if (result < kMinCode || result > kMaxCode) {
    return BadValue(value, absl::StrCat(result, " is outside 100-599"));
  }
  return result;
}

absl::Status ParseValue(const std::string& value, std::vector<StatusRange>& out) {
  if (absl::StripAsciiWhitespace(value).empty()) return BadValue(value, "empty");
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) return BadValue(value, "empty item");
    std::vector<absl::string_view> ends = absl::StrSplit(item, absl::MaxSplits('-', 1));
    absl::StatusOr<int> low = ParseCode(value, absl::StripAsciiWhitespace(ends[0]));
    if (!low.ok()) return low.status();
    int high = *low;
    if (ends.size() == 2) {
      absl::StatusOr<int> parsed_high = ParseCode(value, absl::StripAsciiWhitespace(ends[1]));
      if (!parsed_high.ok()) return parsed_high.status();
      high = *parsed_high;
      if (high < *low) {
        return BadValue(value, absl::StrCat("range ", *low, "-", high, " is reversed"));
      }
    }
    out.push_back({*low, high});
  }
  return absl::OkStatus();
}

}  // namespace

StatusSpec::StatusSpec() : ranges_{{200, 200}} {}

bool StatusSpec::Matches(int status) const {
  for (const StatusRange& range : ranges_) {
    if (status >= range.low && status <= range.high) return true;
  }
  return false;
}

std::string StatusSpec::ToString() const {
  return absl::StrJoin(ranges_, ",", [](std::string* out, const StatusRange& range) {
    if (range.low == range.high) {
      absl::StrAppend(out, range.low);
    } else {
      absl::StrAppend(out, range.low, "-", range.high);
    }
  });
}

absl::StatusOr<StatusSpec> ParseStatusSpec(const std::vector<std::string>& values) {
  StatusSpec spec;
  if (values.empty()) return spec;
  std::vector<StatusRange> ranges;
  for (const std::string& value : values) {
    if (absl::Status status = ParseValue(value, ranges); !status.ok()) return status;
  }
  std::sort(ranges.begin(), ranges.end(), [](const StatusRange& a, const StatusRange& b) {
    return a.low < b.low || (a.low == b.low && a.high < b.high);
  });
  spec.ranges_.clear();
  for (const StatusRange& range : ranges) {
    if (!spec.ranges_.empty() && range.low <= spec.ranges_.back().high + 1) {
      spec.ranges_.back().high = std::max(spec.ranges_.back().high, range.high);
    } else {
      spec.ranges_.push_back(range);
    }
  }
  return spec;
}

}  // namespace httpok
}  // namespace svl
