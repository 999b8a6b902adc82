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
// Example:
//
//   HttpOk httpok(options, {&client, probe.get(), &mailer, FdWriter(STDERR_FILENO)});
//   listener.Run([&](const protocol::Event& e) { return httpok.HandleEvent(e); });

#ifndef SVL_HTTPOK_HTTPOK_H_
#define SVL_HTTPOK_HTTPOK_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "httpok/http_probe.h"
#include "httpok/options.h"
#include "mailer/mailer.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/supervisor_client.h"

namespace svl {
namespace httpok {

// How long a gcore run may take before it is killed.
inline constexpr absl::Duration kGcoreDeadline = absl::Seconds(120);

using StderrWriter = std::function<void(absl::string_view)>;

// FdWriter() writes everything to `fd` (looping over short writes and EINTR,
// ignoring errors: a lost stderr line must not end the listener).
StderrWriter FdWriter(int fd);

struct HttpOkDeps {
  supervisor_rpc::SupervisorClient* client = nullptr;  // required
  HttpProbe* probe = nullptr;                          // required
  mailer::Mailer* mailer = nullptr;  // required when options.email is set
  StderrWriter write_stderr;         // required
};

class HttpOk {
 public:
  // The pointers in `deps` must outlive the handler.
  HttpOk(HttpOkOptions options, HttpOkDeps deps);

  // HandleEvent() handles one event and returns the result to send:
  // always protocol::kResultOk.
  std::string HandleEvent(const protocol::Event& event);

 private:
  // ShouldCheck() is the eager / not-eager gate.
  bool ShouldCheck();
  // Act() restarts the selected processes, reports and mails.
  void Act(const std::string& subject, const std::string& msg);
  void Restart(const supervisor_rpc::ProcessInfo& process, std::vector<std::string>* messages);
  bool Selected(const supervisor_rpc::ProcessInfo& process) const;
  bool IsSelf(const supervisor_rpc::ProcessInfo& process) const;
  void WriteLine(const std::string& line, std::vector<std::string>* messages);
  void WriteReason(const std::string& subject, const std::string& msg);

  HttpOkOptions options_;
  HttpOkDeps deps_;
};

// ProbeOptionsFor() gives the probe settings the options ask for.
ProbeOptions ProbeOptionsFor(const HttpOkOptions& options);

// Exposed for tests: the one-line form of a message, as in the Reason line
// ("error contacting URL:\n\n text" -> "error contacting URL: text").
std::string FoldToOneLine(absl::string_view text);

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_HTTPOK_H_
