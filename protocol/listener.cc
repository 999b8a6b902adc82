#include "protocol/listener.h"

#include <errno.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "base/fd_io.h"
#include "protocol/event.h"
#include "protocol/event_stream.h"

namespace svl {
namespace protocol {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

// WriteAllOrClosed() is base::WriteAll(), except that a reader that is gone
// (supervisord closed our stdout) gets its own code, which a listener
// reports differently from a failing descriptor.
absl::Status WriteAllOrClosed(int fd, absl::string_view bytes) {
  absl::Status status = base::WriteAll(fd, bytes);
  if (!base::IsBrokenPipe(status)) return status;
  absl::Status closed =
      absl::UnavailableError(absl::StrCat("write(2) to fd ", fd, ": Broken pipe"));
  closed.SetPayload(kClosedOutputPayload, absl::Cord("EPIPE"));
  return closed;
}

}  // namespace

bool IsClosedOutput(const absl::Status& status) {
  return status.GetPayload(kClosedOutputPayload).has_value();
}

std::string FormatResult(absl::string_view result) {
  return absl::StrCat("RESULT ", result.size(), "\n", result);
}

Listener::Listener(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}

absl::Status Listener::WriteReady() { return WriteAllOrClosed(out_fd_, kReadyToken); }

absl::Status Listener::WriteResult(absl::string_view result, bool then_ready) {
  std::string reply = FormatResult(result);
  if (then_ready) reply.append(kReadyToken.data(), kReadyToken.size());
  return WriteAllOrClosed(out_fd_, reply);
}

absl::StatusOr<Event> Listener::ReadEvent() {
  char chunk[kReadChunk];
  while (true) {
    absl::StatusOr<absl::optional<Event>> event = parser_.Next();
    if (!event.ok()) return event.status();
    if (event->has_value()) return **std::move(event);
    if (parser_.AtCleanEnd()) {
      return absl::NotFoundError(absl::StrCat("end of events: fd ", in_fd_, " closed"));
    }
    const ssize_t n = read(in_fd_, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("read(2) from fd ", in_fd_));
    }
    if (n == 0) {
      parser_.FeedEof();
    } else {
      parser_.Feed(absl::string_view(chunk, static_cast<std::size_t>(n)));
    }
  }
}

absl::Status Listener::Run(const EventHandler& handler) {
  if (absl::Status status = WriteReady(); !status.ok()) return status;
  while (true) {
    absl::StatusOr<Event> event = ReadEvent();
    if (absl::IsNotFound(event.status())) return absl::OkStatus();
    if (!event.ok()) return event.status();
    const std::string result = handler(*event);
    if (absl::Status status = WriteResult(result, /*then_ready=*/true); !status.ok()) {
      return status;
    }
  }
}

}  // namespace protocol
}  // namespace svl
