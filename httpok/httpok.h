// File: httpok/httpok.h
//
// httpok's policy: on each TICK, check a URL and, when the answer is not
// what is expected, restart the selected processes through supervisord,
// report each step on stderr and mail a report. Its command line and texts
// are superlance's httpok's; what every listener shares (TICK scheduling,
// process selection, restarting, notices, stderr) comes from kit/.
//
// Per TICK (other events are acknowledged untouched), in a round that runs
// off the event loop (kit/tick_scheduler.h):
//   - first, restarts left unfinished (kit/process_restarter.h) are
//     finished; a round that started a process does not check;
//   - the gate: eager (-e, default) always checks; not eager (-E) checks
//     only when a selected process is RUNNING;
//   - what supervisord is asked: only the selected processes (getProcessInfo
//     per -p name; the whole list for -a and group:*) when it acts, and
//     nothing at all on a healthy TICK (the -E gate included) when httpok is
//     also subscribed to PROCESS_STATE (`events=TICK_60,PROCESS_STATE`,
//     kit/process_table.h);
//   - the check: one probe; bad when the status is not in -c (default 200),
//     with -b when the body lacks the -b text, with --not-body when it has
//     the --not-body text;
//   - the policy (--failures/--successes, kit/restart_policy.h) decides
//     whether to act; acting restarts every selected RUNNING process but
//     httpok's own pool, writes superlance's action lines and mails them
//     with -m. --notify-once mails an incident's first act and its recovery.
// httpok never answers FAIL, and no RPC, HTTP or mail error ends it.
//
// Stderr, beyond superlance's lines: `Reason: <subject> (<msg on one line>)`
// after the action lines whenever no mail carried the reason (no -m, a
// failed mail, or nothing could be done); event-log records for httpok's own
// decisions (kit/event_log.h), and with --log-format one per failed check.
// The URL is always shown with its credentials masked.
//
// Example:
//
//   HttpOk httpok(options, {&client, probe.get(), mailer.get(), kit::FdWriter(STDERR_FILENO)});
//   listener.Run([&](const protocol::Event& e) { return httpok.HandleEvent(e); });
//   httpok.Shutdown(absl::Seconds(10), [] { subprocess::KillRunningChildren(); });

#ifndef SVL_HTTPOK_HTTPOK_H_
#define SVL_HTTPOK_HTTPOK_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "httpok/http_probe.h"
#include "httpok/options.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/notifier.h"
#include "kit/process_restarter.h"
#include "kit/process_selection.h"
#include "kit/process_table.h"
#include "kit/restart_journal.h"
#include "kit/tick_scheduler.h"
#include "mailer/mailer.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_control.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace httpok {

// How long a gcore run may take before it is killed.
inline constexpr absl::Duration kGcoreDeadline = absl::Seconds(120);

struct HttpOkDeps {
  // Required; used only from the round's thread (one call at a time).
  supervisor_rpc::ProcessControl* client = nullptr;
  HttpProbe* probe = nullptr;        // required
  mailer::Mailer* mailer = nullptr;  // required when options.email is set
  kit::StderrWriter write_stderr;    // required; gets whole lines
  // Restarts left unfinished (optional; an in-memory journal when null).
  kit::RestartJournal* journal = nullptr;
  // Metrics and webhooks (optional; none when null).
  kit::Fleet* fleet = nullptr;
};

class HttpOk {
 public:
  // The pointers in `deps` must outlive the handler.
  HttpOk(HttpOkOptions options, HttpOkDeps deps);
  // Drain()s.
  ~HttpOk();

  // HandleEvent() handles one event and returns the result to send:
  // always protocol::kResultOk, at once (the round runs off the event loop).
  std::string HandleEvent(const protocol::Event& event);

  // Drain() waits until no round is running or deferred, then until every
  // queued mail was delivered or failed.
  void Drain();

  // Shutdown() is Drain() for a listener that stops (EOF): the round in
  // flight is finished, the mails get `mail_grace` at most, then those
  // still waiting are dropped and `stop_deliveries` ends the one in flight.
  void Shutdown(absl::Duration mail_grace, const std::function<void()>& stop_deliveries);

 private:
  // Round() is one TICK's work; true when it stopped or started a process.
  bool Round();
  void RunCheck();
  bool ShouldCheck();
  void Act(const std::string& subject, const std::string& msg);
  void TakeCore(const supervisor_rpc::ProcessInfo& process, std::vector<std::string>* mail_lines);
  // ReasonLine() is `Reason: <subject> (<msg on one line>)`.
  static std::string ReasonLine(const std::string& subject, const std::string& msg);
  void WriteReason(const std::string& subject, const std::string& msg);
  // QueueMail() hands a mail to the notifier. `incident`: the serial of an
  // incident's mail (--notify-once), else 0.
  bool QueueMail(const std::string& subject, const std::string& body,
                 const std::string& reason_line, int incident, const std::string& event,
                 std::vector<std::string> processes);

  const HttpOkOptions options_;
  const HttpOkDeps deps_;
  kit::ListenerOutput out_;
  const std::string& prefix_;     // "httpok: " or "httpok [name]: "
  const std::string& shown_url_;  // the URL with credentials masked
  kit::ProcessSelection selection_;
  kit::ProcessTable table_;  // kept from PROCESS_STATE events, when subscribed
  kit::RestartJournal own_journal_ = kit::RestartJournal::InMemory();

  // Round thread only.
  kit::ProcessRestarter restarter_;
  // The processes (group:name) acted on in the current incident, for the
  // recovery's webhook notice.
  std::vector<std::string> incident_processes_;
  bool incident_open_ = false;  // a failed check since the last recovery

  // --notify-once: the incident's mail was queued (cleared again by the
  // notice thread when its delivery failed).
  std::atomic<bool> incident_mailed_{false};
  // Counts incidents (the round thread writes; the notice thread reads).
  std::atomic<int> incident_serial_{0};
  kit::Notifier notifier_;
  kit::TickScheduler ticks_;  // last: destroyed (drained) first
};

// ProbeOptionsFor() gives the probe settings the options ask for.
ProbeOptions ProbeOptionsFor(const HttpOkOptions& options);

// MailSettingsFor() gives the mail settings the options ask for.
kit::MailSettings MailSettingsFor(const HttpOkOptions& options);

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_HTTPOK_H_
