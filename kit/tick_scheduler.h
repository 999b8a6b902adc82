// File: kit/tick_scheduler.h
//
// When a TICK-driven listener runs its work (a "round": check, act, notify),
// so that supervisord never waits for it. Every TICK is acknowledged at
// once; the round runs on a background thread:
//   - no round running: the TICK starts one;
//   - a round running: the first TICK meanwhile is deferred (one more round
//     right after the current one, as superlance's blocking loop would have
//     run it), except a supervisord TICK (with `when:`) arriving while the
//     round restarted something: a round right after a restart would judge
//     a process that has just started, so it is skipped (a `busy` line).
//     Further TICKs meanwhile are skipped (a `busy` line);
//   - TICKs replayed back to back after a stall are coalesced
//     (tick_coalescer.h; a `stale` line each). TICKs whose payload has no
//     `when:` (superlance's own tests send such), or whose payload is not
//     supervisord's `when:<seconds>` (protocol::ParseTickPayload), are
//     undated: never coalesced, never skipped.
//
// Example:
//
//   TickScheduler ticks([&] { return RunRound(); }, &out);  // true: it restarted
//   listener.Run([&](const protocol::Event& e) {
//     ticks.OnEvent(e);
//     return std::string(protocol::kResultOk);
//   });
//   ticks.Drain();  // the round in flight and the one deferred
//
// OnEvent() is called from one thread (the event loop).

#ifndef SVL_KIT_TICK_SCHEDULER_H_
#define SVL_KIT_TICK_SCHEDULER_H_

#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "kit/background_worker.h"
#include "kit/listener_output.h"
#include "kit/tick_coalescer.h"
#include "protocol/event.h"

namespace svl {
namespace kit {

// IsTick() is superlance's test for a TICK: the event name starts with
// "TICK" (its own tests send an event named just "TICK").
bool IsTick(const protocol::Event& event);

// TickScheduler runs a listener's rounds as described above.
class TickScheduler {
 public:
  // `round` runs one round and returns true when it stopped or started a
  // process. `out` (for the busy/stale lines) must outlive the scheduler.
  TickScheduler(std::function<bool()> round, ListenerOutput* out);
  // Drain()s.
  ~TickScheduler();

  // OnEvent() schedules a round for a TICK (see above) and ignores any
  // other event; it returns at once. True when the event was a TICK.
  bool OnEvent(const protocol::Event& event);

  // Drain() waits until no round is running or deferred.
  void Drain();

 private:
  void Work();

  const std::function<bool()> round_;
  ListenerOutput* const out_;
  TickCoalescer coalescer_;  // event-loop thread only
  absl::Mutex mu_;
  bool in_progress_ ABSL_GUARDED_BY(mu_) = false;
  bool pending_ ABSL_GUARDED_BY(mu_) = false;        // one TICK deferred
  bool pending_dated_ ABSL_GUARDED_BY(mu_) = false;  // it had a when:
  std::string pending_tick_ ABSL_GUARDED_BY(mu_);    // its event name
  BackgroundWorker worker_;  // last: destroyed (drained) first
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_TICK_SCHEDULER_H_
