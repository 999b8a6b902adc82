// File: kit/tick_coalescer.h
//
// Which TICK events get a check. While a listener is busy, supervisord
// buffers its TICKs and replays them back to back once it is READY again;
// their `when:` values are then old.
// Checking each one would run a burst of checks (and restarts) about the
// same moment. TickCoalescer checks the first tick of such a burst and skips
// the rest: a check that started at wall time W already covers every tick
// whose moment (`when`) is not after W.
//
// Rule, for a tick (eventname TICK_<period>, payload `when:<epoch seconds>`)
// arriving at wall time `now`:
//   - it is "back to back" when 0 <= now - (start of the last check) <
//     period / 2; a regular tick arrives about one period after the previous
//     one, so only buffered or simultaneous ticks (TICK_5 and TICK_60 at the
//     same second) are back to back;
//   - a back-to-back tick is skipped when its `when` is not newer than the
//     `when` of the last checked tick (kSkipDuplicate), or not after the
//     start of the last check (kSkipStale);
//   - every other tick is checked.
// Only back-to-back ticks are ever skipped, so a clock step (either way)
// costs at most one skipped tick and never suspends checking.
// `when` and `now` must come from the same clock: supervisord and its
// listener run on the same host.
//
// Example: after a 55 s stall, 10 buffered TICK_5 with when = t, t+5, ...,
// t+45 all arrive at wall time t+50: the first is checked, the other nine
// are skipped (kSkipStale), and so is the fresh tick when = t+50 arriving
// right after them.
//
//   TickCoalescer coalescer;
//   TickVerdict verdict = coalescer.OnTick(header.eventname, tick.when, absl::Now());
//   if (verdict == TickVerdict::kCheck) { ... check ... }
//
// Not thread-safe.

#ifndef SVL_KIT_TICK_COALESCER_H_
#define SVL_KIT_TICK_COALESCER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

// TickPeriod() is the period named by a TICK event name: "TICK_5" -> 5 s,
// "TICK_60", "TICK_3600", any "TICK_<positive decimal>" likewise.
// kInvalidArgument for anything else ("TICK", "TICK_", "TICK_0", "TICK_x").
absl::StatusOr<absl::Duration> TickPeriod(absl::string_view eventname);

// What to do with one TICK.
enum class TickVerdict {
  kCheck,          // run the check
  kSkipDuplicate,  // back to back, `when` not newer than the last checked one
  kSkipStale,      // back to back, `when` not after the last check started
};

// TickVerdictName() gives "check", "skip-duplicate", "skip-stale".
absl::string_view TickVerdictName(TickVerdict verdict);

// TickCoalescer applies the rule above to the TICKs as they come.
class TickCoalescer {
 public:
  // OnTick() decides for one tick and, for kCheck, remembers `when` and
  // `now` as the last check. A tick whose event name has no period
  // (TickPeriod() fails) is never back to back, so it is always checked.
  TickVerdict OnTick(absl::string_view eventname, std::int64_t when, absl::Time now);

 private:
  bool checked_ = false;
  std::int64_t last_when_ = 0;
  absl::Time last_check_ = absl::UnixEpoch();
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_TICK_COALESCER_H_
