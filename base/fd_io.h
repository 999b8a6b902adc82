// File: base/fd_io.h
//
// Writing to a file descriptor, written once: whole buffers despite short
// writes and signals.

#ifndef SVL_BASE_FD_IO_H_
#define SVL_BASE_FD_IO_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace base {

// WriteAll() writes every byte of `bytes` to `fd` with write(2), looping over
// short writes and EINTR; empty `bytes` writes nothing. On failure, the
// status absl::ErrnoToStatus() gives write(2)'s errno, with the message
// "write(2) to fd <fd>: <strerror>"; some bytes may have been written. It
// blocks as `fd` does (EAGAIN on a non-blocking fd is an error).
absl::Status WriteAll(int fd, absl::string_view bytes);

// IsBrokenPipe() is true for a WriteAll() error caused by EPIPE: nobody reads
// the other end any more.
bool IsBrokenPipe(const absl::Status& status);

}  // namespace base
}  // namespace svl

#endif  // SVL_BASE_FD_IO_H_
