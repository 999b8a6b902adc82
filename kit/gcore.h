// File: kit/gcore.h
//
// Taking a core of a process before a listener restarts it (superlance
// httpok's `-g` / `-d`). Upstream ran `<gcore> "<coredir>/<namespec>" <pid>` through /bin/sh, so a
// process named `x$(id)` executed code. Here the `-g` value is split into
// words once at start-up (shell-like quoting, no expansion), and the core
// path and pid are separate argv entries; a gcore that hangs is killed after
// a deadline.
//
// Example:
//
//   absl::StatusOr<std::vector<std::string>> words = SplitShellWords("/usr/bin/gcore -o");
//   absl::StatusOr<std::string> out = RunGcore(*words, "/cores/web", 4242, absl::Seconds(60));

#ifndef SVL_KIT_GCORE_H_
#define SVL_KIT_GCORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

// SplitShellWords() splits like sh without expansion: blanks separate words;
// single quotes keep everything literal; double quotes keep everything but
// `\"`, `\\`, `\$` and `` \` `` literal; an unquoted backslash escapes the next
// character. kInvalidArgument on an unterminated quote or a trailing backslash.
absl::StatusOr<std::vector<std::string>> SplitShellWords(absl::string_view command);

// RunGcore() runs gcore_words + {core_path, pid} directly (no shell), with
// stdin from /dev/null, and returns its stdout (first 64 KiB). Its stderr is
// passed through to the listener's stderr. It runs through subprocess::Run()
// (subprocess/subprocess.h): in its own process group (gcore starts gdb),
// with a parent-death signal, and killed by the termination handler
// (subprocess/termination.h) when the listener is stopped. Errors: the program
// cannot be started (kNotFound / kPermissionDenied, "cannot run gcore command
// <program>: <errno text>"), the deadline passed (kDeadlineExceeded; the
// process group was killed and gcore reaped), or a non-zero exit or a signal
// (kInternal, with the status). An empty `gcore_words` or a deadline <= 0 is
// kInvalidArgument.
absl::StatusOr<std::string> RunGcore(const std::vector<std::string>& gcore_words,
                                     const std::string& core_path, std::int64_t pid,
                                     absl::Duration deadline);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_GCORE_H_
