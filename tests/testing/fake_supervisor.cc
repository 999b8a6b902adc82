#include "tests/testing/fake_supervisor.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace testing {
namespace {

using supervisor_rpc::XmlRpcValue;

// Between() returns the text between the first `open` and the next `close`
// (request bodies here are EncodeMethodCall's, with plain names).
std::string Between(absl::string_view text, absl::string_view open, absl::string_view close,
                    size_t* from) {
  size_t start = text.find(open, *from);
  if (start == absl::string_view::npos) return "";
  start += open.size();
  size_t end = text.find(close, start);
  if (end == absl::string_view::npos) return "";
  *from = end + close.size();
  return std::string(text.substr(start, end - start));
}

XmlRpcValue InfoValue(const FakeProcess& p) {
  return XmlRpcValue::Struct({
      {"name", XmlRpcValue::String(p.name)},
      {"group", XmlRpcValue::String(p.group)},
      {"start", XmlRpcValue::Int(p.start)},
      {"stop", XmlRpcValue::Int(0)},
      {"now", XmlRpcValue::Int(p.now)},
      {"state", XmlRpcValue::Int(p.state)},
      {"statename", XmlRpcValue::String(p.statename)},
      {"spawnerr", XmlRpcValue::String(p.spawnerr)},
      {"exitstatus", XmlRpcValue::Int(0)},
      {"logfile", XmlRpcValue::String("")},
      {"stdout_logfile", XmlRpcValue::String("")},
      {"stderr_logfile", XmlRpcValue::String("")},
      {"pid", XmlRpcValue::Int(p.pid)},
      {"description", XmlRpcValue::String("")},
  });
}

HttpResponse Xml(std::string body) {
  HttpResponse response;
  response.headers.push_back({"Content-Type", "text/xml"});
  response.body = std::move(body);
  return response;
}

}  // namespace

std::vector<FakeProcess> UpstreamFixture() {
  return {
      {"foo", "foo", 11, 20, "RUNNING", ""},
      {"bar", "bar", 12, 200, "FATAL", "screwed"},
      {"baz_01", "baz", 12, 0, "STOPPED", ""},
  };
}

std::vector<FakeProcess> UpstreamFailFixture() {
  return {
      {"FAILED", "foo", 11, 20, "RUNNING", ""},
      {"SPAWN_ERROR", "foo", 11, 20, "RUNNING", ""},
  };
}

absl::StatusOr<std::unique_ptr<FakeSupervisor>> FakeSupervisor::Start(
    std::vector<FakeProcess> processes) {
  std::unique_ptr<FakeSupervisor> fake(new FakeSupervisor());
  {
    absl::MutexLock lock(&fake->mu_);
    fake->processes_ = std::move(processes);
  }
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  if (!server.ok()) return server.status();
  fake->server_ = *std::move(server);
  FakeSupervisor* raw = fake.get();
  fake->server_->SetHandler([raw](const HttpRequest& request) { return raw->Handle(request); });
  return fake;
}

std::string FakeSupervisor::url() const {
  return absl::StrCat("http://127.0.0.1:", server_->port());
}

std::vector<std::string> FakeSupervisor::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

void FakeSupervisor::SetBroken(bool broken) {
  absl::MutexLock lock(&mu_);
  broken_ = broken;
}

void FakeSupervisor::SetFault(const std::string& method, const std::string& name, int code,
                              const std::string& text) {
  absl::MutexLock lock(&mu_);
  faults_.push_back({method, name, code, text});
}

HttpResponse FakeSupervisor::Handle(const HttpRequest& request) {
  size_t from = 0;
  std::string method = Between(request.body, "<methodName>", "</methodName>", &from);
  std::vector<std::string> args;
  for (std::string arg; !(arg = Between(request.body, "<string>", "</string>", &from)).empty();) {
    args.push_back(arg);
  }
  if (absl::StartsWith(method, "supervisor.")) method = method.substr(11);

  absl::MutexLock lock(&mu_);
  std::vector<std::string> quoted;
  for (const std::string& arg : args) quoted.push_back(absl::StrCat("'", arg, "'"));
  calls_.push_back(absl::StrCat(method, "(", absl::StrJoin(quoted, ", "), ")"));
  if (broken_) {
    HttpResponse response;
    response.status = 500;
    response.reason = "Internal Server Error";
    response.body = "broken";
    return response;
  }

  const std::string name = args.empty() ? "" : args[0];
  for (const Fault& fault : faults_) {
    if (fault.method == method && fault.name == name) {
      return Xml(supervisor_rpc::EncodeFaultResponse(fault.code, fault.text));
    }
  }
  if (method == "getAllProcessInfo") {
    std::vector<XmlRpcValue> items;
    for (const FakeProcess& p : processes_) items.push_back(InfoValue(p));
    return Xml(supervisor_rpc::EncodeMethodResponse(XmlRpcValue::Array(std::move(items))));
  }
  if (method == "getProcessInfo") {
    for (const FakeProcess& p : processes_) {
      if (name == (p.group == p.name ? p.name : absl::StrCat(p.group, ":", p.name))) {
        return Xml(supervisor_rpc::EncodeMethodResponse(InfoValue(p)));
      }
    }
    return Xml(supervisor_rpc::EncodeFaultResponse(supervisor_rpc::FaultCode::kBadName,
                                                   absl::StrCat("BAD_NAME: ", name)));
  }
  if (method == "stopProcess") {
    if (absl::EndsWith(name, "FAILED")) {
      return Xml(supervisor_rpc::EncodeFaultResponse(supervisor_rpc::FaultCode::kFailed, "FAILED"));
    }
    return Xml(supervisor_rpc::EncodeMethodResponse(XmlRpcValue::Boolean(true)));
  }
  if (method == "startProcess") {
    if (absl::EndsWith(name, "SPAWN_ERROR")) {
      return Xml(supervisor_rpc::EncodeFaultResponse(supervisor_rpc::FaultCode::kSpawnError,
                                                     "SPAWN_ERROR"));
    }
    return Xml(supervisor_rpc::EncodeMethodResponse(XmlRpcValue::Boolean(true)));
  }
  return Xml(supervisor_rpc::EncodeFaultResponse(supervisor_rpc::FaultCode::kUnknownMethod,
                                                 "UNKNOWN_METHOD"));
}

}  // namespace testing
}  // namespace svl
