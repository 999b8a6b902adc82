// File: tests/testing/wait_for.h
//
// The one place where tests wait: poll for an effect (a file, a log line, a
// pid change, a process state) until a generous deadline. The deadline only
// fires when something is really wrong; it is never the synchronisation.
//
// Example:
//
//   ASSERT_THAT(WaitFor([&] { return Pid("web") != before; }, kWaitTimeout,
//                       "web restarted (new pid)"),
//               IsOk());
//   absl::StatusOr<std::string> err =
//       WaitForFileContaining(dir + "/httpok.err", "web restarted\n", kWaitTimeout);

#ifndef SVL_TESTS_TESTING_WAIT_FOR_H_
#define SVL_TESTS_TESTING_WAIT_FOR_H_

#include <sys/types.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace testing {

// A deadline generous enough for any effect on a busy 2-core machine running
// tests in parallel (supervisord ticks, process starts and stops).
constexpr absl::Duration kWaitTimeout = absl::Seconds(60);

// WaitFor() calls `done` every 20 ms until it returns true (OkStatus), or
// kDeadlineExceeded "timed out after <timeout> waiting for <what>" once
// `timeout` has passed (`done` is always called at least once, and once more
// at the deadline).
absl::Status WaitFor(const std::function<bool()>& done, absl::Duration timeout,
                     absl::string_view what);

// CountOccurrences() is how many times `needle` occurs in `text`, counted
// without overlap from the left (0 for an empty needle): the count of lines
// or replies a test waits for.
int CountOccurrences(absl::string_view text, absl::string_view needle);

// WaitForFileContaining() waits until the file at `path` contains `needle`
// and returns its contents then; kDeadlineExceeded names the file and shows
// its tail otherwise.
absl::StatusOr<std::string> WaitForFileContaining(const std::string& path,
                                                  absl::string_view needle,
                                                  absl::Duration timeout);

// WaitForFile() waits until `path` exists and returns its contents.
absl::StatusOr<std::string> WaitForFile(const std::string& path, absl::Duration timeout);

// WaitForPidFile() waits until the file at `path` holds a pid (a positive
// integer; white space around it ignored) and returns it, or 0 after
// `timeout`.
pid_t WaitForPidFile(const std::string& path, absl::Duration timeout);

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_WAIT_FOR_H_
