// File: kit/restarter.h
//
// Restarting one process over supervisord's XML-RPC: stop, then start, with
// upstream's blocking calls (wait=true) or without blocking supervisord
// (wait=false, then getProcessInfo polled, each phase under its own
// deadline). Either way a restart ends with the process running again, or
// with a clear reason why it could not be started: a stop slower than its
// deadline is watched until supervisord has stopped the process, and only
// then is it started (a STOPPING process cannot be started).
//
// Results keep supervisord's faults (supervisor_rpc/fault.h), so the caller
// can render upstream's lines byte for byte:
//   Failed to stop process foo: <Fault 70: 'NOT_RUNNING: foo'>
//   Failed to start process foo: <Fault 50: 'SPAWN_ERROR: foo'>
// A failed start seen while polling gets the fault supervisord's own
// wait=true would have given: SPAWN_ERROR when `spawnerr` is set, else
// ABNORMAL_TERMINATION when the state left STARTING for anything but RUNNING.
//
// Example:
//
//   RestartWorker worker;
//   bool started = worker.TrySubmit([&client, namespec] {   // client: its own transport
//     RestartResult r = RestartProcess(client, namespec, RestartOptions{});
//     if (absl::optional<Fault> f = FaultFromStatus(r.stop)) ... "Failed to stop process" ...
//     ...
//   });
//   if (!started) { ... a restart is still running: skip this tick's action ... }
//   ...
//   worker.Drain();  // at EOF, before exit
//
// A SupervisorClient on a CurlTransport is not thread-safe: give the worker's
// jobs their own transport and client.

#ifndef SVL_KIT_RESTARTER_H_
#define SVL_KIT_RESTARTER_H_

#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/process_control.h"

namespace svl {
namespace kit {

// How RestartProcess() stops, waits and starts.
struct RestartOptions {
  // true: upstream's calls, stopProcess and startProcess with wait=true
  // (supervisord answers when the phase is over; each call is bounded by the
  // transport's deadline). false: wait=false, then getProcessInfo polled
  // under stop_timeout / start_timeout.
  bool blocking_calls = false;
  // Polled stop phase: after this the stop is slow (see RestartProcess).
  // Keep it above the program's stopwaitsecs for a quiet restart.
  absl::Duration stop_timeout = absl::Seconds(60);
  // Polled start phase: how long to wait for RUNNING (startsecs plus slack).
  absl::Duration start_timeout = absl::Seconds(60);
  // A slow stop is watched this long at most (supervisord SIGKILLs after
  // the program's stopwaitsecs, so it ends well before in practice); then
  // the start is left pending for a later FinishRestart().
  absl::Duration stop_wait_bound = absl::Minutes(10);
  // While watching, how long getProcessInfo may fail without an answer
  // (supervisord unreachable) before the start is left pending.
  absl::Duration unanswered_bound = absl::Seconds(30);
  // Pause between two getProcessInfo calls.
  absl::Duration poll_interval = absl::Milliseconds(100);
  // Called (when set) as soon as a stop turns out slow, with why, before the
  // watch begins: a listener says so at once, not when the watch ends.
  std::function<void(const absl::Status& why)> on_slow_stop;
  // true: a fault from stopProcess is followed by a start anyway (httpok's
  // upstream). false: a stop fault other than NOT_RUNNING ends the
  // restart, nothing is started (a process the listener could not stop is
  // not its to start; memmon). NOT_RUNNING is watched and started either way.
  bool start_after_stop_fault = true;
};

// StopAndWait() stops `namespec` (wait=false) and waits for a stopped state.
//   - OK: stopProcess accepted and the process reached STOPPED, EXITED or
//     FATAL (`*last` holds that info when non-null).
//   - a fault from stopProcess (NOT_RUNNING, BAD_NAME, FAILED) or from a
//     getProcessInfo poll (BAD_NAME), unchanged;
//   - kDeadlineExceeded "<namespec> still STOPPING after 1s" (naming the last
//     state seen, or the last poll error when no poll succeeded);
//   - a transport error of stopProcess, unchanged. Poll transport errors are
//     retried until the deadline.
ABSL_MUST_USE_RESULT absl::Status StopAndWait(supervisor_rpc::ProcessControl& client,
                                              absl::string_view namespec,
                                              const RestartOptions& options,
                                              supervisor_rpc::ProcessInfo* last = nullptr);

// StartAndWait() starts `namespec` (wait=false) and waits for RUNNING.
//   - OK: RUNNING (`*last` holds that info when non-null: new pid and start);
//   - a fault from startProcess (ALREADY_STARTED, NO_FILE, SPAWN_ERROR, ...);
//   - Fault SPAWN_ERROR "SPAWN_ERROR: <namespec>" when a poll shows spawnerr
//     set, or ABNORMAL_TERMINATION "ABNORMAL_TERMINATION: <namespec>" when it
//     shows a state other than STARTING/RUNNING (BACKOFF, EXITED, FATAL...);
//     `*last` then names the state;
//   - kDeadlineExceeded "<namespec> still STARTING after 60s";
//   - transport errors as in StopAndWait().
ABSL_MUST_USE_RESULT absl::Status StartAndWait(supervisor_rpc::ProcessControl& client,
                                               absl::string_view namespec,
                                               const RestartOptions& options,
                                               supervisor_rpc::ProcessInfo* last = nullptr);

// What a restart did, phase by phase.
struct RestartResult {
  // The stop: OK; a fault of stopProcess; or why it was slow (the blocking
  // call's deadline or transport error, "<ns> still STOPPING after 1s").
  absl::Status stop;
  // The stop was slow (neither OK nor a fault), or answered NOT_RUNNING: the
  // process was then watched until it was stopped (`waited` OK), running
  // again (`running_again`), gone (`waited` BAD_NAME), or the watch ended
  // (`waited` kDeadlineExceeded "<ns> still STOPPING after 10m", or
  // kUnavailable "no answer about <ns> for 30s: <error>").
  bool watched = false;
  absl::Status waited;
  // Seen RUNNING, STARTING or BACKOFF while watching: supervisord (or
  // someone) started it; no start was made.
  bool running_again = false;
  // FinishRestart() only: stopped, but started (and stopped) by someone
  // since the stop this restart made; no start was made.
  bool started_since = false;
  bool start_attempted = false;  // false: `start` is kAborted, nothing was started
  absl::Status start;            // from startProcess (blocking) or StartAndWait()
  // The process may still be down because of this restart and no answer
  // settled it: a later FinishRestart() must look at it again.
  bool pending = false;
  // The last process info seen: after a start, RUNNING with the new pid and
  // start (or, when startProcess itself failed, one getProcessInfo made
  // afterwards); else the last one seen before; nullopt when none.
  absl::optional<supervisor_rpc::ProcessInfo> last_info;
};

// RestartProcess() stops `namespec`, then starts it, and never calls
// startProcess on a process that is still STOPPING:
//   - stop OK: start.
//   - stop answered with a fault: as upstream, start anyway; except
//     NOT_RUNNING, which a STOPPING process answers too: watch first.
//     With start_after_stop_fault false: no start (start_attempted false,
//     not pending), except after NOT_RUNNING (watched, then started).
//   - stop slow (deadline, transport error): watch the process; start it
//     once it is STOPPED, EXITED or FATAL; no start when it runs again or
//     the watch ended (`pending`).
RestartResult RestartProcess(supervisor_rpc::ProcessControl& client, absl::string_view namespec,
                             const RestartOptions& options);

// FinishRestart() takes up a restart left pending (by this listener, or by
// an earlier run of it): one look at the process; started when it is
// stopped and its `start` is still `stopped_start` (the start of the
// process that was stopped; 0: not checked); nothing to do when it runs
// again, was started since (`started_since`: someone else's business now),
// or no longer exists; still `pending` when it is STOPPING or supervisord
// does not answer.
RestartResult FinishRestart(supervisor_rpc::ProcessControl& client, absl::string_view namespec,
                            std::int64_t stopped_start, const RestartOptions& options);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_RESTARTER_H_
