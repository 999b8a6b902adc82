#include "kit/notifier.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/url_redaction.h"
#include "kit/event_log.h"
#include "mailer/message.h"
#include "mailer/sendmail_mailer.h"
#include "mailer/smtp_mailer.h"

namespace svl {
namespace kit {

absl::StatusOr<std::unique_ptr<mailer::Mailer>> MakeMailer(const MailSettings& settings) {
  if (settings.smtp.empty()) {
    return std::make_unique<mailer::SendmailMailer>(settings.sendmail,
                                                    settings.sendmail_deadline);
  }
  mailer::SmtpConfig config;
  config.url = settings.smtp;
  config.from = settings.from;
  config.username = settings.smtp_user;
  config.password = settings.smtp_password;
  absl::StatusOr<std::unique_ptr<mailer::SmtpMailer>> smtp = mailer::SmtpMailer::Create(config);
  if (!smtp.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("option --smtp: ", base::RedactUrl(smtp.status().message())));
  }
  return std::unique_ptr<mailer::Mailer>(*std::move(smtp));
}

std::string MailChannelOf(const MailSettings& settings) {
  if (settings.to.empty()) return "";
  return settings.smtp.empty() ? "sendmail" : "smtp";
}

Notifier::Notifier(mailer::Mailer* mailer, std::string to, ListenerOutput* out, size_t capacity,
                   Fleet* fleet)
    : to_(std::move(to)), out_(out), fleet_(fleet) {
  if (to_.empty() || mailer == nullptr) return;
  queue_ = std::make_unique<NoticeQueue>(
      mailer, capacity, [out, capacity, fleet](const mailer::Message& dropped) {
        if (fleet != nullptr) fleet->RecordMailOutcome(false);  // not sent: an error
        out->Log("mail",
                 absl::StrCat("mail dropped unsent: ", capacity,
                              " mails were waiting for delivery"),
                 {{"subject", dropped.subject}});
      });
}

bool Notifier::Send(OutgoingNotice notice) {
  if (!enabled()) return false;
  if (fleet_ != nullptr && fleet_->webhooks_enabled()) {
    WebhookNotice webhook;
    webhook.text = notice.text.empty() ? FoldToOneLine(notice.subject) : notice.text;
    webhook.event = notice.event;
    webhook.processes = notice.processes;
    webhook.reason = notice.reason;
    webhook.subject = notice.subject;
    webhook.body = notice.body;
    fleet_->Notify(std::move(webhook));
  }
  if (queue_ == nullptr) return true;
  mailer::Message message;
  message.to = to_;
  message.subject = std::move(notice.subject);
  message.body = std::move(notice.body);
  ListenerOutput* out = out_;
  Fleet* fleet = fleet_;
  queue_->Enqueue(
      {std::move(message), [out, fleet, notice = std::move(notice)](const mailer::Message& sent,
                                                                    const absl::Status& status) {
         if (fleet != nullptr) fleet->RecordMailOutcome(status.ok());
         if (!status.ok()) {
           if (notice.on_failure) notice.on_failure();
           out->Block(notice.reason,
                      absl::StrCat("Failed to send mail: ", out->Shown(FoldToOneLine(status.message())), "\n"));
           if (!notice.reason_line.empty()) {
             out->Block(notice.reason, absl::StrCat(notice.reason_line, "\n"));
           }
           return;
         }
         if (!notice.dump) {
           out->Block(notice.reason, absl::StrCat("Mailed ", FoldToOneLine(sent.subject), " to ",
                                                  sent.to, "\n"));
           return;
         }
         // Upstream's dump, plus the newline it lacked: without it the next
         // line written to stderr was glued to the mail's last line.
         out->Block(notice.reason,
                    absl::StrCat("Mailed:\n\n", mailer::FormatMessage(sent), "\n"));
       }});
  return true;
}

void Notifier::Drain() {
  if (queue_ != nullptr) queue_->Drain();
}

void Notifier::Shutdown(absl::Duration grace, const std::function<void()>& stop_delivery) {
  if (queue_ == nullptr || queue_->DrainFor(grace)) return;
  for (const Notice& notice : queue_->TakeWaiting()) {
    if (fleet_ != nullptr) fleet_->RecordMailOutcome(false);
    out_->Log("mail",
              absl::StrCat("mail dropped unsent: ", out_->settings().listener, " is stopping"),
              {{"subject", notice.message.subject}});
  }
  if (stop_delivery) stop_delivery();
  queue_->Drain();
}

}  // namespace kit
}  // namespace svl
