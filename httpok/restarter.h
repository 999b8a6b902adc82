// File: httpok/restarter.h
//
// Restarting one process over supervisord's XML-RPC without ever blocking
// inside supervisord (issue 7, "never wedge"): stopProcess(name, wait=false),
// then getProcessInfo polled until a stopped state, then startProcess(name,
// wait=false), polled until RUNNING, each phase under its own deadline.
// Upstream calls both with wait=true, which holds the listener (and the RPC
// connection) for stopwaitsecs + startsecs, or forever if supervisord never
// answers (Supervisor/supervisor#991).
//
// Results keep supervisord's faults (supervisor_rpc/fault.h), so the caller
// can render upstream's lines byte for byte:
//   Failed to stop process foo: <Fault 70: 'NOT_RUNNING: foo'>
//   Failed to start process foo: <Fault 50: 'SPAWN_ERROR: foo'>
// A failed start seen while polling gets the fault supervisord's own
// wait=true would have given: SPAWN_ERROR when `spawnerr` is set, else
// ABNORMAL_TERMINATION when the state left STARTING for anything but RUNNING.
//
// RestartWorker runs such restarts (any job) on one background thread, so the
// event loop keeps acknowledging TICKs; a job is never started twice.
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

#ifndef SVL_HTTPOK_RESTARTER_H_
#define SVL_HTTPOK_RESTARTER_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/supervisor_client.h"

namespace svl {
namespace httpok {

struct RestartOptions {
  // How long to wait for the process to reach STOPPED/EXITED/FATAL. Keep it
  // above the program's stopwaitsecs (supervisord SIGKILLs after that).
  absl::Duration stop_timeout = absl::Seconds(60);
  // How long to wait for RUNNING (the program's startsecs, plus slack).
  absl::Duration start_timeout = absl::Seconds(60);
  // Pause between two getProcessInfo calls.
  absl::Duration poll_interval = absl::Milliseconds(100);
};

// StopAndWait() stops `namespec` and waits for a stopped state.
//   - OK: stopProcess accepted and the process reached STOPPED, EXITED or
//     FATAL (`*last` holds that info when non-null).
//   - a fault from stopProcess (NOT_RUNNING, BAD_NAME, FAILED) or from a
//     getProcessInfo poll (BAD_NAME), unchanged;
//   - kDeadlineExceeded "<namespec> still STOPPING after 1s" (naming the last
//     state seen, or the last poll error when no poll succeeded);
//   - a transport error of stopProcess, unchanged. Poll transport errors are
//     retried until the deadline.
ABSL_MUST_USE_RESULT absl::Status StopAndWait(supervisor_rpc::SupervisorClient& client,
                                              absl::string_view namespec,
                                              const RestartOptions& options,
                                              supervisor_rpc::ProcessInfo* last = nullptr);

// StartAndWait() starts `namespec` and waits for RUNNING.
//   - OK: RUNNING (`*last` holds that info when non-null: new pid and start);
//   - a fault from startProcess (ALREADY_STARTED, NO_FILE, SPAWN_ERROR, ...);
//   - Fault SPAWN_ERROR "SPAWN_ERROR: <namespec>" when a poll shows spawnerr
//     set, or ABNORMAL_TERMINATION "ABNORMAL_TERMINATION: <namespec>" when it
//     shows a state other than STARTING/RUNNING (BACKOFF, EXITED, FATAL...);
//     `*last` then names the state;
//   - kDeadlineExceeded "<namespec> still STARTING after 60s";
//   - transport errors as in StopAndWait().
ABSL_MUST_USE_RESULT absl::Status StartAndWait(supervisor_rpc::SupervisorClient& client,
                                               absl::string_view namespec,
                                               const RestartOptions& options,
                                               supervisor_rpc::ProcessInfo* last = nullptr);

struct RestartResult {
  absl::Status stop;             // from StopAndWait()
  bool start_attempted = false;  // false: start is kAborted, nothing was started
  absl::Status start;            // from StartAndWait()
  // The last process info seen by the start phase (after a successful start:
  // RUNNING with the new pid and start; when startProcess itself failed, one
  // getProcessInfo made afterwards), else the last one seen by the stop
  // phase; nullopt when supervisord gave none.
  absl::optional<supervisor_rpc::ProcessInfo> last_info;
};

// RestartProcess() is StopAndWait() then StartAndWait(). As upstream, a stop
// that failed with a supervisord fault (e.g. NOT_RUNNING) still goes on to
// start. A stop that failed otherwise (deadline, transport) does not: start is
// kAborted "not started: stopping <namespec> failed".
RestartResult RestartProcess(supervisor_rpc::SupervisorClient& client, absl::string_view namespec,
                             const RestartOptions& options);

// RestartWorker: one background thread running one job at a time.
class RestartWorker {
 public:
  RestartWorker();
  // Drain()s, then stops the thread.
  ~RestartWorker();
  RestartWorker(const RestartWorker&) = delete;
  RestartWorker& operator=(const RestartWorker&) = delete;

  // TrySubmit() hands `job` to the thread and returns true, or returns false
  // (and drops `job`) while a previous job has not finished. An empty
  // std::function is refused (false).
  bool TrySubmit(std::function<void()> job);

  // busy() is true from a successful TrySubmit() until its job returned.
  bool busy() const;

  // Drain() waits until no job is pending or running.
  void Drain();

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return job_ != nullptr || stopping_;
  }

  mutable absl::Mutex mu_;
  std::function<void()> job_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_RESTARTER_H_
