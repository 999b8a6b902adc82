// File: kit/stop_signals.h
//
// A listener that has work to finish before it stops (a batch of notices
// not yet sent) cannot do it in a signal handler. WatchStopSignals() turns
// SIGTERM, SIGINT and SIGHUP into a call on an ordinary thread instead, then
// ends the listener as the kit's termination handler does
// (subprocess/termination.h): kill the children's process groups, one
// stderr line, exit status 128 + the signal.
//
// Example (in main(), after StartListenerProcess(), before any thread):
//
//   if (absl::Status s = kit::WatchStopSignals("crashmail", [&] { handler.Shutdown(...); });
//       !s.ok()) ... exit 1 ...

#ifndef SVL_KIT_STOP_SIGNALS_H_
#define SVL_KIT_STOP_SIGNALS_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

// kStopGrace is how long a listener that stops on a signal may take to send
// what it still holds (mails and webhook notices together): below
// supervisord's default stopwaitsecs (10 s), after which it would be killed
// mid-way.
inline constexpr absl::Duration kStopGrace = absl::Seconds(8);

// WatchStopSignals() blocks SIGTERM, SIGINT and SIGHUP in the calling thread
// (and so in every thread it starts afterwards: call it before any) and
// starts a thread that waits for them. The first that arrives makes that
// thread call `before_exit` (which must bound its own time), kill the
// process group of every running child, write `<listener>: stopping on
// SIGTERM (killed N child process groups)` to stderr and exit with 128 + the
// signal. Children started by subprocess::Run() get an empty signal mask.
// An errno status when the signals cannot be blocked.
absl::Status WatchStopSignals(absl::string_view listener, std::function<void()> before_exit);

// ExitListener() ends the process with `status` at once (_exit: nothing
// waits for a delivery whose grace ran out), unless a stop signal arrived:
// then the watching thread ends it, with 128 + the signal, and the caller
// waits for that.
[[noreturn]] void ExitListener(int status);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_STOP_SIGNALS_H_
