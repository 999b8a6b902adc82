#include "httpok/httpok.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "httpok/reasons.h"
#include "kit/gcore.h"
#include "kit/listener_options.h"
#include "kit/python_text.h"
#include "protocol/listener.h"

namespace svl {
namespace httpok {
namespace {

using supervisor_rpc::ProcessInfo;

// MetricsResult() is the `result` label of a check: "ok", or its reason
// code without detail ("status=503" -> "status", "not-body" -> "body").
std::string MetricsResult(const std::string& reason) {
  if (reason.empty()) return reason::kOk;
  if (absl::StartsWith(reason, "status=")) return "status";
  if (reason == reason::kNotBody) return reason::kBody;
  return reason;
}

// JoinPath() is Python's os.path.join(dir, name) for a name without '/'.
std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return absl::StrCat(dir, "/", name);
}

}  // namespace

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

kit::MailSettings MailSettingsFor(const HttpOkOptions& options) {
  kit::MailSettings mail;
  mail.to = options.email;
  mail.sendmail = options.sendmail;
  mail.smtp = options.smtp;
  mail.from = options.mail_from;
  mail.smtp_user = options.smtp_user;
  mail.smtp_password = options.smtp_password;
  return mail;
}

HttpOk::HttpOk(HttpOkOptions options, HttpOkDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      out_({"httpok", options_.name, options_.log_format, options_.dry_run, options_.url},
           deps_.write_stderr),
      prefix_(out_.prefix()),
      shown_url_(out_.shown_url()),
      selection_(options_.programs, options_.any, {options_.self_group, options_.self_name}),
      restarter_(kit::ListenerRestarterOptions(options_.policy, options_.dry_run,
                                                  options_.restart_timeout), deps_.client,
                 deps_.journal != nullptr ? deps_.journal : &own_journal_, &out_,
                 deps_.fleet != nullptr ? deps_.fleet->metrics() : nullptr),
      notifier_(deps_.mailer, options_.email, &out_, kit::kNoticeQueueCapacity, deps_.fleet),
      ticks_([this] { return Round(); }, &out_) {
  const size_t colon = options_.user.find(':');
  if (colon != std::string::npos) out_.AddSecret(options_.user.substr(colon + 1));
  for (const std::string& secret : kit::SmtpSecretForms(options_.smtp_user, options_.smtp_password)) {
    out_.AddSecret(secret);
  }
}

HttpOk::~HttpOk() { Drain(); }

void HttpOk::Drain() {
  ticks_.Drain();
  notifier_.Drain();
}

void HttpOk::Shutdown(absl::Duration mail_grace, const std::function<void()>& stop_deliveries) {
  ticks_.Drain();
  notifier_.Shutdown(mail_grace, stop_deliveries);
}

std::string HttpOk::HandleEvent(const protocol::Event& event) {
  table_.OnEvent(event);
  ticks_.OnEvent(event);
  return std::string(protocol::kResultOk);
}

bool HttpOk::Round() {
  restarter_.ClearRestarted();
  // A program started just now by a finished restart is not checked in the
  // same round: it has had no time to come up.
  const std::vector<kit::FinishedRestart> finished = restarter_.FinishPending();
  for (const kit::FinishedRestart& done : finished) {
    QueueMail(absl::StrCat(prefix_, shown_url_, ": finished the restart of ", done.namespec),
              absl::StrJoin(done.mail_lines, "\n"), "", 0, "restart", {done.namespec});
  }
  if (finished.empty()) RunCheck();
  if (deps_.fleet != nullptr) deps_.fleet->Publish();
  return restarter_.restarted();
}

void HttpOk::RunCheck() {
  if (!options_.eager && !ShouldCheck()) return;

  const absl::Time check_start = absl::Now();
  const ProbeResult result = deps_.probe->Check();
  const absl::Time check_end = absl::Now();
  std::string msg;
  if (result.responded) {
    msg = absl::StrCat("status contacting ", shown_url_, ": ", result.status, " ", result.reason);
  } else {
    msg = absl::StrCat("error contacting ", shown_url_, ":\n\n ", out_.Shown(result.error));
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
  if (deps_.fleet != nullptr && deps_.fleet->metrics() != nullptr) {
    deps_.fleet->metrics()->RecordCheck(MetricsResult(reason), check_end - check_start, check_end);
  }
  kit::RestartPolicy& policy = restarter_.policy();
  policy.RecordCheck(healthy);

  if (healthy) {
    out_.set_reason(reason::kOk);
    if (incident_open_ && policy.success_run() >= options_.policy.successes) {
      incident_open_ = false;
      if (options_.log_format_given) out_.Log(reason::kOk, absl::StrCat("recovered: ", msg));
      if (options_.notify_once && incident_mailed_.exchange(false)) {
        QueueMail(absl::StrCat(options_.dry_run ? "[dry-run] " : "", prefix_, shown_url_,
                               ": recovered"),
                  msg, "", 0, "recovery", incident_processes_);
      }
    }
    return;
  }

  out_.set_reason(reason);
  if (!incident_open_) ++incident_serial_;
  incident_open_ = true;
  const std::string count = absl::StrCat(policy.failure_count(), "/", options_.policy.failures);
  if (options_.log_format_given) {
    out_.Log(reason, absl::StrCat("check failed: ", kit::FoldToOneLine(msg)),
             {{"failures", count}});
  }
  if (!policy.ShouldAct()) {
    out_.Log(reason,
             absl::StrCat("check failed, not acting before --failures ", options_.policy.failures),
             {{"failures", count}});
    return;
  }
  policy.RecordActed();
  Act(subject, msg);
}

bool HttpOk::ShouldCheck() {
  absl::StatusOr<bool> running = selection_.AnySelectedRunning(*deps_.client, &table_);
  if (!running.ok()) {
    out_.Line(absl::StrCat("Exception retrieving process info ",
                           kit::RenderRpcError(running.status()), ", not checking"));
    return false;
  }
  return *running;
}

std::string HttpOk::ReasonLine(const std::string& subject, const std::string& msg) {
  return absl::StrCat("Reason: ", subject, " (", kit::FoldToOneLine(msg), ")");
}

void HttpOk::WriteReason(const std::string& subject, const std::string& msg) {
  out_.Line(ReasonLine(subject, msg));
}

bool HttpOk::QueueMail(const std::string& subject, const std::string& body,
                       const std::string& reason_line, int incident, const std::string& event,
                       std::vector<std::string> processes) {
  kit::OutgoingNotice notice;
  notice.event = event;
  notice.processes = std::move(processes);
  notice.subject = subject;
  notice.body = body;
  notice.reason_line = reason_line;
  notice.reason = out_.reason();
  notice.on_failure = [this, incident] {
    // --notify-once: the next act of the same incident mails again.
    if (incident != 0 && incident == incident_serial_) incident_mailed_ = false;
  };
  return notifier_.Send(std::move(notice));
}

void HttpOk::TakeCore(const ProcessInfo& process, std::vector<std::string>* mail_lines) {
  if (options_.coredir.empty() || options_.gcore_words.empty()) return;
  const std::string namespec = supervisor_rpc::MakeNamespec(process.group, process.name);
  absl::StatusOr<std::string> output = kit::RunGcore(
      options_.gcore_words, JoinPath(options_.coredir, namespec), process.pid, kGcoreDeadline);
  if (output.ok()) {
    out_.Action(absl::StrCat("gcore output for ", namespec, ":\n\n ", *output), mail_lines);
  } else {
    out_.Action(absl::StrCat("gcore failed for ", namespec, ": ",
                             kit::FoldToOneLine(output.status().message())),
                mail_lines);
  }
}

void HttpOk::Act(const std::string& subject, const std::string& msg) {
  std::vector<std::string> mail_lines = {msg};

  // Only the selected processes (supervisord serves nothing else while it
  // answers, and the whole list costs seconds at 1000 programs), as
  // supervisord tells them now: never restarted on the table's word.
  absl::StatusOr<std::vector<ProcessInfo>> all = selection_.SelectedProcesses(*deps_.client);
  if (!all.ok()) {
    out_.Action(absl::StrCat("Exception retrieving process info ",
                             kit::RenderRpcError(all.status()), ", not acting"),
                &mail_lines);
    WriteReason(subject, msg);
    return;
  }

  out_.Action(options_.any ? "Restarting all running processes"
                           : absl::StrCat("Restarting selected processes ",
                                          kit::PythonListRepr(options_.programs)),
              &mail_lines);
  const kit::BeforeRestart take_core = [this](const ProcessInfo& p, std::vector<std::string>* l) {
    TakeCore(p, l);
  };
  int targets = 0;
  std::vector<std::string> acted_on;  // group:name, for webhooks (and the recovery's)
  int treated = 0;  // restarted or reported as upstream does (not held back by the policy)
  std::vector<std::string> gave_up;
  for (const ProcessInfo& p : *all) {
    if (!selection_.Selected(p)) continue;
    if (selection_.IsSelf(p)) {  // never from inside its own RPC
      if (!options_.any && !selection_.NamedByGroup(p)) {
        out_.Action(absl::StrCat(supervisor_rpc::MakeNamespec(p.group, p.name),
                                 " is in httpok's own pool, NOT restarting"),
                    &mail_lines);
      }
      continue;
    }
    ++targets;
    acted_on.push_back(absl::StrCat(p.group, ":", p.name));
    if (restarter_.Restart(p, take_core, &mail_lines, &gave_up) !=
        kit::RestartOutcome::kHeldBack) {
      ++treated;
    }
  }
  if (const std::vector<std::string> missing = selection_.Unmatched(*all); !missing.empty()) {
    out_.Action(absl::StrCat("Programs not restarted because they did not exist: ",
                             kit::PythonListRepr(missing)),
                &mail_lines);
  }

  incident_processes_ = acted_on;
  const bool all_skipped = targets > 0 && treated == 0;  // every one in grace or given up
  const bool repeat = options_.notify_once && incident_mailed_;
  std::string mail_subject = subject;
  if (all_skipped && !gave_up.empty()) {
    mail_subject = absl::StrCat(prefix_, shown_url_, ": gave up restarting ",
                                absl::StrJoin(gave_up, ", "));
  }
  if (options_.dry_run) mail_subject = absl::StrCat("[dry-run] ", mail_subject);
  const bool want_mail = !gave_up.empty() || (!all_skipped && !repeat);
  // Without mail the reason is written here, as upstream; webhooks, if
  // any, still get the notice.
  if (!notifier_.mail_enabled()) WriteReason(subject, msg);
  if (!notifier_.enabled()) return;
  if (!want_mail) {
    out_.Log(reason::kMail, repeat ? "mail not sent: --notify-once, this incident was mailed"
                                   : "mail not sent: no process was restarted");
    return;
  }
  incident_mailed_ = true;
  QueueMail(mail_subject, absl::StrJoin(mail_lines, "\n"),
            notifier_.mail_enabled() ? ReasonLine(subject, msg) : "", incident_serial_,
            all_skipped && !gave_up.empty() ? "give-up" : "restart", std::move(acted_on));
}

}  // namespace httpok
}  // namespace svl
