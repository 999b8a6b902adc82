#include "kit/tick_scheduler.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kit/event_log.h"
#include "kit/listener_output.h"
#include "protocol/event.h"

namespace svl {
namespace kit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

protocol::Event Event(const std::string& name, const std::string& payload = "") {
  protocol::Event event;
  event.header.eventname = name;
  event.payload = payload;
  return event;
}

// A TICK as supervisord sends it: `when:` is now.
protocol::Event DatedTick(const std::string& name, std::int64_t when) {
  return Event(name, absl::StrCat("when:", when));
}

// A TICK without `when:`, as superlance's tests send them.
protocol::Event UndatedTick() { return Event("TICK_5"); }

// The stderr lines, timestamps cut off (they are event-log records).
class Lines {
 public:
  StderrWriter writer() {
    return [this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line.substr(line.find(' ') + 1));
    };
  }
  std::vector<std::string> get() {
    absl::MutexLock lock(&mu_);
    return lines_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// Rounds: the first one says it started and waits for the test's release;
// later ones return at once. Each returns `restarted`.
class Rounds {
 public:
  explicit Rounds(bool first_restarted = false) : first_restarted_(first_restarted) {}
  std::function<bool()> round() {
    return [this] {
      int n;
      {
        absl::MutexLock lock(&mu_);
        n = ++count_;
      }
      if (n > 1) return false;
      first_started_.Notify();
      release_first_.WaitForNotification();
      return first_restarted_;
    };
  }
  void WaitForFirst() { first_started_.WaitForNotification(); }
  void ReleaseFirst() { release_first_.Notify(); }
  int count() {
    absl::MutexLock lock(&mu_);
    return count_;
  }

 private:
  const bool first_restarted_;
  absl::Notification first_started_;
  absl::Notification release_first_;
  absl::Mutex mu_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

OutputSettings Settings() { return {"httpok", "", LogFormat::kText, false, ""}; }

TEST(IsTickTest, EventNamesStartingWithTick) {
  EXPECT_TRUE(IsTick(Event("TICK_5")));
  EXPECT_TRUE(IsTick(Event("TICK")));
  EXPECT_FALSE(IsTick(Event("PROCESS_STATE_RUNNING")));
}

TEST(TickSchedulerTest, OtherEventsAreIgnored) {
  Lines lines;
  ListenerOutput out(Settings(), lines.writer());
  int rounds = 0;
  TickScheduler ticks([&] { return ++rounds, false; }, &out);
  EXPECT_FALSE(ticks.OnEvent(Event("PROCESS_STATE_RUNNING", "processname:web")));
  ticks.Drain();
  EXPECT_EQ(rounds, 0);
  EXPECT_THAT(lines.get(), IsEmpty());
}

TEST(TickSchedulerTest, ATickRunsARound) {
  Lines lines;
  ListenerOutput out(Settings(), lines.writer());
  Rounds rounds;
  TickScheduler ticks(rounds.round(), &out);
  EXPECT_TRUE(ticks.OnEvent(UndatedTick()));  // returns before the round ends
  rounds.WaitForFirst();
  rounds.ReleaseFirst();
  ticks.Drain();
  EXPECT_EQ(rounds.count(), 1);
  EXPECT_THAT(lines.get(), IsEmpty());
}

TEST(TickSchedulerTest, OneTickDuringARoundIsDeferredFurtherOnesAreSkipped) {
  Lines lines;
  ListenerOutput out(Settings(), lines.writer());
  Rounds rounds;
  TickScheduler ticks(rounds.round(), &out);
  ASSERT_TRUE(ticks.OnEvent(UndatedTick()));
  rounds.WaitForFirst();
  EXPECT_TRUE(ticks.OnEvent(UndatedTick()));  // deferred
  EXPECT_TRUE(ticks.OnEvent(Event("TICK_60")));  // skipped
  EXPECT_EQ(rounds.count(), 1);
  rounds.ReleaseFirst();
  ticks.Drain();
  EXPECT_EQ(rounds.count(), 2);
  EXPECT_THAT(lines.get(),
              ElementsAre("httpok reason=busy msg=\"TICK skipped: a check or restart is in "
                          "progress and one more is queued\" tick=TICK_60\n"));
}

TEST(TickSchedulerTest, ADatedTickArrivingDuringARoundThatRestartedIsSkipped) {
  Lines lines;
  ListenerOutput out(Settings(), lines.writer());
  Rounds rounds(/*first_restarted=*/true);
  TickScheduler ticks(rounds.round(), &out);
  ASSERT_TRUE(ticks.OnEvent(UndatedTick()));
  rounds.WaitForFirst();
  EXPECT_TRUE(ticks.OnEvent(DatedTick("TICK_60", absl::ToUnixSeconds(absl::Now()))));
  rounds.ReleaseFirst();
  ticks.Drain();
  EXPECT_EQ(rounds.count(), 1);
  EXPECT_THAT(lines.get(), ElementsAre("httpok reason=busy msg=\"TICK skipped: it arrived during "
                                       "a restart\" tick=TICK_60\n"));
}

TEST(TickSchedulerTest, AnUndatedTickArrivingDuringARoundThatRestartedStillRuns) {
  Lines lines;
  ListenerOutput out(Settings(), lines.writer());
  Rounds rounds(/*first_restarted=*/true);
  TickScheduler ticks(rounds.round(), &out);
  ASSERT_TRUE(ticks.OnEvent(UndatedTick()));
  rounds.WaitForFirst();
  ASSERT_TRUE(ticks.OnEvent(UndatedTick()));
  rounds.ReleaseFirst();
  ticks.Drain();
  EXPECT_EQ(rounds.count(), 2);
  EXPECT_THAT(lines.get(), IsEmpty());
}

TEST(TickSchedulerTest, ReplayedTicksAreCoalesced) {
  Lines lines;
  ListenerOutput out(Settings(), lines.writer());
  int rounds = 0;
  TickScheduler ticks([&] { return ++rounds, false; }, &out);
  const std::int64_t when = absl::ToUnixSeconds(absl::Now());
  ASSERT_TRUE(ticks.OnEvent(DatedTick("TICK_5", when)));
  ticks.Drain();
  EXPECT_TRUE(ticks.OnEvent(DatedTick("TICK_5", when)));  // the same moment, back to back
  ticks.Drain();
  EXPECT_EQ(rounds, 1);
  EXPECT_THAT(lines.get(),
              ElementsAre(absl::StrCat("httpok reason=stale msg=\"TICK skipped: replayed after a "
                                       "stall, covered by the last check\" tick=TICK_5 when=",
                                       when, "\n")));
}

// Only supervisord's own payload form dates a TICK (protocol's parser):
// anything else is checked like an undated TICK, never coalesced.
TEST(TickSchedulerTest, APayloadThatIsNotSupervisordsFormIsUndated) {
  Lines lines;
  ListenerOutput out(Settings(), lines.writer());
  int rounds = 0;
  TickScheduler ticks([&] { return ++rounds, false; }, &out);
  const std::string when = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  for (const std::string& payload : {"x:1 when:" + when + "\n", "when:" + when + "  "}) {
    SCOPED_TRACE(payload);
    ASSERT_TRUE(ticks.OnEvent(Event("TICK_5", payload)));
    ticks.Drain();
    ASSERT_TRUE(ticks.OnEvent(Event("TICK_5", payload)));  // the same moment, back to back
    ticks.Drain();
  }
  EXPECT_EQ(rounds, 4);
  EXPECT_THAT(lines.get(), IsEmpty());
}

}  // namespace
}  // namespace kit
}  // namespace svl
