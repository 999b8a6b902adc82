#include "kit/tick_scheduler.h"

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "protocol/payloads.h"

namespace svl {
namespace kit {

bool IsTick(const protocol::Event& event) {
  return absl::StartsWith(event.header.eventname, "TICK");
}

TickScheduler::TickScheduler(std::function<bool()> round, ListenerOutput* out)
    : round_(std::move(round)), out_(out) {}

TickScheduler::~TickScheduler() { Drain(); }

void TickScheduler::Drain() { worker_.Drain(); }

bool TickScheduler::OnEvent(const protocol::Event& event) {
  if (!IsTick(event)) return false;
  const std::string& tick = event.header.eventname;
  const absl::StatusOr<protocol::TickPayload> payload = protocol::ParseTickPayload(event.payload);
  const bool dated = payload.ok();
  if (dated) {
    const TickVerdict verdict = coalescer_.OnTick(tick, payload->when, absl::Now());
    if (verdict != TickVerdict::kCheck) {
      out_->Log("stale", "TICK skipped: replayed after a stall, covered by the last check",
                {{"tick", tick}, {"when", absl::StrCat(payload->when)}});
      return true;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    if (in_progress_) {
      if (pending_) {
        out_->Log("busy",
                  "TICK skipped: a check or restart is in progress and one more is queued",
                  {{"tick", tick}});
        return true;
      }
      pending_ = true;
      pending_dated_ = dated;
      pending_tick_ = tick;
      return true;
    }
    in_progress_ = true;
  }
  // The worker may still be returning from the job that just cleared
  // in_progress_: wait for that (it is on its last instructions).
  while (!worker_.TrySubmit([this] { Work(); })) worker_.Drain();
  return true;
}

void TickScheduler::Work() {
  while (true) {
    const bool restarted = round_();
    absl::MutexLock lock(&mu_);
    if (pending_ && pending_dated_ && restarted) {
      out_->Log("busy", "TICK skipped: it arrived during a restart", {{"tick", pending_tick_}});
      pending_ = false;
    }
    if (!pending_) {
      in_progress_ = false;
      return;
    }
    pending_ = false;
  }
}

}  // namespace kit
}  // namespace svl
