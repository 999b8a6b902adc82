// httpok: a supervisord event listener that restarts processes when a URL
// stops answering as expected. See httpok.h and options.h. Nothing but the
// protocol (and -h / --version) ever goes to stdout.
//
// Exit: 255 with the usage for a bad command line; SIGTERM, SIGINT or SIGHUP
// kill the running sendmail and gcore children and exit 128 + the signal
// (kit/listener_process.h); a closed stdout (supervisord gone) gives one
// stderr line and exit status 1.
#include <unistd.h>

#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "httpok/http_probe.h"
#include "httpok/httpok.h"
#include "httpok/options.h"
#include "kit/fleet.h"
#include "kit/version.h"
#include "kit/listener_output.h"
#include "kit/listener_process.h"
#include "kit/notifier.h"
#include "kit/process_selection.h"
#include "kit/restart_journal.h"
#include "subprocess/termination.h"

namespace httpok = svl::httpok;
namespace kit = svl::kit;

namespace {
constexpr int kUsageExit = 255;  // upstream's exit code for usage errors
int Fail(absl::string_view message, bool with_usage, int code) {
  kit::FdWriter(STDERR_FILENO)(
      absl::StrCat("httpok: ", message, "\n", with_usage ? httpok::HttpOkUsage() : ""));
  return code;
}
}  // namespace

int main(int argc, char* argv[]) {
  if (absl::Status s = kit::StartListenerProcess("httpok"); !s.ok()) {
    return Fail(s.message(), false, 1);
  }
  absl::StatusOr<httpok::HttpOkOptions> options = httpok::ParseHttpOkOptions(argc, argv);
  if (!options.ok()) return Fail(options.status().message(), true, kUsageExit);
  if (options->help || options->version) {
    kit::FdWriter(STDOUT_FILENO)(options->help ? std::string(httpok::HttpOkUsage())
                                               : absl::StrCat(httpok::kHttpOkVersion, "\n"));
    return 0;
  }
  absl::StatusOr<kit::SupervisorConnection> supervisor = kit::ConnectToSupervisor();
  if (absl::IsNotFound(supervisor.status())) {
    kit::FdWriter(STDERR_FILENO)("httpok must be run as a supervisor event listener\n");
    return 0;
  }
  if (!supervisor.ok()) return Fail(supervisor.status().message(), false, 1);
  absl::StatusOr<std::unique_ptr<httpok::CurlProbe>> probe =
      httpok::CurlProbe::Create(httpok::ProbeOptionsFor(*options));
  if (!probe.ok()) return Fail(probe.status().message(), true, kUsageExit);
  const kit::SelfProcess self = kit::SelfFromEnvironment();
  options->self_group = self.group;
  options->self_name = self.name;
  const kit::MailSettings mail = httpok::MailSettingsFor(*options);
  absl::StatusOr<std::unique_ptr<svl::mailer::Mailer>> mailer =
      kit::MakeMailer(mail);
  if (!mailer.ok()) return Fail(mailer.status().message(), true, kUsageExit);

  absl::StatusOr<std::unique_ptr<kit::Fleet>> fleet = kit::Fleet::Create(
      options->fleet,
      {"httpok", options->name, kit::kSvlistenVersion, options->log_format,
       {std::begin(kit::kCheckResults), std::end(kit::kCheckResults)},
       kit::MailChannelOf(mail)},
      kit::FdWriter(STDERR_FILENO));
  if (!fleet.ok()) return Fail(fleet.status().message(), true, kUsageExit);
  (*fleet)->Publish();

  std::string journal_problem;
  kit::RestartJournal journal =
      kit::OpenListenerJournal("httpok", options->state_dir, supervisor->server.url, self.group,
                               self.name, &journal_problem);
  if (!journal_problem.empty()) {
    kit::FdWriter(STDERR_FILENO)(absl::StrCat("httpok: ", journal_problem, "\n"));
  }

  httpok::HttpOk handler(*std::move(options),
                         {supervisor->client.get(), probe->get(), mailer->get(),
                          kit::FdWriter(STDERR_FILENO), &journal, fleet->get()});
  return kit::RunEventLoop(
      "httpok", [&handler](const svl::protocol::Event& event) { return handler.HandleEvent(event); },
      // EOF: finish the round in flight; mails still waiting get
      // kMailGraceAtExit, then their commands are killed.
      [&handler, &fleet] {
        handler.Shutdown(kit::kMailGraceAtExit, [] { svl::subprocess::KillRunningChildren(); });
        (*fleet)->Shutdown(kit::kWebhookGraceAtExit);
      });
}
