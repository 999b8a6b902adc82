// File: memmon/memmon.h
//
// memmon's policy: on each TICK, measure the memory of the processes its
// rules cover and restart, through supervisord, each one over its limit.
// Its command line and texts are superlance's memmon's (options.h); what
// every listener shares (TICK scheduling, restarting, notices, stderr)
// comes from kit/.
//
// Per TICK (other events are acknowledged untouched), in a round that runs
// off the event loop (kit/tick_scheduler.h):
//   - restarts left unfinished (kit/process_restarter.h) are finished first;
//   - the status block, one write: `Checking programs a=1024, b=2048`,
//     `Checking groups g=4096`, `Checking any=8192` (each when configured;
//     a lone newline without rules);
//   - the process list: one getAllProcessInfo, or none when memmon is also
//     subscribed to PROCESS_STATE (kit/process_table.h:
//     `events=TICK_60,PROCESS_STATE`; before a restart, getProcessInfo then
//     confirms the pid it measured). For each process with a pid, except memmon's
//     own pool and --exclude: its limit is the first of -p group:name, -p
//     name, -g group, -a that names it (none: not measured); its memory
//     (--memory, with -c summed over the process and its descendants) is
//     read from /proc; a process that is gone by then is skipped quietly.
//     `RSS of <group:name> is <bytes>`; over the limit (strictly) on
//     --failures consecutive TICKs, it is restarted, at most once a TICK:
//     `Restarting <group:name>`, stopProcess, startProcess (the restart
//     policy's --grace and --max-restarts apply; --dry-run restarts nothing).
//   - mail (-m): after a restart of a process that had been up for at most
//     -u seconds, `memmon: process G:X restarted`; when a stop or start
//     fails, `memmon: failed to stop process G:X, exiting` (or `start`)
//     with upstream's line as the body. memmon does not exit: no RPC, /proc
//     or mail error ends it.
//
// Example:
//
//   Memmon memmon(options, {&client, &proc, mailer.get(), kit::FdWriter(STDERR_FILENO), &journal});
//   kit::RunEventLoop("memmon", [&](const protocol::Event& e) { return memmon.HandleEvent(e); }, ...);
//   memmon.Shutdown(absl::Seconds(10), [] { subprocess::KillRunningChildren(); });

#ifndef SVL_MEMMON_MEMMON_H_
#define SVL_MEMMON_MEMMON_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/notifier.h"
#include "kit/process_restarter.h"
#include "kit/process_selection.h"
#include "kit/process_table.h"
#include "kit/restart_journal.h"
#include "kit/tick_scheduler.h"
#include "mailer/mailer.h"
#include "memmon/options.h"
#include "procfs/process_memory.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_control.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace memmon {

// What memmon works with.
struct MemmonDeps {
  // Required; used only from the round's thread (one call at a time).
  supervisor_rpc::ProcessControl* client = nullptr;
  const procfs::ProcReader* proc = nullptr;  // required
  mailer::Mailer* mailer = nullptr;          // required when options.email is set
  kit::StderrWriter write_stderr;            // required; gets whole lines
  // Restarts left unfinished (optional; an in-memory journal when null).
  kit::RestartJournal* journal = nullptr;
  // Metrics and webhooks (optional; none when null).
  kit::Fleet* fleet = nullptr;
  // The wall clock of the restart mail's date (absl::Now when unset) and its
  // zone (the local zone when unset).
  std::function<absl::Time()> now;
  absl::optional<absl::TimeZone> zone;
};

// Memmon is memmon's policy (see the top).
class Memmon {
 public:
  // The pointers in `deps` must outlive the handler.
  Memmon(MemmonOptions options, MemmonDeps deps);
  // Drain()s.
  ~Memmon();

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
  // Round() is one TICK's work, counted as a check in the metrics; true
  // when it stopped or started a process. CheckAll() is that work.
  bool Round();
  bool CheckAll();
  std::string StatusBlock() const;
  // LimitOf() is the limit of the first rule that covers the process.
  absl::optional<std::int64_t> LimitOf(const supervisor_rpc::ProcessInfo& process) const;
  // Measure() is the process's memory (with -c, of its tree), or nullopt
  // when it cannot be measured (said once per process while it lasts).
  absl::optional<std::int64_t> Measure(const supervisor_rpc::ProcessInfo& process,
                                       const std::string& namespec);
  void Check(const supervisor_rpc::ProcessInfo& process, std::int64_t limit);
  void Restart(const supervisor_rpc::ProcessInfo& process, const std::string& namespec,
               std::int64_t memory);
  // Mail() sends a notice (mail, webhooks) about `namespec`; `event` says
  // what happened (restart, give-up, stop-failed, start-failed).
  void Mail(const std::string& subject, const std::string& body, const std::string& event,
            const std::string& namespec);
  // metrics() is the fleet's metrics, or null.
  kit::ListenerMetrics* metrics() const {
    return deps_.fleet != nullptr ? deps_.fleet->metrics() : nullptr;
  }

  const MemmonOptions options_;
  const MemmonDeps deps_;
  const std::string measure_;  // "RSS", "PSS" or "USS"
  kit::ListenerOutput out_;
  kit::ProcessSelection excluded_;  // --exclude, and memmon's own pool
  kit::ProcessTable table_;
  kit::RestartJournal own_journal_ = kit::RestartJournal::InMemory();
  // Round thread only.
  kit::ProcessRestarter restarter_;
  absl::optional<procfs::ProcessTree> tree_;  // -c: this round's snapshot
  bool tree_scanned_ = false;
  bool round_failed_ = false;  // this round could not list the processes
  absl::flat_hash_map<std::string, int> over_limit_;     // consecutive TICKs, per namespec
  absl::flat_hash_set<std::string> unmeasurable_;        // said once
  absl::flat_hash_set<std::string> mailed_;              // --notify-once
  kit::Notifier notifier_;
  kit::TickScheduler ticks_;  // last: destroyed (drained) first
};

// MailSettingsFor() gives the mail settings the options ask for.
kit::MailSettings MailSettingsFor(const MemmonOptions& options);

}  // namespace memmon
}  // namespace svl

#endif  // SVL_MEMMON_MEMMON_H_
