// Fuzz target: a getAllProcessInfo response decoded as SupervisorClient
// does it, DecodeMethodResponse() then ProcessInfoListFromValue()
// (supervisor_rpc/xmlrpc_codec.h, supervisor_rpc/process_info.h).
//
// Oracle (abort() on violation): an accepted list, re-encoded as the array
// of process-info structs supervisord would send, decodes to an equal list.
// Strings that XML cannot carry through a re-encoding are left out of the
// oracle, as in xmlrpc_response_fuzzer: text with a '\r' and text of only
// whitespace (but the empty string).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace {

using ::svl::supervisor_rpc::ProcessInfo;
using ::svl::supervisor_rpc::XmlRpcValue;

constexpr std::size_t kMaxInput = 64 * 1024;

absl::StatusOr<std::vector<ProcessInfo>> DecodeList(absl::string_view body) {
  absl::StatusOr<XmlRpcValue> value = svl::supervisor_rpc::DecodeMethodResponse(body);
  if (!value.ok()) return value.status();
  return svl::supervisor_rpc::ProcessInfoListFromValue(*value);
}

bool TextRoundTrips(const std::string& text) {
  if (absl::StrContains(text, '\r')) return false;
  return text.empty() || !absl::StripAsciiWhitespace(text).empty();
}

bool RoundTrips(const ProcessInfo& info) {
  for (const std::string* text : {&info.name, &info.group, &info.statename, &info.spawnerr,
                                  &info.logfile, &info.stdout_logfile, &info.stderr_logfile,
                                  &info.description}) {
    if (!TextRoundTrips(*text)) return false;
  }
  return true;
}

// The struct supervisord sends for `info`, in its member order.
XmlRpcValue ToValue(const ProcessInfo& info) {
  return XmlRpcValue::Struct({
      {"name", XmlRpcValue::String(info.name)},
      {"group", XmlRpcValue::String(info.group)},
      {"start", XmlRpcValue::Int(info.start)},
      {"stop", XmlRpcValue::Int(info.stop)},
      {"now", XmlRpcValue::Int(info.now)},
      {"state", XmlRpcValue::Int(info.state_code)},
      {"statename", XmlRpcValue::String(info.statename)},
      {"spawnerr", XmlRpcValue::String(info.spawnerr)},
      {"exitstatus", XmlRpcValue::Int(info.exitstatus)},
      {"logfile", XmlRpcValue::String(info.logfile)},
      {"stdout_logfile", XmlRpcValue::String(info.stdout_logfile)},
      {"stderr_logfile", XmlRpcValue::String(info.stderr_logfile)},
      {"pid", XmlRpcValue::Int(info.pid)},
      {"description", XmlRpcValue::String(info.description)},
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<std::vector<ProcessInfo>> infos = DecodeList(body);
  if (!infos.ok()) return 0;
  std::vector<XmlRpcValue> items;
  for (const ProcessInfo& info : *infos) {
    if (!RoundTrips(info)) return 0;
    items.push_back(ToValue(info));
  }
  const absl::StatusOr<std::vector<ProcessInfo>> again =
      DecodeList(svl::supervisor_rpc::EncodeMethodResponse(XmlRpcValue::Array(std::move(items))));
  if (!again.ok() || !(*again == *infos)) {
    std::fprintf(stderr, "process info list does not survive a re-encoding\n");
    std::abort();
  }
  return 0;
}
