// File: httpok/httpok.h
//
// The httpok event handler: on each TICK, check a URL and, when the answer is
// not what is expected, restart the selected processes through supervisord,
// report each step on stderr and mail a report. Byte-compatible with
// superlance's httpok (../shared/reference/httpok-upstream.md §3), with the
// upstream bugs of §4 fixed (issue 5).
//
// Per event:
//   - not a TICK_*: acknowledged untouched (no RPC, no HTTP, no output);
//   - the gate: eager (-e, default) always checks; not eager (-E) checks only
//     when a selected process is RUNNING (see ShouldCheck below);
//   - the check: one probe; bad when the status is not in -c (default 200)
//     or, with -b, the body does not contain the -b bytes;
//   - act(): stop then start each selected RUNNING process, lines on stderr,
//     mail with -m. The result is always OK: httpok never replies FAIL, and
//     no RPC, HTTP or mail error ever ends the listener.
//
// What is asked of supervisord (the cost of a healthy TICK does not grow with
// the number of programs): eager mode: nothing. Not-eager mode with -p: one
// getProcessInfo per -p entry until one is RUNNING; a bare `name` that
// supervisord does not know as `name:name` (BAD_NAME) is looked for in every
// group with one getAllProcessInfo (a bare name matches `name` in any group,
// as in act()). A bare name that does exist as `name:name` is judged by that
// process alone in the gate. Not-eager with -a: getAllProcessInfo. Acting:
// one getAllProcessInfo, then stop/start per process.
//
// Stderr, beyond upstream's lines: `Reason: <subject> (<msg on one line>)`
// after the action lines whenever no mail carried the reason (no -m, a failed
// mail, or no action possible); `Failed to send mail: <error>` instead of the
// `Mailed:` dump when the mail command failed; RPC errors that are not faults
// rendered as their status message. The `Mailed:` dump ends with a newline
// (upstream's did not, gluing the next stderr line to the mail's last line).
//
// Issue 7 (every default keeps the behaviour above):
//   - the work of a TICK (gate, check, act, mail) runs on a RestartWorker
//     thread: HandleEvent() returns OK at once, so supervisord never waits
//     on a probe or a restart. A TICK arriving while that work runs is
//     acknowledged and deferred: one more round runs right after the current
//     one, except for a supervisord TICK (one with `when:`) that arrived
//     while the round restarted something: that one is skipped with a `busy`
//     line (a check right after a restart would judge a process that has
//     just started). Further TICKs meanwhile are skipped with a `busy` line.
//     TICKs without `when:` (as in upstream's tests) are always deferred.
//     Drain() (and the destructor) waits for the work, so a run ended by
//     EOF still writes every line. TICKs replayed after a stall are
//     coalesced (tick_coalescer.h; TICKs without `when:` are never skipped).
//   - restarts (restarter.h): upstream's stopProcess/startProcess calls
//     (wait=true), or with --restart-timeout wait=false and polling. A stop
//     slower than its call (`<ns> is slow to stop (...), waiting for it to
//     stop`) is watched until supervisord has stopped the process, which is
//     then started: never left STOPPED, never started while STOPPING. A
//     restart that cannot be finished now (still STOPPING after 10 minutes,
//     no answer, httpok itself stopped) stays in the restart journal
//     (kit/restart_journal.h, on disk in --state-dir) and is finished at the
//     start of a later round, by this httpok or the next one
//     (`Finishing the restart of <ns>, which was left stopped`).
//   - mails go through a notice queue (kit/notice_queue.h) with its own
//     thread: a slow or hanging mail command never delays a check. The
//     `Mailed:` dump (or `Failed to send mail:` and the Reason line) is
//     written when the delivery ends, so it may come after lines of a later
//     round. At most kMailQueueCapacity mails wait; beyond, the oldest
//     waiting one is dropped (a `reason=mail` line) and the next mail sent
//     says how many were dropped.
//   - never its own pool: `-a` and `-p` leave every process of httpok's own
//     group (SUPERVISOR_GROUP_NAME) alone, so listeners of one pool
//     (numprocs > 1) never restart each other; one named with -p gets
//     `<ns> is in httpok's own pool, NOT restarting`.
//   - the --failures count starts over after every act round, restarts or
//     not (`failures=K/N` never shows K above N).
//   - RestartPolicy (restart_policy.h) decides: --failures/--successes,
//     --grace, --max-restarts/--restart-window (a give-up mail once);
//   - --dry-run: action lines prefixed `[dry-run] `, `<ns> is in RUNNING
//     state, would restart`, the mail subject prefixed `[dry-run] `, no
//     gcore, no stop/start;
//   - `-p group:*` selects every process of the group (gate and act);
//   - --not-body TEXT: a body containing TEXT is bad ("bad body returned");
//   - --notify-once: the first act of an incident mails, later acts do not,
//     the first good check after it mails `<prefix><url>: recovered`;
//   - EventLog lines (timestamp + reason code) on stderr for httpok's own
//     decisions (not acting yet, in grace, gave up, deferred/skipped TICKs,
//     recovered, mail not sent); with --log-format also one line per failed
//     check; with --log-format json every stderr line is a JSON object
//     (action lines and the Mailed: dump as its `msg`).
//   - credentials: the URL is shown through RedactUrl() (unchanged without
//     userinfo), and the --user password never appears.
//
// Example:
//
//   HttpOk httpok(options, {&client, probe.get(), &mailer, FdWriter(STDERR_FILENO)});
//   listener.Run([&](const protocol::Event& e) { return httpok.HandleEvent(e); });
//   httpok.Drain();  // the round in flight, then the mails waiting

#ifndef SVL_HTTPOK_HTTPOK_H_
#define SVL_HTTPOK_HTTPOK_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "httpok/http_probe.h"
#include "httpok/options.h"
#include "httpok/reasons.h"
#include "httpok/restart_policy.h"
#include "httpok/restarter.h"
#include "httpok/tick_coalescer.h"
#include "kit/event_log.h"
#include "kit/notice_queue.h"
#include "kit/restart_journal.h"
#include "mailer/mailer.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/supervisor_client.h"

namespace svl {
namespace httpok {

// How long a gcore run may take before it is killed.
inline constexpr absl::Duration kGcoreDeadline = absl::Seconds(120);

// How many mails may wait for delivery; beyond, the oldest waiting is dropped
// (and counted in the next mail that goes out).
inline constexpr size_t kMailQueueCapacity = 16;

using StderrWriter = std::function<void(absl::string_view)>;

// FdWriter() writes everything to `fd` (looping over short writes and EINTR,
// ignoring errors: a lost stderr line must not end the listener).
StderrWriter FdWriter(int fd);

struct HttpOkDeps {
  // Required; used only from the worker thread (one call at a time).
  supervisor_rpc::SupervisorClient* client = nullptr;
  HttpProbe* probe = nullptr;                          // required
  mailer::Mailer* mailer = nullptr;  // required when options.email is set
  StderrWriter write_stderr;         // required; called from several threads, whole lines
  // Restarts left unfinished (optional; an in-memory journal when null).
  // Used only from the worker thread.
  kit::RestartJournal* journal = nullptr;
};

class HttpOk {
 public:
  // The pointers in `deps` must outlive the handler.
  HttpOk(HttpOkOptions options, HttpOkDeps deps);
  // Drain()s.
  ~HttpOk();

  // HandleEvent() handles one event and returns the result to send:
  // always protocol::kResultOk, at once (the work runs on the worker).
  std::string HandleEvent(const protocol::Event& event);

  // Drain() waits until no work is running or deferred, then until every
  // queued mail was delivered or failed.
  void Drain();

  // Shutdown() is Drain() for a listener that stops (EOF): the work in
  // flight is finished, but the mails get `mail_grace` at most; then those
  // still waiting are dropped (a `reason=mail` line each) and
  // `stop_deliveries` is called to end the one being delivered (e.g. kill
  // the mail command), whose failure is reported as usual.
  void Shutdown(absl::Duration mail_grace, const std::function<void()>& stop_deliveries);

 private:
  class WriterSink : public kit::LogSink {
   public:
    explicit WriterSink(StderrWriter writer) : writer_(std::move(writer)) {}
    void Write(absl::string_view line) override { writer_(line); }

   private:
    StderrWriter writer_;
  };

  // The work of one TICK and what follows it (worker thread).
  void Work();
  void RunCheck();
  // ShouldCheck() is the eager / not-eager gate.
  bool ShouldCheck();
  // Act() restarts the selected processes, reports and mails.
  void Act(const std::string& subject, const std::string& msg);
  // Restart() returns false when the policy skipped the process.
  bool Restart(const supervisor_rpc::ProcessInfo& process, std::vector<std::string>* messages,
               std::vector<std::string>* gave_up);
  // ReportRestart() writes what RestartProcess() did, in upstream's words
  // where upstream has them.
  void ReportRestart(const std::string& namespec, const RestartResult& result,
                     std::vector<std::string>* messages);
  // RecordOurRestart() tells the policy the start and pid a restart of ours
  // left (asking supervisord once when the result has none and
  // --max-restarts needs them).
  void RecordOurRestart(const std::string& namespec, const RestartResult& result);
  // FinishPendingRestarts() takes up the restarts the journal holds; true
  // when it started a process.
  bool FinishPendingRestarts();
  void JournalAdd(kit::PendingRestart entry);
  void JournalRemove(const std::string& namespec);
  bool Selected(const supervisor_rpc::ProcessInfo& process) const;
  bool IsSelf(const supervisor_rpc::ProcessInfo& process) const;
  void WriteLine(const std::string& line, std::vector<std::string>* messages);
  void WriteReason(const std::string& subject, const std::string& msg);
  static std::string ReasonLine(const std::string& subject, const std::string& msg);
  void Log(const std::string& reason, const std::string& msg,
           std::vector<kit::LogField> fields = {});
  // QueueMail() hands a mail to the notice queue; its outcome is written
  // when it is delivered (the Mailed: dump, or `Failed to send mail:` and,
  // when not empty, `reason_line`). False without -m.
  // `incident`: the incident serial of an incident's mail, else 0.
  bool QueueMail(const std::string& subject, const std::string& body,
                 const std::string& reason_line, int incident);
  std::string Shown(absl::string_view text) const;

  HttpOkOptions options_;
  HttpOkDeps deps_;
  StderrWriter write_stderr_;  // deps_.write_stderr, one line at a time
  RestartOptions restart_options_;
  const std::string shown_url_;  // options_.url through RedactUrl()
  const std::string prefix_;     // "httpok: " or "httpok [name]: "
  WriterSink sink_;
  kit::EventLog log_;

  // Main thread only.
  TickCoalescer coalescer_;

  // Worker thread only.
  RestartPolicy policy_;
  std::string reason_ = reason::kOk;  // of the current check
  bool incident_open_ = false;  // a failed check since the last recovery
  bool restarted_ = false;        // the current round stopped/started a process
  kit::RestartJournal own_journal_ = kit::RestartJournal::InMemory();
  kit::RestartJournal* journal_;  // deps_.journal, or own_journal_
  bool journal_error_logged_ = false;

  // --notify-once: the incident's mail was queued (cleared again by the
  // notice thread when its delivery failed).
  std::atomic<bool> incident_mailed_{false};
  // Counts incidents (worker thread writes; the notice thread reads).
  std::atomic<int> incident_serial_{0};
  std::unique_ptr<kit::NoticeQueue> notices_;  // with -m: mails, off the worker

  absl::Mutex mu_;
  bool in_progress_ ABSL_GUARDED_BY(mu_) = false;
  bool pending_ ABSL_GUARDED_BY(mu_) = false;        // one TICK deferred
  bool pending_dated_ ABSL_GUARDED_BY(mu_) = false;  // it had a when:
  std::string pending_tick_ ABSL_GUARDED_BY(mu_);    // its event name
  RestartWorker worker_;  // last: destroyed (drained) first
};

// ProbeOptionsFor() gives the probe settings the options ask for.
ProbeOptions ProbeOptionsFor(const HttpOkOptions& options);

// Exposed for tests: the one-line form of a message, as in the Reason line
// ("error contacting URL:\n\n text" -> "error contacting URL: text").
std::string FoldToOneLine(absl::string_view text);

// ParseTickWhen() reads `when:<int>` from a TICK payload; false without one.
bool ParseTickWhen(absl::string_view payload, std::int64_t* when);

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_HTTPOK_H_
