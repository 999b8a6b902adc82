// File: mailer/sendmail_mailer.h
//
// Delivery through an administrator's sendmail command. The command is a
// shell command by contract (superlance runs `-s` through /bin/sh -c, and
// people use `cat - > /dev/null`), so it is run as `/bin/sh -c <command>`,
// but no message data ever goes into the command line: FormatMessage(message)
// goes to the command's stdin only.
//
// The exit status is checked; a command that does not finish within the
// deadline is killed (SIGKILL to its process group); an early close of stdin
// (EPIPE) is an error, not a crash; the command's stderr is captured (first
// 4 KiB) into the error.
//
// Details of the contract:
// - The command runs as `/bin/sh -c <command>` through subprocess::Run()
//   (subprocess/subprocess.h): in its own process group, with an empty
//   signal mask and default signal dispositions (a SIG_IGN the caller set
//   for SIGPIPE is not inherited), and a parent-death signal; a termination
//   handler (subprocess/termination.h) kills it with the listener. Its stdin
//   is a pipe carrying the message; its stdout AND stderr go to one capture
//   pipe (a listener's stdout belongs to supervisord, so the command must
//   never write there; upstream let it). All our descriptors are O_CLOEXEC
//   and all are closed when Send() returns.
// - SIGPIPE: Send() blocks SIGPIPE in the calling thread only while writing,
//   and consumes (sigtimedwait) the SIGPIPE its own EPIPE write raised before
//   restoring the mask. The process-wide disposition is not touched.
// - Deadline: one deadline covers writing, reading the output and waiting
//   for the exit. After it, the whole process group gets SIGKILL and the
//   command is reaped (kDeadlineExceeded). A background grandchild that keeps
//   the output pipe open does not delay a command that has exited.
// - Errors (`X` is the command as given):
//     kInternal          "sendmail command 'X' exited with status N[: out]"
//                        (a command sh cannot find: status 127 and sh's
//                        "not found" message; this wins over EPIPE)
//     kInternal          "sendmail command 'X' killed by signal N (Name)[: out]"
//     kInternal          "sendmail command 'X' closed its stdin before
//                        reading the message (EPIPE)[: out]" for an exit 0
//                        that left part of the message unread
//     kDeadlineExceeded  "sendmail command 'X' was killed after 1s deadline[: out]"
//     kInvalidArgument   empty command or a NUL byte in it
//     other codes        "sendmail command 'X': <step>: <errno text>" when
//                        pipes, fork, poll or waitpid fail, and
//                        "cannot run sendmail command 'X': <errno text>"
//                        when /bin/sh cannot be executed
//   `out` is the captured output, trailing whitespace removed, followed by
//   " [output truncated]" when longer than 4 KiB.
// - An exit 0 without reading a message small enough to fit in the pipe
//   buffer (64 KiB on Linux) cannot be told from a real read and is success.
// - The caller must not set SIGCHLD to SIG_IGN (children would be reaped by
//   the kernel and waitpid() would fail with ECHILD, reported as an error).
// - Send() keeps no state between calls: it is thread-safe.
//
// Example:
//
//   SendmailMailer mailer("/usr/sbin/sendmail -t -i", absl::Seconds(30));
//   absl::Status s = mailer.Send(message);
//   // e.g. kInternal: "sendmail command '/usr/sbin/sendmail -t -i' exited
//   //      with status 1: <its stderr>"

#ifndef SVL_MAILER_SENDMAIL_MAILER_H_
#define SVL_MAILER_SENDMAIL_MAILER_H_

#include <string>

#include "absl/time/time.h"
#include "mailer/mailer.h"

namespace svl {
namespace mailer {

inline constexpr char kDefaultSendmailCommand[] = "/usr/sbin/sendmail -t -i";

// SendmailMailer pipes the mail into a sendmail-style command.
class SendmailMailer : public Mailer {
 public:
  // `command` is a shell command line; `deadline` bounds each Send().
  SendmailMailer(std::string command, absl::Duration deadline);

  // Send() pipes FormatMessage(message) to a fresh run of the command.
  ABSL_MUST_USE_RESULT absl::Status Send(const Message& message) override;

 private:
  std::string command_;
  absl::Duration deadline_;
};

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_SENDMAIL_MAILER_H_
