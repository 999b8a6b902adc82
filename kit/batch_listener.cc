#include "kit/batch_listener.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "kit/command_line.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/listener_options.h"
#include "kit/listener_process.h"
#include "kit/stop_signals.h"
#include "kit/version.h"
#include "mailer/mailer.h"
#include "mailer/sendmail_mailer.h"
#include "subprocess/termination.h"

namespace svl {
namespace kit {
namespace {

constexpr int kOptparseErrorExit = 2;  // optparse's exit status
// As the SMTP transport's deadline.
constexpr absl::Duration kSendmailDeadline = absl::Seconds(30);

int Fail(const BatchKind& kind, absl::string_view message) {
  FdWriter(STDERR_FILENO)(absl::StrCat(kind.listener, ": ", message, "\n"));
  return 1;
}

}  // namespace

mailer::SmtpConfig SmtpConfigFor(const BatchMailOptions& options, const std::string& password) {
  mailer::SmtpConfig config;
  config.url = options.smtp_url;
  config.from = options.from;
  config.username = options.user;
  config.password = password;
  // Upstream did STARTTLS only with a login, and logged in in clear.
  config.require_starttls =
      options.tls || (!options.user.empty() && !options.allow_plaintext_auth);
  config.verify_peer = !options.tls_no_verify;
  config.ca_file = options.tls_ca_file;
  return config;
}

int RunBatchListener(int argc, char* argv[], const BatchKind& kind) {
  if (absl::Status s = StartListenerProcess(kind.listener); !s.ok()) return Fail(kind, s.message());
  const char* const argv0 = argc > 0 ? argv[0] : kind.listener.c_str();
  absl::StatusOr<BatchMailOptions> options = ParseBatchMailOptions(argc, argv);
  if (!options.ok()) {
    FdWriter(STDERR_FILENO)(OptparseErrorReport(argv0, options.status().message()));
    return kOptparseErrorExit;
  }
  if (options->help) {
    FdWriter(STDOUT_FILENO)(BatchMailHelp(argv0));
    return 0;
  }
  if (options->version) {
    FdWriter(STDOUT_FILENO)(absl::StrCat(kind.listener, " (svlisten) ", kSvlistenVersion, "\n"));
    return 0;
  }
  if (options->to.empty() || options->from.empty()) {
    // Upstream prints its help (to stdout, as here: supervisord has not
    // been spoken to yet) and exits 1.
    FdWriter(STDOUT_FILENO)(BatchMailHelp(argv0));
    return 1;
  }
  if (std::getenv("SUPERVISOR_SERVER_URL") == nullptr) {
    FdWriter(STDERR_FILENO)("Must run as a supervisor event listener\n");
    return 1;
  }
  absl::StatusOr<std::int64_t> tick_seconds = TickEventSeconds(options->tick_event);
  if (!tick_seconds.ok()) return Fail(kind, absl::StrCat("option -e: ", tick_seconds.status().message()));

  std::string password = options->password;
  if (password.empty()) {
    const char* from_environment = std::getenv("SMTP_PASSWORD");
    if (from_environment != nullptr) password = from_environment;
  }
  std::unique_ptr<mailer::Mailer> mailer;
  if (!options->sendmail.empty()) {
    mailer = std::make_unique<mailer::SendmailMailer>(options->sendmail, kSendmailDeadline);
  } else {
    absl::StatusOr<std::unique_ptr<mailer::SmtpMailer>> smtp =
        mailer::SmtpMailer::Create(SmtpConfigFor(*options, password));
    if (!smtp.ok()) return Fail(kind, smtp.status().message());
    mailer = *std::move(smtp);
  }

  // Before any thread (the mail queue's, the webhooks'): a stop signal
  // mails the batch before the exit. The notifier and the fleet are reached
  // under a lock that outlives this function, so a signal never finds them
  // half destroyed.
  static absl::Mutex* const notifier_mu = new absl::Mutex;
  static BatchNotifier* live_notifier = nullptr;
  static Fleet* live_fleet = nullptr;
  const auto shutdown = [] {
    absl::MutexLock lock(notifier_mu);
    if (live_notifier != nullptr) {
      // One deadline for the mail and the webhook notices (which are being
      // posted meanwhile on their own thread).
      const absl::Time deadline = absl::Now() + kStopGrace;
      live_notifier->Shutdown(kStopGrace, [] { subprocess::KillRunningChildren(); });
      if (live_fleet != nullptr) {
        live_fleet->Shutdown(std::max(absl::ZeroDuration(), deadline - absl::Now()));
      }
    }
  };
  if (absl::Status s = WatchStopSignals(kind.listener, shutdown); !s.ok()) {
    return Fail(kind, s.message());
  }
  absl::StatusOr<std::unique_ptr<Fleet>> fleet = Fleet::Create(
      options->fleet,
      {kind.listener, "", kSvlistenVersion, options->log_format, {},
       options->sendmail.empty() ? "smtp" : "sendmail"},
      FdWriter(STDERR_FILENO));
  if (!fleet.ok()) {
    FdWriter(STDERR_FILENO)(OptparseErrorReport(argv0, fleet.status().message()));
    return kOptparseErrorExit;
  }
  (*fleet)->Publish();


  BatchSettings settings;
  settings.to = options->to;
  settings.from = options->from;
  settings.subject = options->subject;
  settings.tick_event = options->tick_event;
  settings.tick_seconds = *tick_seconds;
  settings.interval_seconds = options->interval_seconds;
  settings.log_format = options->log_format;
  settings.secrets = SmtpSecretForms(options->user, password);
  BatchDeps deps;
  deps.mailer = mailer.get();
  deps.write_stderr = FdWriter(STDERR_FILENO);
  deps.fleet = fleet->get();
  BatchNotifier notifier(kind, std::move(settings), std::move(deps));
  {
    absl::MutexLock lock(notifier_mu);
    live_notifier = &notifier;
    live_fleet = fleet->get();
  }
  const int status = RunEventLoop(
      kind.listener,
      [&notifier](const protocol::Event& event) {
        absl::optional<std::string> result = notifier.HandleEvent(event);
        // Stopping: the stop-signal thread mails the batch and exits the
        // process; this event must get no answer.
        while (!result.has_value()) pause();
        return *std::move(result);
      },
      shutdown);
  absl::MutexLock lock(notifier_mu);
  live_notifier = nullptr;
  live_fleet = nullptr;
  // Everything was sent or given up at the end of the stream: a mail whose
  // grace ran out must not hold the exit for the rest of its own deadline
  // (the destructors would wait for it).
  ExitListener(status);
}

}  // namespace kit
}  // namespace svl
