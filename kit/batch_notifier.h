// File: kit/batch_notifier.h
//
// The policy the batch notifiers (crashmailbatch, fatalmailbatch, crashsms)
// share: gather one line per PROCESS_STATE event of interest, and mail the
// lines gathered when a batch interval, counted in TICK events, has run.
// Each listener gives only its BatchKind: which event it handles, the line
// it writes for one, and its default subject.
//
// Per event, every one acknowledged with OK at once (until Shutdown(), see
// HandleEvent()):
//   - the kind's event (e.g. PROCESS_STATE_EXITED): the kind's line, if it
//     gives one (not for an expected exit), is written to stderr and kept
//     for the next mail. A payload that cannot be read: one timestamped
//     `reason=payload` line, nothing kept.
//   - the -e TICK event (exactly its name): its seconds (5, 60, 3600) are
//     added to the time since the last mail; when that reaches the interval
//     it starts over from 0, and the lines kept, if any, are mailed: the
//     body is the lines joined by '\n', in Python's MIMEText layout
//     (mailer::Message::mime_text_plain), to every -t address, from -f, with
//     the subject (none at all when it is unset or empty), a Date in the
//     local zone and a Message-ID `<centiseconds.pid.random@host>`.
//   - anything else: nothing. When no -e event came for 2 hours (events=
//     does not subscribe to it), one `reason=tick` line says so.
// Mails are sent off the event loop, one at a time. When one was sent,
// stderr gets upstream's digest:
//   Sending notification email:\nTo: a@x, b@y\nFrom: F\nSubject: S\nBody:\n<body>\n
// (Subject `None` when unset; the body cut to 76 code points plus `...`).
// When it failed: `Error sending email: <error>` and `Failed to send
// notification email: N lines kept for the next one` (N: every line now
// waiting, those gathered during the attempt included), and the lines are
// mailed with the next interval's (a webhook is told each line once; the
// count of lines left out, if any, comes with each attempt). At
// most kMaxBatchLines lines and kMaxBatchBytes bytes are kept;
// later ones are counted, and the next mail ends with a line saying how
// many were left out. While a mail is still being sent (a slow server: the
// SMTP transport's own deadline bounds it) the interval's lines wait for
// the next one.
//
// Example:
//
//   BatchNotifier notifier(kind, settings, {mailer.get(), FdWriter(STDERR_FILENO)});
//   RunEventLoop(kind.listener, [&](const protocol::Event& e) { return *notifier.HandleEvent(e); }, ...);
//   notifier.Shutdown(kStopGrace, [] {});  // kit/stop_signals.h

#ifndef SVL_KIT_BATCH_NOTIFIER_H_
#define SVL_KIT_BATCH_NOTIFIER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kit/event_log.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/notice_queue.h"
#include "mailer/mailer.h"
#include "protocol/event.h"
#include "protocol/payloads.h"

namespace svl {
namespace kit {

// The most lines one batch keeps (a flapping program adds one per exit).
inline constexpr size_t kMaxBatchLines = 1000;
// The most bytes of lines one batch keeps (a payload may hold megabytes).
inline constexpr size_t kMaxBatchBytes = 1 << 20;

// What one batch notifier is: its own policy.
struct BatchKind {
  std::string listener;        // "crashmailbatch": stderr records, messages
  std::string handled_event;   // "PROCESS_STATE_EXITED"
  // The subject when -s is not given (nullopt: no Subject header).
  absl::optional<std::string> default_subject;
  // The line for one handled event, given its payload and the time in
  // supervisor's get_asctime() form; nullopt when it is not worth a line.
  std::function<absl::optional<std::string>(const protocol::ProcessStatePayload& state,
                                            const std::string& asctime)>
      line_for;
};

// What the command line says (kit/batch_mail_options.h).
struct BatchSettings {
  std::vector<std::string> to;
  std::string from;
  absl::optional<std::string> subject;  // -s; nullopt: the kind's default
  std::string tick_event = "TICK_60";
  std::int64_t tick_seconds = 60;
  std::int64_t interval_seconds = 60;
  LogFormat log_format = LogFormat::kText;
  std::vector<std::string> secrets;  // never shown in a log record
};

// What a BatchNotifier works with.
struct BatchDeps {
  mailer::Mailer* mailer = nullptr;  // required
  StderrWriter write_stderr;         // required; gets whole lines
  // The wall clock (absl::Now when unset) and its zone (the local zone when
  // unset): the times of lines and of the Date header.
  std::function<absl::Time()> now;
  absl::optional<absl::TimeZone> zone;
  // The Message-ID of each mail (MessageIdNow() when unset).
  std::function<std::string()> message_id;
  // Metrics and webhooks (optional): each mail is also a `batch` webhook
  // notice, and counted on `mail_channel`.
  Fleet* fleet = nullptr;
};

// DigestOfBody() is `body` cut to its first 76 code points plus "..." when
// it has more (bytes that are not UTF-8 count one each).
std::string DigestOfBody(const std::string& body);

// MessageIdNow() is a Message-ID as Python's email.utils.make_msgid() makes
// it: `<centiseconds.pid.random64@host>`, host being this machine's name
// (gethostname(), kit/fleet.h's HostName()).
std::string MessageIdNow();

// BatchNotifier is the batch notifiers' policy (see the top). Thread-safe:
// Shutdown() may run on a signal-watching thread while events are handled.
class BatchNotifier {
 public:
  BatchNotifier(BatchKind kind, BatchSettings settings, BatchDeps deps);
  // Drain()s.
  ~BatchNotifier();
  BatchNotifier(const BatchNotifier&) = delete;
  BatchNotifier& operator=(const BatchNotifier&) = delete;

  // HandleEvent() handles one event and returns the result to send:
  // protocol::kResultOk, at once. Once Shutdown() began it handles nothing
  // and returns nullopt (one `reason=stopping` line): the event must stay
  // unacknowledged, so that supervisord gives it to the next listener.
  absl::optional<std::string> HandleEvent(const protocol::Event& event) ABSL_LOCKS_EXCLUDED(mu_);

  // Drain() waits until no mail is being sent.
  void Drain();

  // Shutdown() is for a listener that stops (EOF, SIGTERM): events are no
  // longer handled, the lines kept are mailed now (interval or not), and
  // the mail gets `grace` at most; then `stop_delivery` is called. Lines
  // that could not be mailed (those of the mail that did not end included)
  // are counted on stderr.
  void Shutdown(absl::Duration grace, const std::function<void()>& stop_delivery)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // One line kept for the next mail, and the process (group:name) it is about.
  struct KeptLine {
    std::string text;
    std::string process;
    bool posted = false;  // already in a webhook notice
  };

  void OnHandledEvent(const protocol::Event& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnTick() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Keep(KeptLine line) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SendKept() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnSent(std::vector<KeptLine> lines, size_t left_out, const mailer::Message& sent,
              const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Time Now() const;
  absl::TimeZone Zone() const;

  const BatchKind kind_;
  const BatchSettings settings_;
  const BatchDeps deps_;
  const absl::optional<std::string> subject_;
  ListenerOutput out_;
  NoticeQueue queue_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool sending_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<KeptLine> lines_ ABSL_GUARDED_BY(mu_);
  size_t left_out_ ABSL_GUARDED_BY(mu_) = 0;  // lines beyond kMaxBatchLines/Bytes
  size_t kept_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // the bytes of lines_' texts
  size_t in_flight_lines_ ABSL_GUARDED_BY(mu_) = 0;  // lines in the mail being sent
  std::int64_t elapsed_seconds_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_tick_ ABSL_GUARDED_BY(mu_);
  bool warned_no_tick_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_BATCH_NOTIFIER_H_
