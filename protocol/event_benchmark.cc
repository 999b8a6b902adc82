// Benchmarks for the event parsers. Run with
//   bazel run -c opt //protocol:event_benchmark
// items_per_second is events (or header lines) parsed per second.

#include <string>

#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "protocol/event.h"
#include "protocol/event_stream.h"

namespace svl {
namespace protocol {
namespace {

constexpr absl::string_view kTickHeader =
    "ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 eventname:TICK_5 len:15";
constexpr absl::string_view kTickEvent =
    "ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 eventname:TICK_5 len:15\n"
    "when:1795609595";

void BM_ParseEventHeader(benchmark::State& state) {
  for (auto _ : state) {
    auto header = ParseEventHeader(kTickHeader);
    benchmark::DoNotOptimize(header);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseEventHeader);

void BM_StreamTickEvent(benchmark::State& state) {
  EventStreamParser parser;
  for (auto _ : state) {
    parser.Feed(kTickEvent);
    auto event = parser.Next();
    benchmark::DoNotOptimize(event);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamTickEvent);

void BM_StreamNonAsciiEvent(benchmark::State& state) {
  const std::string event =
      "ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 "
      "eventname:REMOTE_COMMUNICATION len:14\ntype:t\nh\xc3\xa9llo \xe2\x98\x83";
  EventStreamParser parser;
  for (auto _ : state) {
    parser.Feed(event);
    auto parsed = parser.Next();
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamNonAsciiEvent);

}  // namespace
}  // namespace protocol
}  // namespace svl
