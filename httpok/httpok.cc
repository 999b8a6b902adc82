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
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "httpok/gcore.h"
#include "kit/python_text.h"
#include "mailer/message.h"
#include "protocol/listener.h"
#include "supervisor_rpc/fault.h"

namespace svl {
namespace httpok {
namespace {

using kit::PythonFaultRepr;
using kit::PythonListRepr;
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
  probe.method = options.method;
  probe.headers = options.headers;
  probe.user = options.user;
  probe.max_redirects = options.max_redirects;
  probe.connect_timeout = options.connect_timeout;
  probe.client_cert = options.client_cert;
  probe.client_key = options.client_key;
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

bool ParseTickWhen(absl::string_view payload, std::int64_t* when) {
  for (absl::string_view token :
       absl::StrSplit(payload, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&token, "when:")) return absl::SimpleAtoi(token, when);
  }
  return false;
}

HttpOk::HttpOk(HttpOkOptions options, HttpOkDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      write_stderr_([writer = deps_.write_stderr,
                     mu = std::make_shared<absl::Mutex>()](absl::string_view text) {
        absl::MutexLock lock(mu.get());
        writer(text);
      }),
      shown_url_(RedactUrl(options_.url)),
      prefix_(options_.name.empty() ? "httpok: " : absl::StrCat("httpok [", options_.name, "]: ")),
      sink_(write_stderr_),
      log_(options_.log_format, options_.name, sink_),
      policy_(options_.policy),
      journal_(deps_.journal != nullptr ? deps_.journal : &own_journal_) {
  const size_t colon = options_.user.find(':');
  if (colon != std::string::npos) log_.AddSecret(options_.user.substr(colon + 1));
  log_.AddSecret(options_.smtp_password);
  restart_options_.blocking_calls = options_.restart_timeout == absl::ZeroDuration();
  if (!restart_options_.blocking_calls) {
    restart_options_.stop_timeout = options_.restart_timeout;
    restart_options_.start_timeout = options_.restart_timeout;
  }
  restart_options_.poll_interval = absl::Milliseconds(250);
  if (!options_.email.empty() && deps_.mailer != nullptr) {
    notices_ = std::make_unique<kit::NoticeQueue>(
        deps_.mailer, kMailQueueCapacity, [this](const mailer::Message& dropped) {
          Log(reason::kMail, absl::StrCat("mail dropped unsent: ", kMailQueueCapacity,
                                          " mails were waiting for delivery"),
              {{"subject", dropped.subject}});
        });
  }
}

HttpOk::~HttpOk() { Drain(); }

void HttpOk::Drain() {
  worker_.Drain();
  if (notices_ != nullptr) notices_->Drain();
}

void HttpOk::Shutdown(absl::Duration mail_grace, const std::function<void()>& stop_deliveries) {
  worker_.Drain();
  if (notices_ == nullptr || notices_->DrainFor(mail_grace)) return;
  for (const kit::Notice& notice : notices_->TakeWaiting()) {
    Log(reason::kMail, "mail dropped unsent: httpok is stopping",
        {{"subject", notice.message.subject}});
  }
  if (stop_deliveries) stop_deliveries();
  notices_->Drain();
}

std::string HttpOk::HandleEvent(const protocol::Event& event) {
  const std::string ok(protocol::kResultOk);
  // Upstream's test is a prefix test on "TICK" (its own tests send an event
  // named just "TICK"), slightly wider than protocol::IsTickEvent ("TICK_").
  if (!absl::StartsWith(event.header.eventname, "TICK")) return ok;
  std::int64_t when = 0;
  const bool dated = ParseTickWhen(event.payload, &when);
  if (dated) {
    const TickVerdict verdict = coalescer_.OnTick(event.header.eventname, when, absl::Now());
    if (verdict != TickVerdict::kCheck) {
      Log("stale", "TICK skipped: replayed after a stall, covered by the last check",
          {{"tick", event.header.eventname}, {"when", absl::StrCat(when)}});
      return ok;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    if (in_progress_) {
      // One TICK arriving during the work is deferred: it runs right after
      // (as upstream would have, after its blocking restart), unless it is
      // dated (when:) and the work restarted something (see Work()). More
      // are skipped.
      if (pending_) {
        Log("busy", "TICK skipped: a check or restart is in progress and one more is queued",
            {{"tick", event.header.eventname}});
        return ok;
      }
      pending_ = true;
      pending_dated_ = dated;
      pending_tick_ = event.header.eventname;
      return ok;
    }
    in_progress_ = true;
  }
  // The worker may still be returning from the job that just cleared
  // in_progress_: wait for that (it is on its last instructions).
  while (!worker_.TrySubmit([this] { Work(); })) worker_.Drain();
  return ok;
}

void HttpOk::Work() {
  while (true) {
    restarted_ = false;
    // A program started just now by a finished restart is not checked in
    // the same round: it has had no time to come up.
    if (!FinishPendingRestarts()) RunCheck();
    absl::MutexLock lock(&mu_);
    if (pending_ && pending_dated_ && restarted_) {
      // A supervisord TICK that came during a restart: checking right after
      // the restart would judge a process that has just started.
      Log("busy", "TICK skipped: it arrived during a restart", {{"tick", pending_tick_}});
      pending_ = false;
    }
    if (!pending_) {
      in_progress_ = false;
      return;
    }
    pending_ = false;
  }
}

std::string HttpOk::Shown(absl::string_view text) const {
  // The URL's userinfo, if any, as RedactUrl() shows it. (The --user
  // password is never put into a line; EventLog masks it too.)
  if (shown_url_ == options_.url) return std::string(text);
  return absl::StrReplaceAll(text, {{options_.url, shown_url_}});
}

void HttpOk::Log(const std::string& reason, const std::string& msg, std::vector<LogField> fields) {
  LogRecord record;
  record.reason = reason;
  record.url = options_.url;
  record.msg = msg;
  record.fields = std::move(fields);
  log_.Log(record);
}

void HttpOk::RunCheck() {
  if (!options_.eager && !ShouldCheck()) return;

  const ProbeResult result = deps_.probe->Check();
  std::string msg;
  if (result.responded) {
    msg = absl::StrCat("status contacting ", shown_url_, ": ", result.status, " ", result.reason);
  } else {
    msg = absl::StrCat("error contacting ", shown_url_, ":\n\n ", Shown(result.error));
  }

  std::string reason;
  std::string subject;
  if (!result.responded) {
    reason = std::string(ProbeErrorReason(result.error_kind));
    subject = absl::StrCat(prefix_, shown_url_, ": bad status returned");
  } else if (!options_.codes.Matches(result.status)) {
    reason = StatusReason(result.status);
    subject = absl::StrCat(prefix_, shown_url_, ": bad status returned");
  } else if (!options_.body.empty() && !absl::StrContains(result.body, options_.body)) {
    reason = reason::kBody;
    subject = absl::StrCat(prefix_, shown_url_, ": bad body returned");
  } else if (!options_.not_body.empty() && absl::StrContains(result.body, options_.not_body)) {
    reason = reason::kNotBody;
    subject = absl::StrCat(prefix_, shown_url_, ": bad body returned");
  }
  const bool healthy = reason.empty();
  policy_.RecordCheck(healthy);

  if (healthy) {
    reason_ = reason::kOk;
    if (incident_open_ && policy_.success_run() >= options_.policy.successes) {
      incident_open_ = false;
      if (options_.log_format_given) Log(reason::kOk, absl::StrCat("recovered: ", msg));
      if (options_.notify_once && incident_mailed_.exchange(false)) {
        QueueMail(absl::StrCat(options_.dry_run ? "[dry-run] " : "", prefix_, shown_url_,
                               ": recovered"),
                  msg, "", 0);
      }
    }
    return;
  }

  reason_ = reason;
  if (!incident_open_) ++incident_serial_;
  incident_open_ = true;
  const std::string count =
      absl::StrCat(policy_.failure_count(), "/", options_.policy.failures);
  if (options_.log_format_given) {
    Log(reason, absl::StrCat("check failed: ", FoldToOneLine(msg)), {{"failures", count}});
  }
  if (!policy_.ShouldAct()) {
    Log(reason, absl::StrCat("check failed, not acting before --failures ",
                             options_.policy.failures),
        {{"failures", count}});
    return;
  }
  policy_.RecordActed();
  Act(subject, msg);
}

namespace {

// `group:*` of -p, or "" for anything else.
std::string GroupOfWildcard(const std::string& program) {
  if (program.size() > 2 && absl::EndsWith(program, ":*")) {
    return program.substr(0, program.size() - 2);
  }
  return "";
}

}  // namespace

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
  const auto fetch_all = [this, &all]() {
    if (all.has_value()) return true;
    absl::StatusOr<std::vector<ProcessInfo>> fetched = deps_.client->GetAllProcessInfo();
    if (!fetched.ok()) {
      WriteLine(absl::StrCat("Exception retrieving process info ",
                             RenderError(fetched.status()), ", not checking"),
                nullptr);
      return false;
    }
    all = *std::move(fetched);
    return true;
  };
  for (const std::string& program : options_.programs) {
    if (const std::string group = GroupOfWildcard(program); !group.empty()) {
      if (!fetch_all()) return false;
      for (const ProcessInfo& p : *all) {
        if (p.group == group && p.state == ProcessState::kRunning && !IsSelf(p)) return true;
      }
      continue;
    }
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
    if (!fetch_all()) return false;
    for (const ProcessInfo& p : *all) {
      if (p.name == program && p.state == ProcessState::kRunning) return true;
    }
  }
  return false;
}

bool HttpOk::Selected(const ProcessInfo& process) const {
  return Contains(options_.programs, process.name) ||
         Contains(options_.programs, supervisor_rpc::MakeNamespec(process.group, process.name)) ||
         Contains(options_.programs, absl::StrCat(process.group, ":*"));
}

bool HttpOk::IsSelf(const ProcessInfo& process) const {
  // The whole pool: with numprocs > 1 every httpok of the pool fails the
  // same check, and each would restart the others.
  if (!options_.self_group.empty()) return process.group == options_.self_group;
  return !options_.self_name.empty() && process.name == options_.self_name;
}

void HttpOk::WriteLine(const std::string& text, std::vector<std::string>* messages) {
  // Action lines (those that go into the mail) are marked in --dry-run.
  const std::string line =
      options_.dry_run && messages != nullptr ? absl::StrCat("[dry-run] ", text) : text;
  if (options_.log_format == LogFormat::kJson) {
    Log(reason_, line);
  } else {
    write_stderr_(absl::StrCat(line, "\n"));
  }
  if (messages != nullptr) messages->push_back(line);
}

std::string HttpOk::ReasonLine(const std::string& subject, const std::string& msg) {
  return absl::StrCat("Reason: ", subject, " (", FoldToOneLine(msg), ")");
}

void HttpOk::WriteReason(const std::string& subject, const std::string& msg) {
  WriteLine(ReasonLine(subject, msg), nullptr);
}

bool HttpOk::QueueMail(const std::string& subject, const std::string& body,
                       const std::string& reason_line, int incident) {
  if (notices_ == nullptr) return false;
  mailer::Message message;
  message.to = options_.email;
  message.subject = subject;
  message.body = body;
  const std::string reason = reason_;
  notices_->Enqueue({std::move(message), [this, reason, reason_line, incident](
                                             const mailer::Message& sent, const absl::Status& status) {
                       if (!status.ok()) {
                         // --notify-once: the next act of the same incident mails again.
                         if (incident != 0 && incident == incident_serial_) {
                           incident_mailed_ = false;
                         }
                         const std::string failed = absl::StrCat(
                             "Failed to send mail: ", Shown(FoldToOneLine(status.message())));
                         if (options_.log_format == LogFormat::kJson) {
                           Log(reason, failed);
                           if (!reason_line.empty()) Log(reason, reason_line);
                         } else {
                           write_stderr_(absl::StrCat(failed, "\n"));
                           if (!reason_line.empty()) write_stderr_(absl::StrCat(reason_line, "\n"));
                         }
                         return;
                       }
                       // Upstream's dump, plus the newline it lacked: without it the
                       // next line written to stderr was glued to the mail's last line.
                       const std::string dump =
                           absl::StrCat("Mailed:\n\n", mailer::FormatMessage(sent), "\n");
                       if (options_.log_format == LogFormat::kJson) {
                         Log(reason, dump.substr(0, dump.size() - 1));
                       } else {
                         write_stderr_(dump);
                       }
                     }});
  return true;
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
    RemoveFirst(&waiting, absl::StrCat(p.group, ":*"));
  };
  int targets = 0;
  int treated = 0;  // restarted or reported as upstream does (not skipped by the policy)
  std::vector<std::string> gave_up;
  if (options_.any) {
    WriteLine("Restarting all running processes", &messages);
    for (const ProcessInfo& p : *all) {
      if (IsSelf(p)) continue;  // never stop httpok from inside its own RPC
      ++targets;
      if (Restart(p, &messages, &gave_up)) ++treated;
      account(p);
    }
  } else {
    WriteLine(absl::StrCat("Restarting selected processes ", PythonListRepr(options_.programs)),
              &messages);
    for (const ProcessInfo& p : *all) {
      if (!Selected(p)) continue;
      if (IsSelf(p)) {  // never from inside its own RPC
        if (!Contains(options_.programs, absl::StrCat(p.group, ":*"))) {
          WriteLine(absl::StrCat(supervisor_rpc::MakeNamespec(p.group, p.name),
                                 " is in httpok's own pool, NOT restarting"),
                    &messages);
        }
        account(p);
        continue;
      }
      ++targets;
      if (Restart(p, &messages, &gave_up)) ++treated;
      account(p);
    }
  }
  if (!waiting.empty()) {
    WriteLine(absl::StrCat("Programs not restarted because they did not exist: ",
                           PythonListRepr(waiting)),
              &messages);
  }

  const bool all_skipped = targets > 0 && treated == 0;  // every one in grace or given up
  const bool repeat = options_.notify_once && incident_mailed_;
  std::string mail_subject = subject;
  if (all_skipped && !gave_up.empty()) {
    mail_subject = absl::StrCat(prefix_, shown_url_, ": gave up restarting ",
                                absl::StrJoin(gave_up, ", "));
  }
  if (options_.dry_run) mail_subject = absl::StrCat("[dry-run] ", mail_subject);
  const bool want_mail = !gave_up.empty() || (!all_skipped && !repeat);
  if (options_.email.empty() || deps_.mailer == nullptr) {
    WriteReason(subject, msg);
    return;
  }
  if (!want_mail) {
    Log(reason::kMail, repeat ? "mail not sent: --notify-once, this incident was mailed"
                              : "mail not sent: no process was restarted");
    return;
  }
  incident_mailed_ = true;
  QueueMail(mail_subject, absl::StrJoin(messages, "\n"), ReasonLine(subject, msg),
            incident_serial_);
}

bool HttpOk::Restart(const ProcessInfo& process, std::vector<std::string>* messages,
                     std::vector<std::string>* gave_up) {
  const std::string namespec = supervisor_rpc::MakeNamespec(process.group, process.name);
  const ProcessDecision decision = policy_.Decide(SnapshotOf(process), absl::Now());
  switch (decision.kind) {
    case ProcessDecision::Kind::kSkipNotRunning:
      WriteLine(absl::StrCat(namespec, " not in RUNNING state, NOT restarting"), messages);
      return true;
    case ProcessDecision::Kind::kSkipInGrace:
      WriteLine(absl::StrCat(namespec, " started ", process.now - process.start,
                             "s ago, within --grace, NOT restarting"),
                messages);
      return false;
    case ProcessDecision::Kind::kSkipBudgetSpent:
      if (decision.first_time) {
        WriteLine(absl::StrCat(namespec, " was restarted ", decision.restarts_in_window,
                               " times within --restart-window, giving up until it recovers"),
                  messages);
        gave_up->push_back(namespec);
      } else {
        Log(reason_, absl::StrCat(namespec, " given up (restart budget spent), NOT restarting"),
            {{"process", namespec}});
      }
      return false;
    case ProcessDecision::Kind::kRestart:
      break;
  }
  if (options_.dry_run) {
    WriteLine(absl::StrCat(namespec, " is in RUNNING state, would restart"), messages);
    policy_.RecordRestart(namespec, process.start, process.pid, absl::Now());
    return true;
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
  restarted_ = true;
  JournalAdd({namespec, process.start, process.pid});
  RestartOptions restart = restart_options_;
  restart.on_slow_stop = [this, &namespec, messages](const absl::Status& why) {
    WriteLine(absl::StrCat(namespec, " is slow to stop (", RenderError(why),
                           "), waiting for it to stop"),
              messages);
  };
  const RestartResult result = RestartProcess(*deps_.client, namespec, restart);
  ReportRestart(namespec, result, messages);
  if (!result.pending) JournalRemove(namespec);
  RecordOurRestart(namespec, result);
  return true;
}

void HttpOk::RecordOurRestart(const std::string& namespec, const RestartResult& result) {
  std::int64_t start_after = 0;
  std::int64_t pid_after = 0;
  if (result.start_attempted && result.start.ok()) {
    if (result.last_info.has_value() && result.last_info->state == ProcessState::kRunning) {
      start_after = result.last_info->start;
      pid_after = result.last_info->pid;
    } else if (options_.policy.max_restarts > 0) {
      // The budget needs the new start/pid to tell our restarts from
      // others' (one more call, only with --max-restarts).
      if (absl::StatusOr<ProcessInfo> after = deps_.client->GetProcessInfo(namespec); after.ok()) {
        start_after = after->start;
        pid_after = after->pid;
      }
    }
  }
  policy_.RecordRestart(namespec, start_after, pid_after, absl::Now());
}

void HttpOk::ReportRestart(const std::string& namespec, const RestartResult& result,
                           std::vector<std::string>* messages) {
  const bool stop_fault = supervisor_rpc::FaultFromStatus(result.stop).has_value();
  // (A slow stop was reported when it turned out slow: on_slow_stop.)
  if (stop_fault) {
    WriteLine(absl::StrCat("Failed to stop process ", namespec, ": ", RenderError(result.stop)),
              messages);
  }
  if (result.watched && result.running_again) {
    WriteLine(absl::StrCat(namespec, " runs again (",
                           result.last_info.has_value() ? result.last_info->statename : "RUNNING",
                           "), not started"),
              messages);
    return;
  }
  if (!result.start_attempted) {
    WriteLine(absl::StrCat("Failed to start process ", namespec, ": ", RenderError(result.waited),
                           result.pending ? "; httpok will start it once it has stopped" : ""),
              messages);
    return;
  }
  if (result.start.ok()) {
    WriteLine(absl::StrCat(namespec, " restarted"), messages);
    return;
  }
  WriteLine(absl::StrCat("Failed to start process ", namespec, ": ", RenderError(result.start),
                         result.pending ? "; httpok will look at it again" : ""),
            messages);
}

void HttpOk::JournalAdd(kit::PendingRestart entry) {
  absl::Status s = journal_->Add(std::move(entry));
  if (s.ok()) journal_error_logged_ = false;
  if (!s.ok() && !journal_error_logged_) {
    journal_error_logged_ = true;
    Log("journal", absl::StrCat("cannot record restarts on disk (", s.message(),
                                "): a restart cut short by a restart of httpok is not finished"));
  }
}

void HttpOk::JournalRemove(const std::string& namespec) {
  absl::Status s = journal_->Remove(namespec);
  if (s.ok()) journal_error_logged_ = false;
  if (!s.ok() && !journal_error_logged_) {
    journal_error_logged_ = true;
    Log("journal", absl::StrCat("cannot record restarts on disk (", s.message(), ")"));
  }
}

bool HttpOk::FinishPendingRestarts() {
  if (journal_->empty() || options_.dry_run) return false;
  bool started = false;
  const std::vector<kit::PendingRestart> pending = journal_->pending();  // a copy: entries go
  for (const kit::PendingRestart& entry : pending) {
    const std::string& namespec = entry.namespec;
    const RestartResult result =
        FinishRestart(*deps_.client, namespec, entry.start, restart_options_);
    if (result.pending) {
      Log("restart", absl::StrCat("restart of ", namespec, " not finished yet: ",
                                  result.waited.ok() ? result.start.message()
                                                     : result.waited.message()),
          {{"process", namespec}});
      continue;
    }
    JournalRemove(namespec);
    if (result.running_again || result.started_since) {
      Log("restart", absl::StrCat("restart of ", namespec, " dropped: ",
                                  result.running_again ? "it runs again"
                                                       : "it was started and stopped since"),
          {{"process", namespec}});
      continue;
    }
    if (!result.start_attempted) {  // gone
      Log("restart", absl::StrCat("restart of ", namespec,
                                  " dropped: ", RenderError(result.waited)),
          {{"process", namespec}});
      continue;
    }
    started = true;
    restarted_ = true;
    std::vector<std::string> messages;
    WriteLine(absl::StrCat("Finishing the restart of ", namespec, ", which was left stopped"),
              &messages);
    ReportRestart(namespec, result, &messages);
    RecordOurRestart(namespec, result);
    QueueMail(absl::StrCat(prefix_, shown_url_, ": finished the restart of ", namespec),
              absl::StrJoin(messages, "\n"), "", 0);
  }
  return started;
}

}  // namespace httpok
}  // namespace svl
