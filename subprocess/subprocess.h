// File: subprocess/subprocess.h
//
// Running one command to completion under a deadline: the engine behind the
// sendmail transport and the gcore runner (and any other helper program a
// listener starts).
//
// Contract of Run():
// - No shell: `program` (by default argv[0]) is executed with `argv`. A name
//   without '/' is looked up in $PATH (default "/bin:/usr/bin") like
//   execvp(), except that a file without a #! line is not handed to /bin/sh
//   (ENOEXEC). A caller that wants a shell passes {"/bin/sh", "-c", command}.
// - The child is started with fork() and execve() and, before the exec, only
//   async-signal-safe calls: it becomes the leader of a new process group
//   (so the deadline and a termination signal kill everything it started),
//   asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG; it exits at once
//   if its parent already died), resets every signal disposition to the
//   default (a SIG_IGN of the caller, e.g. for SIGPIPE, is not inherited) and
//   unblocks every signal.
// - PR_SET_PDEATHSIG fires when the THREAD that called Run() exits (not only
//   the whole process), and the kernel clears it when the child execs a
//   set-user-ID or set-group-ID program. It is a safety net for a listener
//   killed with SIGKILL; the orderly path is the termination handler
//   (termination.h), which kills every running child's process group.
// - stdin: `stdin_data` written through a pipe which is then closed, or
//   /dev/null when it is absent. A child that exits or closes its stdin
//   before reading all of it gives `stdin_epipe` (not a crash): SIGPIPE is
//   blocked in the calling thread during the writes and the SIGPIPE raised by
//   our own EPIPE write is consumed; the process-wide disposition is never
//   touched.
// - stdout is captured (the first `max_output` bytes; the rest is read and
//   dropped so the child never blocks on a full pipe). stderr goes to the
//   caller's stderr (kInherit) or into the same capture (kMergeWithStdout).
// - One deadline covers starting, writing stdin, reading the output and
//   waiting for the exit. At the deadline the whole process group gets
//   SIGKILL and the child is reaped (`timed_out`). The exit of the child ends
//   the run even when a background grandchild keeps the output pipe open;
//   what is in the pipe then is still read.
// - While it runs, the child is in the process-wide registry
//   (child_registry.h) that the termination handler kills; when the registry
//   is full (64 children at once) it runs unregistered.
// - Every descriptor Run() opens is O_CLOEXEC and closed before it returns.
// - Errors (`D` is `description`, or the program when it is empty):
//     kInvalidArgument  "empty command" / "D: an argument contains a NUL byte"
//     the exec errno    "cannot run D: <errno text>" (ENOENT -> kNotFound,
//                       EACCES -> kPermissionDenied, ...) when the program
//                       cannot be executed
//     the errno         "D: <step>: <errno text>" when pipe2, open, fork,
//                       write, poll or waitpid fail (the child, if any, is
//                       killed and reaped)
//   A command that ran is never an error: its exit status, a deadline or an
//   EPIPE are in the Result for the caller to judge.
// - The caller must not set SIGCHLD to SIG_IGN (the kernel would reap the
//   child and waitpid() would fail with ECHILD). Run() keeps no state
//   between calls and is thread-safe.
//
// Example:
//
//   svl::subprocess::Command command;
//   command.argv = {"sh", "-c", "/usr/sbin/sendmail -t -i"};
//   command.program = "/bin/sh";
//   command.stdin_data = "To: ops@example.com\n\nbody";
//   command.stderr_mode = svl::subprocess::StderrMode::kMergeWithStdout;
//   command.deadline = absl::Seconds(30);
//   absl::StatusOr<svl::subprocess::Result> result = svl::subprocess::Run(command);
//   // result->wait_status: as from waitpid(); result->output: what it printed

#ifndef SVL_SUBPROCESS_SUBPROCESS_H_
#define SVL_SUBPROCESS_SUBPROCESS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace svl {
namespace subprocess {

// Where the child's stderr goes.
enum class StderrMode {
  kInherit,          // the caller's stderr (fd 2)
  kMergeWithStdout,  // the output capture, interleaved with stdout
};

// What to run and how.
struct Command {
  // The program and its arguments; argv[0] must not be empty.
  std::vector<std::string> argv;
  // The file to execute when it differs from argv[0], e.g. "/bin/sh" for
  // argv {"sh", "-c", ...} (sh names itself after argv[0] in its messages).
  std::string program;
  // Names the command in error messages, e.g. "gcore command /usr/bin/gcore".
  std::string description;
  // Written to the child's stdin; absent: stdin is /dev/null.
  absl::optional<std::string> stdin_data;
  StderrMode stderr_mode = StderrMode::kInherit;
  // How much output is kept.
  std::size_t max_output = 64 * 1024;
  // The total time allowed; <= 0 kills the child as soon as it is started.
  absl::Duration deadline = absl::Seconds(60);
};

// How one run ended.
struct Result {
  // As from waitpid(): WIFEXITED / WEXITSTATUS / WIFSIGNALED / WTERMSIG.
  int wait_status = 0;
  // The deadline passed: the process group was killed (wait_status then says
  // SIGKILL).
  bool timed_out = false;
  // The child closed its stdin before reading all of `stdin_data`.
  bool stdin_epipe = false;
  // The first `max_output` bytes of stdout (and stderr when merged).
  std::string output;
  // More than `max_output` bytes were written.
  bool output_truncated = false;
};

// Run() starts `command`, feeds its stdin, collects its output and waits for
// its exit or the deadline. See the contract above.
absl::StatusOr<Result> Run(const Command& command);

}  // namespace subprocess
}  // namespace svl

#endif  // SVL_SUBPROCESS_SUBPROCESS_H_
