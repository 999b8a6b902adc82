// Fuzz target: the /proc file parsers of procfs/process_memory.h (ParseStat,
// ParseStatusRss, ParseSmapsRollup, ParseMemoryMeasure), each fed the whole
// input. Oracles: errors have only the documented codes; accepted figures are
// whole KiB in bytes, never negative, and uss (Private_Clean + Private_Dirty)
// fits in int64; an accepted stat line rewritten canonically, with the same
// comm, parses to the same pid and ppid; an accepted measure name is its own
// MemoryMeasureName().

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "procfs/process_memory.h"

namespace {

using ::svl::procfs::SmapsRollup;
using ::svl::procfs::StatFields;

bool IsParseError(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsNotFound(status);
}

bool IsWholeKiB(std::int64_t bytes) { return bytes >= 0 && bytes % 1024 == 0; }

void CheckStat(absl::string_view text) {
  const absl::StatusOr<StatFields> stat = svl::procfs::ParseStat(text);
  if (!stat.ok()) {
    if (!absl::IsInvalidArgument(stat.status())) std::abort();
    return;
  }
  if (stat->pid < 0 || stat->ppid < 0) std::abort();
  const std::size_t open = text.find(" (");
  const std::size_t close = text.rfind(')');
  if (open == absl::string_view::npos || close == absl::string_view::npos || close < open) {
    std::abort();
  }
  const absl::string_view comm = text.substr(open + 2, close - open - 2);
  const std::string canonical = absl::StrCat(stat->pid, " (", comm, ") R ", stat->ppid, " 1 1\n");
  const absl::StatusOr<StatFields> again = svl::procfs::ParseStat(canonical);
  if (!again.ok() || again->pid != stat->pid || again->ppid != stat->ppid) std::abort();
}

void CheckStatusRss(absl::string_view text) {
  const absl::StatusOr<std::int64_t> rss = svl::procfs::ParseStatusRss(text);
  if (!rss.ok()) {
    if (!IsParseError(rss.status())) std::abort();
    return;
  }
  if (!IsWholeKiB(*rss)) std::abort();
}

void CheckSmapsRollup(absl::string_view text) {
  const absl::StatusOr<SmapsRollup> rollup = svl::procfs::ParseSmapsRollup(text);
  if (!rollup.ok()) {
    if (!IsParseError(rollup.status())) std::abort();
    return;
  }
  if (!IsWholeKiB(rollup->rss) || !IsWholeKiB(rollup->pss) ||
      !IsWholeKiB(rollup->private_clean) || !IsWholeKiB(rollup->private_dirty) ||
      rollup->private_clean > std::numeric_limits<std::int64_t>::max() - rollup->private_dirty) {
    std::abort();
  }
}

void CheckMemoryMeasure(absl::string_view text) {
  const absl::StatusOr<svl::procfs::MemoryMeasure> measure =
      svl::procfs::ParseMemoryMeasure(text);
  if (!measure.ok()) {
    if (!absl::IsInvalidArgument(measure.status())) std::abort();
    return;
  }
  if (svl::procfs::MemoryMeasureName(*measure) != text) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckStat(text);
  CheckStatusRss(text);
  CheckSmapsRollup(text);
  CheckMemoryMeasure(text);
  return 0;
}
