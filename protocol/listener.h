// File: protocol/listener.h
//
// The event-listener loop: READY, read one event, hand it to a handler, write
// its RESULT, repeat. The only I/O in the protocol package, over file
// descriptors the caller injects (stdin/stdout in production, pipes in tests).
//
// stdout of a listener belongs to supervisord: this loop writes nothing there
// but `READY\n` and `RESULT <n>\n<result>`, each in one write(2).
//
// Example:
//
//   svl::protocol::Listener listener(STDIN_FILENO, STDOUT_FILENO);
//   absl::Status status = listener.Run([](const svl::protocol::Event& event) {
//     return svl::protocol::kResultOk;
//   });
//   // status.ok(): supervisord closed stdin between events.

#ifndef SVL_PROTOCOL_LISTENER_H_
#define SVL_PROTOCOL_LISTENER_H_

#include <cstddef>
#include <functional>
#include <string>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocol/event.h"
#include "protocol/event_stream.h"

namespace svl {
namespace protocol {

inline constexpr absl::string_view kReadyToken = "READY\n";
// The two results supervisord's default result handler knows. Plain char
// arrays, so a handler lambda can `return kResultOk;` (absl::string_view does
// not convert implicitly to the handler's std::string).
inline constexpr char kResultOk[] = "OK";
inline constexpr char kResultFail[] = "FAIL";

// The payload type URL that marks Run()'s status when out_fd's reader is
// gone (EPIPE).
inline constexpr absl::string_view kClosedOutputPayload = "svl.protocol/closed-output";

// IsClosedOutput() is true for the status Run() returns when the reader of
// out_fd closed it (supervisord went away), and for no other status (other
// errors, EAGAIN included, may share its code).
bool IsClosedOutput(const absl::Status& status);

// FormatResult() gives `RESULT <n>\n<result>`, e.g. "RESULT 2\nOK".
std::string FormatResult(absl::string_view result);

// A handler returns the result to send back: kResultOk, or kResultFail to
// make supervisord re-send the event.
using EventHandler = std::function<std::string(const Event&)>;

// Listener
//
// Reads events from `in_fd` and writes protocol replies to `out_fd`. Loops
// over short reads, short writes and EINTR. Does not own the descriptors.
// A write to a pipe whose reader is gone raises SIGPIPE, which kills the
// process by default: a listener binary ignores SIGPIPE (see
// subprocess/termination.h) and gets the kUnavailable status below instead.
class Listener {
 public:
  Listener(int in_fd, int out_fd);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Run()
  //
  // Writes READY, then for each event calls `handler` and writes its result
  // together with the next READY... until EOF.
  //   - OkStatus: EOF between events (supervisord closed stdin).
  //   - kInvalidArgument / kOutOfRange: a malformed header (nothing is written
  //     to out_fd for that event).
  //   - kDataLoss: EOF in the middle of an event (nothing is written either).
  //   - kUnavailable "write(2) to fd N: Broken pipe": the reader of out_fd
  //     closed it (EPIPE; only when SIGPIPE is ignored or blocked).
  //   - other errno statuses (absl::ErrnoToStatus): read(2) or write(2)
  //     failed.
  // The caller prints the error (one line on stderr) and exits non-zero.
  ABSL_MUST_USE_RESULT absl::Status Run(const EventHandler& handler);

  // The lower-level steps, for listeners that need their own loop.
  ABSL_MUST_USE_RESULT absl::Status WriteReady();
  // Reads the next event, blocking until it is complete. kNotFound means a
  // clean EOF before any header byte; other errors are as for Run().
  absl::StatusOr<Event> ReadEvent();
  // Writes `RESULT n\n<result>` and, when `then_ready`, READY in the same write.
  ABSL_MUST_USE_RESULT absl::Status WriteResult(absl::string_view result,
                                                bool then_ready);

 private:
  int in_fd_;
  int out_fd_;
  EventStreamParser parser_;  // bytes read but not yet returned as events
};

}  // namespace protocol
}  // namespace svl

#endif  // SVL_PROTOCOL_LISTENER_H_
