// File: tests/testing/fake_process_control.h
//
// An in-memory supervisord for tests of code that takes a
// supervisor_rpc::ProcessControl: a process table, the calls made (as
// upstream's tests list them: "getAllProcessInfo()", "getProcessInfo('foo')",
// "stopProcess('foo')", "startProcess('foo')"), and supervisord's answers:
//   - an unknown group or process: Fault BAD_NAME "BAD_NAME: <namespec>";
//   - stopProcess of a process that is not RUNNING, STARTING or BACKOFF:
//     Fault NOT_RUNNING "NOT_RUNNING: <namespec>";
//   - startProcess of one that is: Fault ALREADY_STARTED;
//   - `group:*` (or `group:`) to stopProcess/startProcess: the whole group;
//     to getProcessInfo: BAD_NAME, as supervisord answers.
// A stop or start completes at once, whatever `wait` says: a stop leaves the
// process STOPPED with pid 0 and `stop` = now; a start leaves it RUNNING
// with the next pid (1001, 1002, ...) and `start` = now. The clock is an
// integer the test sets (`now` of every reply). SetFault() makes one call
// on one namespec answer a fault (and change nothing); SetBroken() makes
// every call fail as an unreachable supervisord would (a transport error,
// not a fault). Calls are recorded in every case.
//
// Example:
//
//   FakeProcessControl sv({ProcessEntry("web", "web", ProcessState::kRunning, 11)});
//   ... code under test calls sv ...
//   EXPECT_THAT(sv.calls(), ElementsAre("getAllProcessInfo()", "stopProcess('web')",
//                                       "startProcess('web')"));
//
// Thread-safe (a listener's round thread may make the calls).

#ifndef SVL_TESTS_TESTING_FAKE_PROCESS_CONTROL_H_
#define SVL_TESTS_TESTING_FAKE_PROCESS_CONTROL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/process_control.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace testing {

// The `now` of every reply until the test sets another.
inline constexpr std::int64_t kFakeSupervisordNow = 1795609595;

// ProcessEntry() is a table row: state, state_code and statename agree;
// `now` is filled in by the fake in each reply.
supervisor_rpc::ProcessInfo ProcessEntry(std::string group, std::string name,
                                         supervisor_rpc::ProcessState state,
                                         std::int64_t pid = 0, std::int64_t start = 0);

// superlance/tests/dummy.py's table: foo RUNNING (pid 11), bar FATAL
// (spawnerr "screwed"), baz:baz_01 STOPPED, in that order.
std::vector<supervisor_rpc::ProcessInfo> UpstreamDummyProcesses();
// superlance/tests/test_httpok.py's _FAIL table: foo:FAILED and
// foo:SPAWN_ERROR, both RUNNING.
std::vector<supervisor_rpc::ProcessInfo> UpstreamFailProcesses();

class FakeProcessControl : public supervisor_rpc::ProcessControl {
 public:
  explicit FakeProcessControl(std::vector<supervisor_rpc::ProcessInfo> processes = {});

  absl::StatusOr<std::vector<supervisor_rpc::ProcessInfo>> GetAllProcessInfo() override;
  absl::StatusOr<supervisor_rpc::ProcessInfo> GetProcessInfo(absl::string_view namespec) override;
  absl::Status StartProcess(absl::string_view namespec, bool wait) override;
  absl::Status StopProcess(absl::string_view namespec, bool wait) override;

  // calls() lists every call so far, in order; ClearCalls() forgets them.
  std::vector<std::string> calls() const;
  void ClearCalls();
  // waits() is the `wait` argument of each stop/start call, in order.
  std::vector<bool> waits() const;

  // SetBroken(): every call fails with kInternal "XML-RPC call to
  // http://fake-supervisord: HTTP 500 instead of 200" (no fault), as
  // CurlTransport reports a broken server.
  void SetBroken(bool broken);
  // SetFault(): `call` ("getProcessInfo", "stopProcess", "startProcess")
  // on `namespec` answers `fault` from now on and changes nothing.
  void SetFault(absl::string_view call, absl::string_view namespec, supervisor_rpc::Fault fault);
  void ClearFaults();
  // SetOnCall(): `hook` runs at the start of every call (without the
  // fake's lock held), with the call as calls() records it.
  void SetOnCall(std::function<void(const std::string& call)> hook);

  // The clock: `now` of replies and of the starts/stops made.
  void SetNow(std::int64_t now);
  std::int64_t now() const;

  // Put() adds a process, or replaces the one with its group and name.
  void Put(supervisor_rpc::ProcessInfo process);
  // SetState() changes a process's state (and statename) as someone else
  // would; false when there is no such process.
  bool SetState(absl::string_view namespec, supervisor_rpc::ProcessState state);
  // Process() is the table row of `namespec` (`now` filled in), if any.
  absl::optional<supervisor_rpc::ProcessInfo> Process(absl::string_view namespec) const;

 private:
  // Record() logs the call, runs the hook, and says how the call must end
  // when broken or faulted (nullopt: proceed).
  absl::optional<absl::Status> Record(absl::string_view method, absl::string_view namespec,
                                      bool has_arg);
  // Targets() resolves a namespec as supervisord does: the indexes of its
  // process (or of its group's, for `group:*`), or BAD_NAME.
  absl::StatusOr<std::vector<size_t>> Targets(absl::string_view namespec, bool whole_group_ok)
      const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  supervisor_rpc::ProcessInfo Reply(const supervisor_rpc::ProcessInfo& p) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<supervisor_rpc::ProcessInfo> processes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<bool> waits_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, supervisor_rpc::Fault> faults_
      ABSL_GUARDED_BY(mu_);
  std::function<void(const std::string&)> on_call_ ABSL_GUARDED_BY(mu_);
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  std::int64_t now_ ABSL_GUARDED_BY(mu_) = kFakeSupervisordNow;
  std::int64_t next_pid_ ABSL_GUARDED_BY(mu_) = 1001;
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_FAKE_PROCESS_CONTROL_H_
