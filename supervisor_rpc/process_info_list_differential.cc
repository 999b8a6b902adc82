#include "supervisor_rpc/process_info_list_differential.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/process_info_list_decoder.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

std::string Describe(const ProcessInfo& p) {
  return absl::StrCat("{name=", p.name, " group=", p.group, " start=", p.start, " stop=", p.stop,
                      " now=", p.now, " state=", static_cast<int>(p.state), " state_code=",
                      p.state_code, " statename=", p.statename, " spawnerr=", p.spawnerr,
                      " exitstatus=", p.exitstatus, " logfile=", p.logfile,
                      " stdout_logfile=", p.stdout_logfile, " stderr_logfile=", p.stderr_logfile,
                      " pid=", p.pid, " description=", p.description, "}");
}

std::string Describe(const absl::StatusOr<std::vector<ProcessInfo>>& r) {
  if (!r.ok()) return r.status().ToString();
  std::string out = absl::StrCat(r->size(), " processes");
  for (const ProcessInfo& p : *r) absl::StrAppend(&out, " ", Describe(p));
  return out;
}

// Same status (with payload) and, if ok, same values.
bool Same(const absl::StatusOr<std::vector<ProcessInfo>>& a,
          const absl::StatusOr<std::vector<ProcessInfo>>& b) {
  if (a.status() != b.status()) return false;
  return !a.ok() || *a == *b;
}

}  // namespace

absl::StatusOr<std::vector<ProcessInfo>> ProcessInfoListOracle(absl::string_view body) {
  absl::StatusOr<XmlRpcValue> value = DecodeMethodResponse(body);
  if (!value.ok()) return value.status();
  if (value->type() != XmlRpcValue::Type::kArray) {
    return absl::InvalidArgumentError("supervisord returned no array");
  }
  std::vector<ProcessInfo> out;
  for (const XmlRpcValue& item : value->array()) {
    absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(item);
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

bool ProcessInfoListPathsAgree(absl::string_view body, std::string* why, bool* direct_accepted) {
  const absl::StatusOr<std::vector<ProcessInfo>> oracle = ProcessInfoListOracle(body);
  std::vector<ProcessInfo> direct;
  const bool accepted = DecodeProcessInfoListDirect(body, &direct);
  if (direct_accepted != nullptr) *direct_accepted = accepted;
  if (accepted && (!oracle.ok() || direct != *oracle)) {
    *why = absl::StrCat("direct decoder gave ", Describe(direct), "; oracle ", Describe(oracle));
    return false;
  }
  const absl::StatusOr<std::vector<ProcessInfo>> response = DecodeProcessInfoListResponse(body);
  if (!Same(response, oracle)) {
    *why = absl::StrCat("DecodeProcessInfoListResponse gave ", Describe(response), "; oracle ",
                        Describe(oracle));
    return false;
  }
  const absl::StatusOr<std::vector<ProcessInfo>> general = DecodeProcessInfoListGeneral(body);
  if (!Same(general, oracle)) {
    *why = absl::StrCat("DecodeProcessInfoListGeneral gave ", Describe(general), "; oracle ",
                        Describe(oracle));
    return false;
  }
  return true;
}

}  // namespace supervisor_rpc
}  // namespace svl
