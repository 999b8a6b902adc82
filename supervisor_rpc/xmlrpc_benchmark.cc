// Decoding a supervisor.getAllProcessInfo() response for 1000 processes
// (about 1.1 MB, supervisord's exact wire shape) into std::vector<ProcessInfo>.
//
//   bazel run -c opt //supervisor_rpc:xmlrpc_benchmark
//
// BM_TinyXml2ParseOnly is the floor set by tinyxml2's DOM parse of the same
// body; BM_DecodeGetAllProcessInfo is the whole path httpok runs per TICK.

#include <tinyxml2.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/xmlrpc_codec.h"
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

void BM_DecodeGetAllProcessInfo(benchmark::State& state) {
  const std::string& body = Body();
  for (auto _ : state) {
    absl::StatusOr<XmlRpcValue> value = DecodeMethodResponse(body);
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
BENCHMARK(BM_DecodeGetAllProcessInfo)->Unit(benchmark::kMillisecond);

void BM_DecodeMethodResponseOnly(benchmark::State& state) {
  const std::string& body = Body();
  for (auto _ : state) {
    absl::StatusOr<XmlRpcValue> value = DecodeMethodResponse(body);
    if (!value.ok()) std::abort();
    benchmark::DoNotOptimize(value->array().data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_DecodeMethodResponseOnly)->Unit(benchmark::kMillisecond);

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
