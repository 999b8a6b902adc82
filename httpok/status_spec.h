// File: httpok/status_spec.h
//
// The set of HTTP statuses httpok accepts as healthy, from the `-c/--code`
// values. Upstream takes one integer per `-c` (repeatable, exact match,
// default 200); we also accept lists and ranges inside one value, so
// `-c 200 -c 204`, `-c 200,204` and `-c 200-204` may be mixed freely.
//
// Grammar of one value (ASCII whitespace around each item is ignored, as
// Python's int() does for upstream's `-c " 200"`):
//
//   value := item ("," item)*
//   item  := code | code "-" code      (a range, both ends included)
//   code  := ["+"] digit+              (100..599)
//
// Example:
//
//   absl::StatusOr<StatusSpec> spec = ParseStatusSpec({"200-299", "301,302"});
//   if (!spec.ok()) { ... spec.status().message() names the bad value ... }
//   spec->Matches(204);   // true
//   spec->Matches(304);   // false
//   spec->ToString();     // "200-299,301-302"

#ifndef SVL_HTTPOK_STATUS_SPEC_H_
#define SVL_HTTPOK_STATUS_SPEC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace svl {
namespace httpok {

// An inclusive range of statuses; a single code is {c, c}.
struct StatusRange {
  int low = 0;
  int high = 0;

  friend bool operator==(const StatusRange& a, const StatusRange& b) {
    return a.low == b.low && a.high == b.high;
  }
};

class StatusSpec {
 public:
  // The default spec accepts exactly 200 (upstream's default).
  StatusSpec();

  // Matches() is true when `status` lies in one of the ranges. Any int is
  // allowed (0 or a negative value simply does not match).
  bool Matches(int status) const;

  // ranges() are sorted by `low`, and overlapping or adjacent ranges are
  // merged: {"200", "201-205", "204"} gives {{200, 205}}.
  const std::vector<StatusRange>& ranges() const { return ranges_; }

  // ToString() renders the merged ranges: "200", "200-399", "200,204,301-302".
  std::string ToString() const;

 private:
  friend absl::StatusOr<StatusSpec> ParseStatusSpec(const std::vector<std::string>& values);
  std::vector<StatusRange> ranges_;
};

// ParseStatusSpec() parses every `-c/--code` value, in order. No values gives
// the default spec {200}. Errors are kInvalidArgument and quote the whole bad
// value and the item at fault, e.g.
//   bad -c/--code value "200,abc": "abc" is not a status code
//   bad -c/--code value "399-200": range 399-200 is reversed
//   bad -c/--code value "700": 700 is outside 100-599
// Empty values and empty items ("", "200,", "200,,204") are errors too.
absl::StatusOr<StatusSpec> ParseStatusSpec(const std::vector<std::string>& values);

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_STATUS_SPEC_H_
