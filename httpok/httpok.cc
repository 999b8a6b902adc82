#include "httpok/httpok.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "httpok/gcore.h"
#include "httpok/python_repr.h"
#include "mailer/message.h"
#include "protocol/listener.h"
#include "supervisor_rpc/fault.h"

namespace svl {
namespace httpok {
namespace {

using supervisor_rpc::ProcessInfo;
using supervisor_rpc::ProcessState;

// RenderError() renders an RPC error as upstream's `%s` of the exception: a
// fault as `<Fault CODE: 'TEXT'>`, anything else as its message.
std::string RenderError(const absl::Status& status) {
  if (absl::optional<supervisor_rpc::Fault> fault = supervisor_rpc::FaultFromStatus(status)) {
    return PythonFaultRepr(fault->code, fault->fault_string);
  }
  return std::string(status.message());
}

bool IsBadName(const absl::Status& status) {
  absl::optional<supervisor_rpc::Fault> fault = supervisor_rpc::FaultFromStatus(status);
  return fault.has_value() && fault->code == supervisor_rpc::FaultCode::kBadName;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

void RemoveFirst(std::vector<std::string>* items, const std::string& item) {
  auto it = std::find(items->begin(), items->end(), item);
  if (it != items->end()) items->erase(it);
}

// JoinPath() is Python's os.path.join(dir, name) for a name without '/'.
std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return absl::StrCat(dir, "/", name);
}

}  // namespace

StderrWriter FdWriter(int fd) {
  return [fd](absl::string_view text) {
    while (!text.empty()) {
      const ssize_t n = ::write(fd, text.data(), text.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      text.remove_prefix(static_cast<size_t>(n));
    }
  };
}

ProbeOptions ProbeOptionsFor(const HttpOkOptions& options) {
  ProbeOptions probe;
  probe.url = options.url;
  probe.timeout = options.timeout;
  probe.retry_interval = options.retry_interval;
  probe.insecure = options.insecure;
  probe.ca_file = options.cacert;
  return probe;
}

std::string FoldToOneLine(absl::string_view text) {
  std::vector<absl::string_view> pieces;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) pieces.push_back(line);
  }
  return absl::StrJoin(pieces, " ");
}

HttpOk::HttpOk(HttpOkOptions options, HttpOkDeps deps)
    : options_(std::move(options)), deps_(std::move(deps)) {}

std::string HttpOk::HandleEvent(const protocol::Event& event) {
  const std::string ok(protocol::kResultOk);
  // Upstream's test is a prefix test on "TICK" (its own tests send an event
  // named just "TICK"), slightly wider than protocol::IsTickEvent ("TICK_").
  if (!absl::StartsWith(event.header.eventname, "TICK")) return ok;
  if (!options_.eager && !ShouldCheck()) return ok;

  const ProbeResult result = deps_.probe->Check();
  std::string msg;
  if (result.responded) {
    msg = absl::StrCat("status contacting ", options_.url, ": ", result.status, " ",
                       result.reason);
  } else {
    msg = absl::StrCat("error contacting ", options_.url, ":\n\n ", result.error);
  }

  const std::string prefix =
      options_.name.empty() ? "httpok: " : absl::StrCat("httpok [", options_.name, "]: ");
  const bool status_ok = result.responded && options_.codes.Matches(result.status);
  if (!status_ok) {
    Act(absl::StrCat(prefix, options_.url, ": bad status returned"), msg);
  } else if (!options_.body.empty() && !absl::StrContains(result.body, options_.body)) {
    Act(absl::StrCat(prefix, options_.url, ": bad body returned"), msg);
  }
  return ok;
}

bool HttpOk::ShouldCheck() {
  if (options_.any) {
    absl::StatusOr<std::vector<ProcessInfo>> all = deps_.client->GetAllProcessInfo();
    if (!all.ok()) {
      WriteLine(absl::StrCat("Exception retrieving process info ", RenderError(all.status()),
                             ", not checking"),
                nullptr);
      return false;
    }
    return std::any_of(all->begin(), all->end(), [this](const ProcessInfo& p) {
      return p.state == ProcessState::kRunning && !IsSelf(p);
    });
  }

  absl::optional<std::vector<ProcessInfo>> all;  // fetched at most once
  for (const std::string& program : options_.programs) {
    absl::StatusOr<ProcessInfo> info = deps_.client->GetProcessInfo(program);
    if (info.ok()) {
      if (info->state == ProcessState::kRunning) return true;
      continue;
    }
    if (!IsBadName(info.status())) {
      WriteLine(absl::StrCat("Exception retrieving process info ", RenderError(info.status()),
                             ", not checking"),
                nullptr);
      return false;
    }
    if (absl::StrContains(program, ':')) continue;  // `group:name` does not exist
    // A bare name that is not `name:name`: look for `name` in every group.
    if (!all.has_value()) {
      absl::StatusOr<std::vector<ProcessInfo>> fetched = deps_.client->GetAllProcessInfo();
      if (!fetched.ok()) {
        WriteLine(absl::StrCat("Exception retrieving process info ",
                               RenderError(fetched.status()), ", not checking"),
                  nullptr);
        return false;
      }
      all = *std::move(fetched);
    }
    for (const ProcessInfo& p : *all) {
      if (p.name == program && p.state == ProcessState::kRunning) return true;
    }
  }
  return false;
}

bool HttpOk::Selected(const ProcessInfo& process) const {
  return Contains(options_.programs, process.name) ||
         Contains(options_.programs, supervisor_rpc::MakeNamespec(process.group, process.name));
}

bool HttpOk::IsSelf(const ProcessInfo& process) const {
  return !options_.self_name.empty() && process.name == options_.self_name &&
         process.group == options_.self_group;
}

void HttpOk::WriteLine(const std::string& line, std::vector<std::string>* messages) {
  deps_.write_stderr(absl::StrCat(line, "\n"));
  if (messages != nullptr) messages->push_back(line);
}

void HttpOk::WriteReason(const std::string& subject, const std::string& msg) {
  WriteLine(absl::StrCat("Reason: ", subject, " (", FoldToOneLine(msg), ")"), nullptr);
}

void HttpOk::Act(const std::string& subject, const std::string& msg) {
  std::vector<std::string> messages = {msg};

  absl::StatusOr<std::vector<ProcessInfo>> all = deps_.client->GetAllProcessInfo();
  if (!all.ok()) {
    WriteLine(absl::StrCat("Exception retrieving process info ", RenderError(all.status()),
                           ", not acting"),
              &messages);
    WriteReason(subject, msg);
    return;
  }

  std::vector<std::string> waiting = options_.programs;
  const auto account = [&waiting](const ProcessInfo& p) {
    RemoveFirst(&waiting, p.name);
    RemoveFirst(&waiting, supervisor_rpc::MakeNamespec(p.group, p.name));
  };
  if (options_.any) {
    WriteLine("Restarting all running processes", &messages);
    for (const ProcessInfo& p : *all) {
      if (IsSelf(p)) continue;  // never stop httpok from inside its own RPC
      Restart(p, &messages);
      account(p);
    }
  } else {
    WriteLine(absl::StrCat("Restarting selected processes ", PythonListRepr(options_.programs)),
              &messages);
    for (const ProcessInfo& p : *all) {
      if (!Selected(p)) continue;
      Restart(p, &messages);
      account(p);
    }
  }
  if (!waiting.empty()) {
    WriteLine(absl::StrCat("Programs not restarted because they did not exist: ",
                           PythonListRepr(waiting)),
              &messages);
  }

  if (options_.email.empty() || deps_.mailer == nullptr) {
    WriteReason(subject, msg);
    return;
  }
  mailer::Message message;
  message.to = options_.email;
  message.subject = subject;
  message.body = absl::StrJoin(messages, "\n");
  if (absl::Status sent = deps_.mailer->Send(message); !sent.ok()) {
    WriteLine(absl::StrCat("Failed to send mail: ", FoldToOneLine(sent.message())), nullptr);
    WriteReason(subject, msg);
    return;
  }
  // Upstream's dump, plus the newline it lacked: without it the next line
  // written to stderr was glued to the last line of the mail.
  deps_.write_stderr(absl::StrCat("Mailed:\n\n", mailer::FormatMessage(message), "\n"));
}

void HttpOk::Restart(const ProcessInfo& process, std::vector<std::string>* messages) {
  const std::string namespec = supervisor_rpc::MakeNamespec(process.group, process.name);
  if (process.state != ProcessState::kRunning) {
    WriteLine(absl::StrCat(namespec, " not in RUNNING state, NOT restarting"), messages);
    return;
  }
  if (!options_.coredir.empty() && !options_.gcore_words.empty()) {
    absl::StatusOr<std::string> output =
        RunGcore(options_.gcore_words, JoinPath(options_.coredir, namespec), process.pid,
                 kGcoreDeadline);
    if (output.ok()) {
      WriteLine(absl::StrCat("gcore output for ", namespec, ":\n\n ", *output), messages);
    } else {
      WriteLine(absl::StrCat("gcore failed for ", namespec, ": ",
                             FoldToOneLine(output.status().message())),
                messages);
    }
  }
  WriteLine(absl::StrCat(namespec, " is in RUNNING state, restarting"), messages);
  if (absl::Status stopped = deps_.client->StopProcess(namespec, /*wait=*/true); !stopped.ok()) {
    WriteLine(absl::StrCat("Failed to stop process ", namespec, ": ", RenderError(stopped)),
              messages);
  }
  if (absl::Status started = deps_.client->StartProcess(namespec, /*wait=*/true);
      !started.ok()) {
    WriteLine(absl::StrCat("Failed to start process ", namespec, ": ", RenderError(started)),
              messages);
  } else {
    WriteLine(absl::StrCat(namespec, " restarted"), messages);
  }
}

}  // namespace httpok
}  // namespace svl
