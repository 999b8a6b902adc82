// File: kit/process_table.h
//
// supervisord's process list, kept from events instead of asked for on
// every TICK. supervisord is one thread: while it builds a getAllProcessInfo
// answer (seconds at 1000 programs) it serves nothing else. A listener whose
// `[eventlistener]` section subscribes to PROCESS_STATE as well as its TICKs
//
//   events=TICK_60,PROCESS_STATE
//
// learns every change of state and pid from the PROCESS_STATE_* events, so
// the table fetches the whole list once and again only when it may have
// missed something:
//   - at first use, and after a listener restart (a new table);
//   - when the header's `poolserial` skips a number: supervisord drops the
//     oldest buffered event when a listener's buffer overflows (with
//     numprocs > 1 the pool's events are shared, so this refetches often);
//   - on PROCESS_GROUP_ADDED / PROCESS_GROUP_REMOVED (`supervisorctl
//     update`), and on an event about a process the table does not know;
//   - when the caller found it wrong (MarkStale());
//   - every kMaxTableAge, so that a subscription to only some
//     PROCESS_STATE_* events (which keeps some changes from the table)
//     costs at most that long a wrong picture.
// A listener acts on what supervisord says, not on the table: it asks
// again (getProcessInfo, or the whole list) before it restarts anything.
// Until the first PROCESS_STATE event arrives, Processes() is one
// getAllProcessInfo, as without the subscription.
//
// From the events: `state` and `statename`; `pid` (0 once the process is
// not running, as supervisord reports it); `start`, the arrival of the
// STARTING event. Times are the listener's clock (`now` is when
// Processes() answers; a fetched `start` is moved onto that clock), so
// `now - start` is the uptime as supervisord would tell it, give or take
// the event's delivery. Other fields keep what the last fetch said.
//
// Example:
//
//   ProcessTable table;
//   handler: table.OnEvent(event); ...                       // event-loop thread
//   round:   absl::StatusOr<std::vector<ProcessInfo>> all = table.Processes(client);
//
// Thread-safe: OnEvent() and Processes() may be called from different threads.

#ifndef SVL_KIT_PROCESS_TABLE_H_
#define SVL_KIT_PROCESS_TABLE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_control.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace kit {

// How old the table may grow before it is fetched again anyway.
inline constexpr absl::Duration kMaxTableAge = absl::Minutes(10);

// ProcessTable is the process list kept from events (see the top).
class ProcessTable {
 public:
  // `clock` is the listener's wall clock (absl::Now when unset).
  explicit ProcessTable(std::function<absl::Time()> clock = nullptr);

  // OnEvent() takes one event as it arrives, in order; every event counts
  // for the `poolserial` gap check.
  void OnEvent(const protocol::Event& event) ABSL_LOCKS_EXCLUDED(mu_);

  // live() is true once a PROCESS_STATE event has arrived: the table is
  // kept from events.
  bool live() const ABSL_LOCKS_EXCLUDED(mu_);

  // Processes() is every process, in supervisord's order, as
  // getAllProcessInfo answers: from the table when live() and nothing may
  // have been missed, else from one getAllProcessInfo (whose error is
  // returned as it is).
  absl::StatusOr<std::vector<supervisor_rpc::ProcessInfo>> Processes(
      supervisor_rpc::ProcessControl& client) ABSL_LOCKS_EXCLUDED(mu_);

  // MarkStale() makes the next Processes() fetch the list again (the caller
  // found an entry that supervisord contradicts).
  void MarkStale() ABSL_LOCKS_EXCLUDED(mu_);

  // fetches() counts the getAllProcessInfo calls made so far.
  int fetches() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Applies one PROCESS_STATE event; false when the process is unknown.
  bool Apply(const protocol::Event& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::function<absl::Time()> clock_;
  mutable absl::Mutex mu_;
  bool live_ ABSL_GUARDED_BY(mu_) = false;
  bool stale_ ABSL_GUARDED_BY(mu_) = true;  // must be fetched before use
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  // Events that arrived while a fetch was under way: applied to its answer.
  std::vector<protocol::Event> during_fetch_ ABSL_GUARDED_BY(mu_);
  absl::optional<std::uint64_t> last_poolserial_ ABSL_GUARDED_BY(mu_);
  std::vector<supervisor_rpc::ProcessInfo> processes_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, size_t> index_ ABSL_GUARDED_BY(mu_);  // "group:name"
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time fetched_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_PROCESS_TABLE_H_
