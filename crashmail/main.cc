// crashmail: a supervisord event listener that mails when a process exits
// unexpectedly. See crashmail.h and options.h. Nothing but the protocol
// (and -h / --version) ever goes to stdout.
//
// Exit: 255 with the usage for a bad command line; 0 with one line when not
// run by supervisord (no SUPERVISOR_SERVER_URL; its value is not used); 0
// at EOF, after the batch is mailed; SIGTERM, SIGINT or SIGHUP mail the
// batch, give the mails and webhook notices kit::kStopGrace, kill the running sendmail
// children and exit 128 + the signal (kit/stop_signals.h), and an event
// read meanwhile is left unacknowledged (supervisord gives it to the next
// crashmail); a closed stdout (supervisord gone) gives one stderr line and
// exit status 1.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "crashmail/crashmail.h"
#include "crashmail/options.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/listener_process.h"
#include "kit/notifier.h"
#include "kit/stop_signals.h"
#include "kit/version.h"
#include "mailer/mailer.h"
#include "subprocess/termination.h"

namespace crashmail = svl::crashmail;
namespace kit = svl::kit;

namespace {
constexpr int kUsageExit = 255;  // upstream's exit code for usage errors
int Fail(absl::string_view message, bool with_usage, int code) {
  kit::FdWriter(STDERR_FILENO)(
      absl::StrCat("crashmail: ", message, "\n", with_usage ? crashmail::CrashmailUsage() : ""));
  return code;
}
}  // namespace

int main(int argc, char* argv[]) {
  if (absl::Status s = kit::StartListenerProcess("crashmail"); !s.ok()) {
    return Fail(s.message(), false, 1);
  }
  absl::StatusOr<crashmail::CrashmailOptions> options =
      crashmail::ParseCrashmailOptions(argc, argv);
  if (!options.ok()) return Fail(options.status().message(), true, kUsageExit);
  if (options->help || options->version) {
    kit::FdWriter(STDOUT_FILENO)(options->help
                                     ? std::string(crashmail::CrashmailUsage())
                                     : absl::StrCat(crashmail::kCrashmailVersion, "\n"));
    return 0;
  }
  // Upstream checks only that it is set (and exits 0): crashmail calls no
  // supervisord method.
  if (std::getenv("SUPERVISOR_SERVER_URL") == nullptr) {
    kit::FdWriter(STDERR_FILENO)("crashmail must be run as a supervisor event listener\n");
    return 0;
  }
  const kit::MailSettings mail = crashmail::MailSettingsFor(*options);
  absl::StatusOr<std::unique_ptr<svl::mailer::Mailer>> mailer = kit::MakeMailer(mail);
  if (!mailer.ok()) return Fail(mailer.status().message(), true, kUsageExit);
  // Before any thread (the mail queue's, the webhooks'): a stop signal
  // mails the batch before the exit. The handler and the fleet are reached
  // under a lock that outlives main(), so a signal never finds them half
  // destroyed.
  static absl::Mutex* const handler_mu = new absl::Mutex;
  static crashmail::Crashmail* live_handler = nullptr;
  static kit::Fleet* live_fleet = nullptr;
  const auto shutdown = [] {
    absl::MutexLock lock(handler_mu);
    if (live_handler != nullptr) {
      // One deadline for the mails and the webhook notices (which are being
      // posted meanwhile on their own thread).
      const absl::Time deadline = absl::Now() + kit::kStopGrace;
      live_handler->Shutdown(kit::kStopGrace, [] { svl::subprocess::KillRunningChildren(); });
      if (live_fleet != nullptr) {
        live_fleet->Shutdown(std::max(absl::ZeroDuration(), deadline - absl::Now()));
      }
    }
  };
  if (absl::Status s = kit::WatchStopSignals("crashmail", shutdown); !s.ok()) {
    return Fail(s.message(), false, 1);
  }
  absl::StatusOr<std::unique_ptr<kit::Fleet>> fleet = kit::Fleet::Create(
      options->fleet,
      {"crashmail", "", kit::kSvlistenVersion, options->log_format, {},
       kit::MailChannelOf(mail)},
      kit::FdWriter(STDERR_FILENO));
  if (!fleet.ok()) return Fail(fleet.status().message(), true, kUsageExit);
  (*fleet)->Publish();

  crashmail::CrashmailDeps deps;
  deps.mailer = mailer->get();
  deps.write_stderr = kit::FdWriter(STDERR_FILENO);
  deps.fleet = fleet->get();
  crashmail::Crashmail handler(*std::move(options), std::move(deps));
  {
    absl::MutexLock lock(handler_mu);
    live_handler = &handler;
    live_fleet = fleet->get();
  }
  const int status = kit::RunEventLoop(
      "crashmail",
      [&handler](const svl::protocol::Event& event) {
        absl::optional<std::string> result = handler.HandleEvent(event);
        // Stopping: the stop-signal thread mails the batch and exits the
        // process; this event must get no answer.
        while (!result.has_value()) pause();
        return *std::move(result);
      },
      shutdown);
  absl::MutexLock lock(handler_mu);
  live_handler = nullptr;
  live_fleet = nullptr;
  // Everything was sent or given up at the end of the stream: a mail whose
  // grace ran out must not hold the exit for the rest of its own deadline.
  kit::ExitListener(status);
}
