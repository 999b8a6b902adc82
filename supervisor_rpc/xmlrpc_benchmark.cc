// Decoding a supervisor.getAllProcessInfo() response for 1000 processes
// (about 1.1 MB, supervisord's exact wire shape) into std::vector<ProcessInfo>.
//
//   bazel run -c opt //supervisor_rpc:xmlrpc_benchmark
//
// BM_DirectGetAllProcessInfo is the whole path httpok runs per TICK (what
// SupervisorClient::GetAllProcessInfo does after the transport: the direct
// decoder of process_info_list_decoder.h); BM_DecodeGetAllProcessInfo the
// general path it replaced (XmlRpcValue tree, then ProcessInfoFromValue);
// BM_DecodeMethodResponse the streaming decoder alone; the Reference*
// benchmarks the tinyxml2 decoder kept as test oracle, and
// BM_TinyXml2ParseOnly tinyxml2's DOM parse alone, for comparison.

#include <tinyxml2.h>

#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/process_info_list_decoder.h"
#include "supervisor_rpc/xml_pull_parser.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_reference_decoder.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

constexpr int kProcesses = 1000;

// One process-info struct with supervisord's member order and realistic
// values (group of 10 processes, childlogdir log paths, RUNNING description).
XmlRpcValue RealisticProcess(int i) {
  const std::string group = absl::StrCat("web", i / 10);
  const std::string name = absl::StrCat(group, "_", i % 10);
  const std::int64_t start = 1795611196 + i;
  const std::string out_log =
      absl::StrCat("/var/log/sv/", name, "-stdout---supervisor-", i, ".log");
  return XmlRpcValue::Struct({
      {"name", XmlRpcValue::String(name)},
      {"group", XmlRpcValue::String(group)},
      {"start", XmlRpcValue::Int(start)},
      {"stop", XmlRpcValue::Int(0)},
      {"now", XmlRpcValue::Int(1795621202)},
      {"state", XmlRpcValue::Int(20)},
      {"statename", XmlRpcValue::String("RUNNING")},
      {"spawnerr", XmlRpcValue::String("")},
      {"exitstatus", XmlRpcValue::Int(0)},
      {"logfile", XmlRpcValue::String(out_log)},
      {"stdout_logfile", XmlRpcValue::String(out_log)},
      {"stderr_logfile", XmlRpcValue::String(absl::StrCat(
                             "/var/log/sv/", name, "-stderr---supervisor-", i, ".log"))},
      {"pid", XmlRpcValue::Int(40000 + i)},
      {"description", XmlRpcValue::String(absl::StrCat("pid ", 40000 + i, ", uptime 2:46:46"))},
  });
}

const std::string& Body() {
  static const std::string* body = [] {
    std::vector<XmlRpcValue> items;
    for (int i = 0; i < kProcesses; ++i) items.push_back(RealisticProcess(i));
    return new std::string(EncodeMethodResponse(XmlRpcValue::Array(std::move(items))));
  }();
  return *body;
}

using DecodeFn = absl::StatusOr<XmlRpcValue> (*)(absl::string_view);

void DecodeProcessInfos(benchmark::State& state, DecodeFn decode) {
  const std::string& body = Body();
  for (auto _ : state) {
    absl::StatusOr<XmlRpcValue> value = decode(body);
    if (!value.ok()) {
      std::fprintf(stderr, "%s\n", value.status().ToString().c_str());
      std::abort();
    }
    std::vector<ProcessInfo> infos;
    infos.reserve(value->array().size());
    for (const XmlRpcValue& item : value->array()) {
      absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(item);
      if (!info.ok()) std::abort();
      infos.push_back(*std::move(info));
    }
    if (infos.size() != kProcesses) std::abort();
    benchmark::DoNotOptimize(infos.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}

void DecodeOnly(benchmark::State& state, DecodeFn decode) {
  const std::string& body = Body();
  for (auto _ : state) {
    absl::StatusOr<XmlRpcValue> value = decode(body);
    if (!value.ok()) std::abort();
    benchmark::DoNotOptimize(value->array().data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}

void BM_DecodeGetAllProcessInfo(benchmark::State& state) {
  DecodeProcessInfos(state, &DecodeMethodResponse);
}
BENCHMARK(BM_DecodeGetAllProcessInfo)->Unit(benchmark::kMillisecond);

void BM_DirectGetAllProcessInfo(benchmark::State& state) {
  const std::string& body = Body();
  std::vector<ProcessInfo> direct;
  if (!DecodeProcessInfoListDirect(body, &direct)) std::abort();  // no silent fallback
  for (auto _ : state) {
    absl::StatusOr<std::vector<ProcessInfo>> infos = DecodeProcessInfoListResponse(body);
    if (!infos.ok() || infos->size() != kProcesses) std::abort();
    benchmark::DoNotOptimize(infos->data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_DirectGetAllProcessInfo)->Unit(benchmark::kMillisecond);

void BM_DecodeMethodResponse(benchmark::State& state) { DecodeOnly(state, &DecodeMethodResponse); }
BENCHMARK(BM_DecodeMethodResponse)->Unit(benchmark::kMillisecond);

void BM_ReferenceGetAllProcessInfo(benchmark::State& state) {
  DecodeProcessInfos(state, &DecodeMethodResponseReference);
}
BENCHMARK(BM_ReferenceGetAllProcessInfo)->Unit(benchmark::kMillisecond);

void BM_ReferenceDecodeMethodResponse(benchmark::State& state) {
  DecodeOnly(state, &DecodeMethodResponseReference);
}
BENCHMARK(BM_ReferenceDecodeMethodResponse)->Unit(benchmark::kMillisecond);

// The floor: the pull parser's tokens alone, without building values.
void BM_PullParserOnly(benchmark::State& state) {
  const std::string& body = Body();
  for (auto _ : state) {
    XmlPullParser parser(body);
    XmlPullParser::Token token;
    int tokens = 0;
    do {
      if (!parser.Next(&token).ok()) std::abort();
      ++tokens;
    } while (token != XmlPullParser::Token::kEnd);
    benchmark::DoNotOptimize(tokens);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_PullParserOnly)->Unit(benchmark::kMillisecond);

void BM_TinyXml2ParseOnly(benchmark::State& state) {
  const std::string& body = Body();
  for (auto _ : state) {
    tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
    if (doc.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS) std::abort();
    benchmark::DoNotOptimize(doc.RootElement());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_TinyXml2ParseOnly)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
