#include "kit/tick_coalescer.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;

constexpr std::int64_t kT = 1'800'000'000;  // a multiple of 3600

struct Tick {
  std::string eventname;
  std::int64_t when;        // relative to kT, seconds
  absl::Duration arrives;   // wall time relative to kT
  TickVerdict expected;
};

struct Scenario {
  std::string name;
  std::vector<Tick> ticks;
};

const absl::Duration ms = absl::Milliseconds(1);
const absl::Duration s = absl::Seconds(1);
constexpr TickVerdict kCheck = TickVerdict::kCheck;
constexpr TickVerdict kDuplicate = TickVerdict::kSkipDuplicate;
constexpr TickVerdict kStale = TickVerdict::kSkipStale;

std::vector<Tick> BufferedTick5(std::int64_t first_when, int count, absl::Duration arrives,
                                TickVerdict first) {
  std::vector<Tick> ticks;
  for (int i = 0; i < count; ++i) {
    ticks.push_back({"TICK_5", first_when + 5 * i, arrives + i * ms, i == 0 ? first : kStale});
  }
  return ticks;
}

std::vector<Tick> Concat(std::vector<std::vector<Tick>> parts) {
  std::vector<Tick> all;
  for (auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

TEST(TickCoalescerTest, Scenarios) {
  const Scenario scenarios[] = {
      {"regular TICK_5: every tick is checked",
       {
           {"TICK_5", 0, 10 * ms, kCheck},
           {"TICK_5", 5, 5 * s + 12 * ms, kCheck},
           {"TICK_5", 10, 10 * s + 3 * ms, kCheck},
           {"TICK_5", 15, 15 * s + 900 * ms, kCheck},  // late but alone
           {"TICK_5", 20, 20 * s, kCheck},
       }},
      {"the first tick ever is checked however old",
       {{"TICK_5", 0, 3600 * s, kCheck}}},
      {"10 buffered TICK_5 replayed after a stall: exactly one check",
       Concat({
           {{"TICK_5", -5, -5 * s + 10 * ms, kCheck}},  // the check that stalled
           BufferedTick5(0, 10, 50 * s, kCheck),       // when t .. t+45 at t+50
           {
               {"TICK_5", 50, 50 * s + 20 * ms, kStale},  // the fresh one, covered
               {"TICK_5", 55, 55 * s + 10 * ms, kCheck},  // back to normal
           },
       })},
      {"buffer overflowed: the oldest were dropped, the rest still coalesce",
       Concat({
           {{"TICK_5", 0, 10 * ms, kCheck}},
           BufferedTick5(20, 6, 49 * s, kCheck),
           {{"TICK_5", 50, 50 * s + 10 * ms, kCheck}},  // 1 s later: not back to back
       })},
      {"a slow check: the next queued tick is checked, later ones coalesce",
       {
           {"TICK_5", 0, 10 * ms, kCheck},  // takes 12 s
           {"TICK_5", 5, 12 * s, kCheck},
           {"TICK_5", 10, 12 * s + 1 * ms, kStale},
           {"TICK_5", 15, 15 * s + 10 * ms, kCheck},
       }},
      {"TICK_5 and TICK_60 of the same second: one check",
       {
           {"TICK_5", 0, 5 * ms, kCheck},
           {"TICK_60", 0, 6 * ms, kDuplicate},
           {"TICK_5", 5, 5 * s + 5 * ms, kCheck},
           {"TICK_5", 60, 60 * s + 5 * ms, kCheck},
           {"TICK_3600", 0, 60 * s + 6 * ms, kDuplicate},  // an old hour, back to back
           {"TICK_60", 60, 60 * s + 7 * ms, kDuplicate},
       }},
      {"TICK_60 first, then TICK_5 of the same second",
       {
           {"TICK_60", 0, 5 * ms, kCheck},
           {"TICK_5", 0, 6 * ms, kDuplicate},
       }},
      {"buffered TICK_60: one check",
       {
           {"TICK_60", -60, -60 * s + 10 * ms, kCheck},
           {"TICK_60", 0, 130 * s, kCheck},
           {"TICK_60", 60, 130 * s + 1 * ms, kStale},
           {"TICK_60", 120, 130 * s + 2 * ms, kStale},
           {"TICK_60", 180, 180 * s + 10 * ms, kCheck},
       }},
      {"back to back is period / 2 of the tick at hand",
       {
           {"TICK_60", 0, 0 * s, kCheck},
           // 29.999 s after a check is back to back for TICK_60 (< 30 s) ...
           {"TICK_60", 0, 29999 * ms, kDuplicate},
           // ... but 2.5 s is not for TICK_5.
           {"TICK_5", -5, 2500 * ms, kCheck},
       }},
      {"the wall clock stepped back an hour: checking goes on",
       {
           {"TICK_5", 0, 10 * ms, kCheck},
           {"TICK_5", -3600, -3600 * s + 10 * ms, kCheck},
           {"TICK_5", -3595, -3595 * s + 10 * ms, kCheck},
           {"TICK_5", -3595, -3595 * s + 11 * ms, kDuplicate},
       }},
      {"the wall clock stepped forward: checking goes on",
       {
           {"TICK_5", 0, 10 * ms, kCheck},
           {"TICK_5", 3600, 3600 * s + 10 * ms, kCheck},
           {"TICK_5", 3605, 3605 * s + 10 * ms, kCheck},
       }},
      {"a tick name without a period is always checked",
       {
           {"TICK_5", 0, 10 * ms, kCheck},
           {"TICK_x", 0, 11 * ms, kCheck},
           {"TICK", -10, 12 * ms, kCheck},
           {"TICK_5", -10, 13 * ms, kDuplicate},
       }},
  };
  for (const Scenario& scenario : scenarios) {
    TickCoalescer coalescer;
    for (size_t i = 0; i < scenario.ticks.size(); ++i) {
      const Tick& tick = scenario.ticks[i];
      EXPECT_EQ(TickVerdictName(coalescer.OnTick(tick.eventname, kT + tick.when,
                                                 absl::FromUnixSeconds(kT) + tick.arrives)),
                TickVerdictName(tick.expected))
          << scenario.name << ", tick " << i << " (" << tick.eventname << " when " << tick.when
          << ")";
    }
  }
}

TEST(TickCoalescerTest, TickPeriod) {
  EXPECT_THAT(TickPeriod("TICK_5"), IsOkAndHolds(absl::Seconds(5)));
  EXPECT_THAT(TickPeriod("TICK_60"), IsOkAndHolds(absl::Seconds(60)));
  EXPECT_THAT(TickPeriod("TICK_3600"), IsOkAndHolds(absl::Seconds(3600)));
  EXPECT_THAT(TickPeriod("TICK_86400"), IsOkAndHolds(absl::Seconds(86400)));
  for (const char* bad : {"TICK", "TICK_", "TICK_0", "TICK_x", "TICK_+5", "TICK_ 5", "TICK_-5",
                          "TICK_5s", "tick_5", "PROCESS_STATE", "TICK_9999999999"}) {
    EXPECT_THAT(TickPeriod(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                          ::testing::HasSubstr(bad)))
        << bad;
  }
  EXPECT_THAT(TickPeriod(absl::string_view("TICK_\x01", 6)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "not a TICK_<seconds> event name: \"TICK_\\001\""));
}

TEST(TickCoalescerTest, VerdictNames) {
  EXPECT_EQ(TickVerdictName(TickVerdict::kCheck), "check");
  EXPECT_EQ(TickVerdictName(TickVerdict::kSkipDuplicate), "skip-duplicate");
  EXPECT_EQ(TickVerdictName(TickVerdict::kSkipStale), "skip-stale");
}

}  // namespace
}  // namespace kit
}  // namespace svl
