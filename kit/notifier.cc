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

Notifier::Notifier(mailer::Mailer* mailer, std::string to, ListenerOutput* out, size_t capacity)
    : to_(std::move(to)), out_(out) {
  if (to_.empty() || mailer == nullptr) return;
  queue_ = std::make_unique<NoticeQueue>(
      mailer, capacity, [out, capacity](const mailer::Message& dropped) {
        out->Log("mail",
                 absl::StrCat("mail dropped unsent: ", capacity,
                              " mails were waiting for delivery"),
                 {{"subject", dropped.subject}});
      });
}

bool Notifier::Send(OutgoingNotice notice) {
  if (queue_ == nullptr) return false;
  mailer::Message message;
  message.to = to_;
  message.subject = std::move(notice.subject);
  message.body = std::move(notice.body);
  ListenerOutput* out = out_;
  queue_->Enqueue(
      {std::move(message), [out, notice = std::move(notice)](const mailer::Message& sent,
                                                             const absl::Status& status) {
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
    out_->Log("mail",
              absl::StrCat("mail dropped unsent: ", out_->settings().listener, " is stopping"),
              {{"subject", notice.message.subject}});
  }
  if (stop_delivery) stop_delivery();
  queue_->Drain();
}

}  // namespace kit
}  // namespace svl
