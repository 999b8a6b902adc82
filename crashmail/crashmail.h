// File: crashmail/crashmail.h
//
// crashmail's policy: mail when a supervisord process exits unexpectedly.
// Its command line and texts are superlance's crashmail's (options.h); the
// mail transports, stderr and the notice queue come from kit/.
//
// Per event, every one acknowledged with OK at once (until Shutdown(), see
// HandleEvent()):
//   - PROCESS_STATE_EXITED with `expected:0` for a process -p/-a selects
//     (`name`, `group:name`, `group:*`; neither: every process): stderr
//     `unexpected exit, mailing`, then a mail to -m with the subject
//     `<-o>: <processname> crashed at <time>` (without -o: ` <processname>
//     crashed at <time>`, leading space kept) and the body `Process X in
//     group G exited unexpectedly (pid N) from state S`; when it was sent,
//     the `Mailed:` dump on stderr (kit/notifier.h). <time> is supervisor's
//     get_asctime() (kit/python_text.h) in local time.
//   - the same without -m: `unexpected exit, not mailing (no -m)` (a
//     --webhook still gets the notice).
//   - a PROCESS_STATE_EXITED payload crashmail cannot read (no `expected`
//     or `pid`): one timestamped `reason=payload` line, nothing mailed.
//   - anything else: nothing.
// With --batch SECONDS the crashes are gathered instead (stderr `unexpected
// exit, mailing with the next batch`): a batch opens at its first crash and
// is mailed when the first event (of any kind) arrives at or after SECONDS
// later, before that event is handled, and at Shutdown(). Only events carry
// time forward: with no further crash, a TICK subscription is what sends the
// batch. Its body has one line per crash, `<time> -- Process X in group G
// exited unexpectedly (pid N) from state S`; a process that crashed more
// than once in the batch has one line instead, at its first crash's place,
// `<time of the last> -- X exited unexpectedly 37 times since <time of the
// first>` (X as `name`, or `group:name` when they differ). A batch of one
// crash is mailed exactly as without --batch; else the subject is `<-o>: 38
// unexpected exits since <time of the first>`.
//
// Example:
//
//   Crashmail crashmail(options, {mailer.get(), kit::FdWriter(STDERR_FILENO)});
//   kit::RunEventLoop("crashmail", [&](const protocol::Event& e) { return crashmail.HandleEvent(e); }, ...);
//   crashmail.Shutdown(kit::kMailGraceAtExit, [] { subprocess::KillRunningChildren(); });

#ifndef SVL_CRASHMAIL_CRASHMAIL_H_
#define SVL_CRASHMAIL_CRASHMAIL_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "crashmail/options.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/notifier.h"
#include "kit/process_selection.h"
#include "mailer/mailer.h"
#include "protocol/event.h"

namespace svl {
namespace crashmail {

// What crashmail works with.
struct CrashmailDeps {
  mailer::Mailer* mailer = nullptr;  // required when options.email is set
  kit::StderrWriter write_stderr;    // required; gets whole lines
  kit::Fleet* fleet = nullptr;       // metrics and webhooks (optional)
  // The wall clock (absl::Now when unset) and its zone (the local zone when
  // unset): the times in subjects and bodies, and the batch's interval.
  std::function<absl::Time()> now;
  absl::optional<absl::TimeZone> zone;
};

// Crashmail is crashmail's policy (see the top). Thread-safe: Shutdown()
// may run on a signal-watching thread while events are handled.
class Crashmail {
 public:
  // The pointers in `deps` must outlive the handler.
  Crashmail(CrashmailOptions options, CrashmailDeps deps);
  // Drain()s.
  ~Crashmail();

  // HandleEvent() handles one event and returns the result to send:
  // protocol::kResultOk, at once (mails are sent off the event loop). Once
  // Shutdown() began it handles nothing and returns nullopt (one
  // `reason=stopping` line): the event must stay unacknowledged, so that
  // supervisord gives it to the next crashmail instead of it being lost;
  // the caller waits for the exit instead of answering.
  absl::optional<std::string> HandleEvent(const protocol::Event& event) ABSL_LOCKS_EXCLUDED(mu_);

  // Drain() waits until every queued mail was delivered or failed.
  void Drain();

  // Shutdown() is for a listener that stops (EOF, SIGTERM): events are no
  // longer handled (see HandleEvent()), the batch gathered so far is
  // mailed, the mails get `mail_grace` at most, then those still waiting
  // are dropped and `stop_deliveries` ends the one in flight. An event is
  // handled wholly before Shutdown() begins or not at all.
  void Shutdown(absl::Duration mail_grace, const std::function<void()>& stop_deliveries)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // One process's crashes in the batch.
  struct BatchEntry {
    std::string key;    // group:name
    std::string shown;  // `name`, or `group:name` when they differ
    std::string first_message;  // `Process X in group G exited ...`
    std::string first_line;     // `<time> -- ` + first_message
    std::string first_subject;  // the mail of this crash alone
    int count = 0;
    absl::Time first;
    absl::Time last;
  };

  void OnExited(const protocol::Event& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SendBatchIfDue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SendBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Mail() sends a notice (mail, webhooks) about `processes` (group:name).
  void Mail(std::string subject, std::string body, std::vector<std::string> processes);
  absl::Time Now() const;
  std::string Asctime(absl::Time time) const;
  // Subject() is `<-o>:` + `text`, or `text`.
  std::string Subject(const std::string& text) const;

  const CrashmailOptions options_;
  const CrashmailDeps deps_;
  kit::ListenerOutput out_;
  const kit::ProcessSelection selection_;
  kit::Notifier notifier_;

  // Held for the whole of each event, so that Shutdown() falls between two.
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<BatchEntry> batch_ ABSL_GUARDED_BY(mu_);
  int batch_crashes_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time batch_opened_ ABSL_GUARDED_BY(mu_);
};

// MailSettingsFor() gives the mail settings the options ask for.
kit::MailSettings MailSettingsFor(const CrashmailOptions& options);

}  // namespace crashmail
}  // namespace svl

#endif  // SVL_CRASHMAIL_CRASHMAIL_H_
