#include "mailer/sendmail_mailer.h"

#include <string.h>
#include <sys/wait.h>

#include <cstddef>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "subprocess/subprocess.h"

namespace svl {
namespace mailer {
namespace {

// How much of the command's output (stderr and stdout) is kept for the error.
constexpr size_t kMaxOutput = 4096;

}  // namespace

SendmailMailer::SendmailMailer(std::string command, absl::Duration deadline)
    : command_(std::move(command)), deadline_(deadline) {}

absl::Status SendmailMailer::Send(const Message& message) {
  const std::string what = absl::StrCat("sendmail command '", command_, "'");
  if (absl::StripAsciiWhitespace(command_).empty()) {
    return absl::InvalidArgumentError("sendmail command is empty");
  }
  if (absl::StrContains(command_, absl::string_view("\0", 1))) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " contains a NUL byte"));
  }
  subprocess::Command command;
  command.argv = {"sh", "-c", command_};
  command.program = "/bin/sh";
  command.description = what;
  command.stdin_data = FormatMessage(message);
  command.stderr_mode = subprocess::StderrMode::kMergeWithStdout;
  command.max_output = kMaxOutput;
  command.deadline = deadline_;
  absl::StatusOr<subprocess::Result> outcome = subprocess::Run(command);
  if (!outcome.ok()) return outcome.status();

  std::string output(absl::StripAsciiWhitespace(outcome->output));
  if (!output.empty()) {
    output = absl::StrCat(
        ": ", output, outcome->output_truncated ? " [output truncated]" : "");
  }
  if (outcome->timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, " was killed after ",
                     absl::FormatDuration(deadline_), " deadline", output));
  }
  if (WIFSIGNALED(outcome->wait_status)) {
    const int sig = WTERMSIG(outcome->wait_status);
    return absl::InternalError(absl::StrCat(what, " killed by signal ", sig,
                                            " (", strsignal(sig), ")", output));
  }
  const int code =
      WIFEXITED(outcome->wait_status) ? WEXITSTATUS(outcome->wait_status) : -1;
  if (code != 0) {
    return absl::InternalError(
        absl::StrCat(what, " exited with status ", code, output));
  }
  if (outcome->stdin_epipe) {
    return absl::InternalError(absl::StrCat(
        what, " closed its stdin before reading the message (EPIPE)", output));
  }
  return absl::OkStatus();
}

}  // namespace mailer
}  // namespace svl
