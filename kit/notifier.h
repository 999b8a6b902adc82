// File: kit/notifier.h
//
// The notices a listener sends: mails, through a sendmail-style command
// (`-s`, default `/usr/sbin/sendmail -t -i`) or an SMTP server (`--smtp`),
// delivered off the checking path by a NoticeQueue, and the same notices to
// the webhooks of its Fleet (kit/fleet.h), if any, which counts each mail
// sent, failed or dropped in the metrics. Drain() and Shutdown() are about
// the mails; the Fleet drains its webhooks itself. Each notice's outcome is
// written on stderr when its delivery ends: the `Mailed:` dump (upstream's
// text, plus the newline it lacked) or a `Mailed <subject> to <to>` line, or `Failed to send mail: <error>` and
// then the notice's own reason line, if it has one.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<mailer::Mailer>> mailer = MakeMailer(settings);
//   Notifier notifier(mailer->get(), settings.to, &out, kNoticeQueueCapacity);
//   notifier.Send({"httpok: http://h/: bad status returned", body, "Reason: ..."});
//   ...
//   notifier.Shutdown(absl::Seconds(10), [] { subprocess::KillRunningChildren(); });

#ifndef SVL_KIT_NOTIFIER_H_
#define SVL_KIT_NOTIFIER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/notice_queue.h"
#include "mailer/mailer.h"

namespace svl {
namespace kit {

// How many notices may wait for delivery; beyond, the oldest waiting one is
// dropped (a `reason=mail` line) and counted in the next one delivered.
inline constexpr size_t kNoticeQueueCapacity = 16;

// How long the notices still waiting when a listener stops (EOF, SIGTERM)
// may take before they are given up (Notifier::Shutdown()).
inline constexpr absl::Duration kMailGraceAtExit = absl::Seconds(10);

// How a listener mails (its -m, -s, --smtp, --mail-from, --smtp-user and
// --smtp-password options).
struct MailSettings {
  std::string to;        // -m; empty: no mail
  std::string sendmail;  // -s: the command, run through /bin/sh
  absl::Duration sendmail_deadline = absl::Seconds(30);
  std::string smtp;      // --smtp URL; when set, used instead of -s
  std::string from;
  std::string smtp_user;
  std::string smtp_password;
};

// MakeMailer() gives the transport the settings ask for: SMTP with `smtp`,
// else the sendmail command. kInvalidArgument (`option --smtp: ...`, any
// credentials in the URL masked) for an unusable SMTP URL.
absl::StatusOr<std::unique_ptr<mailer::Mailer>> MakeMailer(const MailSettings& settings);

// MailChannelOf() is the metrics channel of the mail transport the
// settings pick: "smtp" or "sendmail" ("" when nothing is mailed).
std::string MailChannelOf(const MailSettings& settings);

// One notice. `reason` is the reason code of the records written about it.
struct OutgoingNotice {
  std::string subject;
  std::string body;
  // Written after `Failed to send mail:` when the delivery fails ("" none).
  std::string reason_line;
  std::string reason = "ok";
  // Called (on the delivery thread) when the delivery failed.
  std::function<void()> on_failure;
  // On success: true writes the `Mailed:` dump of the whole message; false
  // one line, `Mailed <subject> to <to>` (for a listener whose upstream
  // logged nothing).
  bool dump = true;
  // For webhooks (kit/webhook.h): what happened (restart, give-up,
  // recovery, crash, ...), the processes concerned (group:name), and the
  // one-line summary ("" : the subject, on one line).
  std::string event = "notice";
  std::vector<std::string> processes;
  std::string text;
};

// Notifier sends a listener's notices and reports each outcome on stderr.
class Notifier {
 public:
  // `mailer` (null: no mail), `out` and `fleet` (null: no webhooks nor
  // metrics) must outlive the notifier; mails go to `to` (empty: none).
  Notifier(mailer::Mailer* mailer, std::string to, ListenerOutput* out, size_t capacity,
           Fleet* fleet = nullptr);

  // mail_enabled() is true when notices are mailed.
  bool mail_enabled() const { return queue_ != nullptr; }
  // enabled() is true when notices go anywhere: mail or webhooks.
  bool enabled() const { return mail_enabled() || (fleet_ != nullptr && fleet_->webhooks_enabled()); }

  // Send() queues the notice for every channel and returns at once; false
  // when not enabled.
  bool Send(OutgoingNotice notice);

  // Drain() waits until every queued notice was delivered or failed.
  void Drain();

  // Shutdown() is Drain() for a listener that stops: notices get `grace`;
  // then those still waiting are dropped (a `reason=mail` line each, saying
  // `<listener> is stopping`) and `stop_delivery` is called to end the one
  // being delivered (e.g. kill the mail command).
  void Shutdown(absl::Duration grace, const std::function<void()>& stop_delivery);

 private:
  const std::string to_;
  ListenerOutput* const out_;
  Fleet* const fleet_;
  std::unique_ptr<NoticeQueue> queue_;
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_NOTIFIER_H_
