// File: subprocess/termination.h
//
// Children die with their listener. supervisord stops a listener with
// SIGTERM (SIGINT and SIGHUP come from a terminal or an operator); without a
// handler the listener would die at once and leave the process groups of
// its running children (a sendmail, a gcore) running under PID 1.
//
// InstallTerminationHandler() makes SIGTERM, SIGINT and SIGHUP, in order:
//   1. send SIGKILL to the process group of every child Run() (subprocess.h)
//      has started and not yet reaped (child_registry.h);
//   2. reap those children;
//   3. write one line to stderr, e.g.
//        httpok: stopping on SIGTERM (killed 1 child process group)
//   4. exit with status 128 + the signal number (143 for SIGTERM).
// The handler makes only async-signal-safe calls. It never returns: a second
// termination signal arriving meanwhile (in any thread) waits for the first
// to finish the exit.
//
// It also sets SIGPIPE to SIG_IGN process-wide, so that a write to a closed
// pipe (supervisord gone from the listener's stdout) fails with EPIPE, which
// the listener reports, instead of killing the process silently. Children
// started by Run() get the default SIGPIPE back.
//
// Call it once, early in main(), before any thread starts.
//
// Example:
//
//   int main(int argc, char* argv[]) {
//     absl::Status installed = svl::subprocess::InstallTerminationHandler("httpok");

#ifndef SVL_SUBPROCESS_TERMINATION_H_
#define SVL_SUBPROCESS_TERMINATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace subprocess {

// InstallTerminationHandler() installs the handlers described above;
// `program_name` starts the stderr line (at most 64 bytes are used). An
// errno status when sigaction() fails.
absl::Status InstallTerminationHandler(absl::string_view program_name);

// KillRunningChildren() sends SIGKILL to the process group of every child
// Run() has started and not yet reaped (as the handler does, without
// exiting): their Run() calls then return. Returns how many were killed.
// For a listener's bounded shutdown.
int KillRunningChildren();

// FormatStopLine() writes the handler's line, e.g.
// "httpok: stopping on SIGTERM (killed 2 child process groups)\n", into
// `buffer` (NUL-terminated, cut to `size`) and returns its length. `prefix`
// is "<program_name>: ". Async-signal-safe; public for tests.
int FormatStopLine(const char* prefix, int signo, int killed, char* buffer, int size);

}  // namespace subprocess
}  // namespace svl

#endif  // SVL_SUBPROCESS_TERMINATION_H_
