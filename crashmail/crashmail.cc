#include "crashmail/crashmail.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kit/listener_options.h"
#include "kit/python_text.h"
#include "protocol/listener.h"
#include "protocol/payloads.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace crashmail {
namespace {

constexpr char kExited[] = "PROCESS_STATE_EXITED";
// The reason codes of crashmail's records.
constexpr char kCrashReason[] = "crash";
constexpr char kPayloadReason[] = "payload";
constexpr char kStoppingReason[] = "stopping";

}  // namespace

kit::MailSettings MailSettingsFor(const CrashmailOptions& options) {
  kit::MailSettings mail;
  mail.to = options.email;
  mail.sendmail = options.sendmail;
  mail.smtp = options.smtp;
  mail.from = options.mail_from;
  mail.smtp_user = options.smtp_user;
  mail.smtp_password = options.smtp_password;
  return mail;
}

Crashmail::Crashmail(CrashmailOptions options, CrashmailDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      out_({"crashmail", "", options_.log_format, false, ""}, deps_.write_stderr),
      // Neither -p nor -a: every process, as upstream in effect.
      selection_(options_.programs, options_.any || options_.programs.empty(), {}),
      notifier_(deps_.mailer, options_.email, &out_, kit::kNoticeQueueCapacity, deps_.fleet) {
  for (const std::string& secret : kit::SmtpSecretForms(options_.smtp_user, options_.smtp_password)) {
    out_.AddSecret(secret);
  }
}

Crashmail::~Crashmail() { Drain(); }

void Crashmail::Drain() { notifier_.Drain(); }

void Crashmail::Shutdown(absl::Duration mail_grace,
                         const std::function<void()>& stop_deliveries) {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    SendBatch();
  }
  notifier_.Shutdown(mail_grace, stop_deliveries);
}

absl::optional<std::string> Crashmail::HandleEvent(const protocol::Event& event) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    // Acknowledged now, a crash would be in no mail: the mails are going
    // out and the process is about to exit.
    out_.Log(kStoppingReason, absl::StrCat(event.header.eventname,
                                           " left unacknowledged: crashmail is stopping"));
    return absl::nullopt;
  }
  // Before this event's crash: a due batch is mailed as it stands and the
  // crash opens the next one.
  SendBatchIfDue();
  if (event.header.eventname == kExited) OnExited(event);
  return std::string(protocol::kResultOk);
}

absl::Time Crashmail::Now() const { return deps_.now ? deps_.now() : absl::Now(); }

std::string Crashmail::Asctime(absl::Time time) const {
  return kit::SupervisorAsctime(time, deps_.zone.value_or(kit::LocalZoneAt(time)));
}

std::string Crashmail::Subject(const std::string& text) const {
  // Upstream tests -o for truth: an empty one is no prefix.
  return options_.optional_header.empty() ? text
                                          : absl::StrCat(options_.optional_header, ":", text);
}

void Crashmail::OnExited(const protocol::Event& event) {
  absl::StatusOr<protocol::ProcessStatePayload> state =
      protocol::ParseProcessStatePayload(kExited, event.payload);
  if (!state.ok()) {
    // Upstream died here (KeyError) and was fed the same event again.
    out_.Log(kPayloadReason, absl::StrCat("event not understood, not mailing: ",
                                          state.status().message()));
    return;
  }
  if (*state->expected) return;
  supervisor_rpc::ProcessInfo process;
  process.name = state->processname;
  process.group = state->groupname;
  if (!selection_.Selected(process)) return;
  if (!notifier_.mail_enabled()) out_.Line("unexpected exit, not mailing (no -m)");
  if (!notifier_.enabled()) return;  // neither mail nor webhook
  const absl::Time now = Now();
  const std::string message =
      absl::StrCat("Process ", state->processname, " in group ", state->groupname,
                   " exited unexpectedly (pid ", *state->pid, ") from state ", state->from_state);
  const std::string subject = Subject(absl::StrCat(" ", state->processname, " crashed at ",
                                                   Asctime(now)));
  const std::string key = absl::StrCat(state->groupname, ":", state->processname);
  if (options_.batch <= absl::ZeroDuration()) {
    if (notifier_.mail_enabled()) out_.Line("unexpected exit, mailing");
    Mail(subject, message, {key});
    return;
  }
  if (notifier_.mail_enabled()) out_.Line("unexpected exit, mailing with the next batch");
  if (batch_crashes_ == 0) batch_opened_ = now;
  ++batch_crashes_;
  for (BatchEntry& entry : batch_) {
    if (entry.key == key) {
      ++entry.count;
      entry.last = now;
      return;
    }
  }
  BatchEntry entry;
  entry.key = key;
  entry.shown = state->groupname == state->processname ? state->processname : key;
  entry.first_message = message;
  entry.first_line = absl::StrCat(Asctime(now), " -- ", message);
  entry.first_subject = subject;
  entry.count = 1;
  entry.first = now;
  entry.last = now;
  batch_.push_back(std::move(entry));
}

void Crashmail::SendBatchIfDue() {
  if (batch_crashes_ == 0 || Now() < batch_opened_ + options_.batch) return;
  SendBatch();
}

void Crashmail::SendBatch() {
  if (batch_crashes_ == 0) return;
  if (batch_crashes_ == 1) {
    // One crash: the mail it would have had without --batch.
    const BatchEntry& only = batch_.front();
    Mail(only.first_subject, only.first_message, {only.key});
  } else {
    std::vector<std::string> lines;
    std::vector<std::string> processes;
    for (const BatchEntry& entry : batch_) {
      processes.push_back(entry.key);
      lines.push_back(entry.count == 1
                          ? entry.first_line
                          : absl::StrCat(Asctime(entry.last), " -- ", entry.shown,
                                         " exited unexpectedly ", entry.count, " times since ",
                                         Asctime(entry.first)));
    }
    Mail(Subject(absl::StrCat(" ", batch_crashes_, " unexpected exits since ",
                              Asctime(batch_opened_))),
         absl::StrJoin(lines, "\n"), std::move(processes));
  }
  batch_.clear();
  batch_crashes_ = 0;
}

void Crashmail::Mail(std::string subject, std::string body, std::vector<std::string> processes) {
  kit::OutgoingNotice notice;
  notice.event = "crash";
  notice.processes = std::move(processes);
  notice.subject = std::move(subject);
  notice.body = std::move(body);
  notice.reason = kCrashReason;
  notice.dump = true;  // upstream's `Mailed:` dump
  notifier_.Send(std::move(notice));
}

}  // namespace crashmail
}  // namespace svl
