// Decoding a supervisor.getAllProcessInfo() response (supervisord's exact
// wire shape; about 1.1 kB a process) into std::vector<ProcessInfo>, as
// SupervisorClient::GetAllProcessInfo() does after the transport:
// DecodeMethodResponse() then ProcessInfoListFromValue(). Prints figures
// only; nothing is asserted about time.
//
//   bazel run -c opt //supervisor_rpc:xmlrpc_benchmark
//
// BM_GetAllProcessInfo/N is the whole path for N processes;
// BM_DecodeMethodResponse/N the decoding to an XmlRpcValue alone, and
// BM_TinyXml2ParseOnly/N tinyxml2's DOM parse alone, inside it.

#include <tinyxml2.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

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

// The response for `processes` processes, built once per count.
const std::string& Body(int processes) {
  static auto* bodies = new std::map<int, std::string>();
  std::string& body = (*bodies)[processes];
  if (body.empty()) {
    std::vector<XmlRpcValue> items;
    for (int i = 0; i < processes; ++i) items.push_back(RealisticProcess(i));
    body = EncodeMethodResponse(XmlRpcValue::Array(std::move(items)));
  }
  return body;
}

void BM_GetAllProcessInfo(benchmark::State& state) {
  const int processes = static_cast<int>(state.range(0));
  const std::string& body = Body(processes);
  for (auto _ : state) {
    absl::StatusOr<XmlRpcValue> value = DecodeMethodResponse(body);
    if (!value.ok()) {
      std::fprintf(stderr, "%s\n", value.status().ToString().c_str());
      std::abort();
    }
    absl::StatusOr<std::vector<ProcessInfo>> infos = ProcessInfoListFromValue(*value);
    if (!infos.ok() || infos->size() != static_cast<std::size_t>(processes)) std::abort();
    benchmark::DoNotOptimize(infos->data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_GetAllProcessInfo)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_DecodeMethodResponse(benchmark::State& state) {
  const std::string& body = Body(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<XmlRpcValue> value = DecodeMethodResponse(body);
    if (!value.ok()) std::abort();
    benchmark::DoNotOptimize(value->array().data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_DecodeMethodResponse)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_TinyXml2ParseOnly(benchmark::State& state) {
  const std::string& body = Body(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
    if (doc.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS) std::abort();
    benchmark::DoNotOptimize(doc.RootElement());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_TinyXml2ParseOnly)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
