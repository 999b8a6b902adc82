#include "base/fd_io.h"

#include <errno.h>
#include <unistd.h>

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace base {
namespace {

// The payload that marks an EPIPE failure (absl::ErrnoToStatus keeps no errno).
constexpr absl::string_view kBrokenPipePayload = "svl.base.fd_io.EPIPE";

}  // namespace

absl::Status WriteAll(int fd, absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      absl::Status status = absl::ErrnoToStatus(error, absl::StrCat("write(2) to fd ", fd));
      if (error == EPIPE) status.SetPayload(kBrokenPipePayload, absl::Cord("EPIPE"));
      return status;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return absl::OkStatus();
}

bool IsBrokenPipe(const absl::Status& status) {
  return status.GetPayload(kBrokenPipePayload).has_value();
}

}  // namespace base
}  // namespace svl
