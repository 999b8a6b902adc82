// httpok: a supervisord event listener that restarts processes when a URL
// stops answering as expected. See httpok.h and options.h. Nothing but the
// protocol (and -h / --version) ever goes to stdout.
//
// Exit: SIGTERM, SIGINT or SIGHUP kill the process groups of the running
// sendmail and gcore children, reap them, write one stderr line and exit
// with 128 + the signal number (subprocess/termination.h). A closed stdout
// (supervisord gone) gives one stderr line and exit status 1.
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "curl/global.h"
#include "httpok/http_probe.h"
#include "httpok/httpok.h"
#include "httpok/options.h"
#include "kit/restart_journal.h"
#include "kit/listener_output.h"
#include "kit/notifier.h"
#include "kit/process_selection.h"
#include "protocol/listener.h"
#include "subprocess/termination.h"
#include "supervisor_rpc/curl_transport.h"
#include "supervisor_rpc/supervisor_client.h"

namespace httpok = svl::httpok;
namespace rpc = svl::supervisor_rpc;

namespace {
constexpr int kUsageExit = 255;  // upstream's exit code for usage errors
// How long mails still waiting at exit may take before they are given up.
constexpr absl::Duration kMailGraceAtExit = absl::Seconds(10);
int Fail(absl::string_view message, bool with_usage, int code) {
  svl::kit::FdWriter(STDERR_FILENO)(
      absl::StrCat("httpok: ", message, "\n", with_usage ? httpok::HttpOkUsage() : ""));
  return code;
}
}  // namespace

int main(int argc, char* argv[]) {
  // First, before any thread or child exists.
  if (absl::Status s = svl::subprocess::InstallTerminationHandler("httpok"); !s.ok()) {
    return Fail(s.message(), false, 1);
  }
  if (absl::Status s = svl::curl::InitCurlGlobally(); !s.ok()) return Fail(s.message(), false, 1);
  absl::StatusOr<httpok::HttpOkOptions> options = httpok::ParseHttpOkOptions(argc, argv);
  if (!options.ok()) return Fail(options.status().message(), true, kUsageExit);
  if (options->help || options->version) {
    svl::kit::FdWriter(STDOUT_FILENO)(options->help ? std::string(httpok::HttpOkUsage())
                                                  : absl::StrCat(httpok::kHttpOkVersion, "\n"));
    return 0;
  }
  absl::StatusOr<rpc::ServerConfig> server = rpc::ServerConfigFromEnvironment();
  if (absl::IsNotFound(server.status())) {
    svl::kit::FdWriter(STDERR_FILENO)("httpok must be run as a supervisor event listener\n");
    return 0;
  }
  if (!server.ok()) return Fail(server.status().message(), false, 1);
  absl::StatusOr<std::unique_ptr<rpc::CurlTransport>> transport = rpc::CurlTransport::Create(*server);
  if (!transport.ok()) return Fail(transport.status().message(), false, 1);
  absl::StatusOr<std::unique_ptr<httpok::CurlProbe>> probe =
      httpok::CurlProbe::Create(httpok::ProbeOptionsFor(*options));
  if (!probe.ok()) return Fail(probe.status().message(), true, kUsageExit);
  const svl::kit::SelfProcess self = svl::kit::SelfFromEnvironment();
  options->self_group = self.group;
  options->self_name = self.name;

  absl::StatusOr<std::unique_ptr<svl::mailer::Mailer>> mailer =
      svl::kit::MakeMailer(httpok::MailSettingsFor(*options));
  if (!mailer.ok()) return Fail(mailer.status().message(), true, kUsageExit);

  std::string journal_problem;
  svl::kit::RestartJournal journal =
      svl::kit::OpenListenerJournal("httpok", options->state_dir, server->url,
                                    options->self_group, options->self_name, &journal_problem);
  if (!journal_problem.empty()) {
    svl::kit::FdWriter(STDERR_FILENO)(absl::StrCat("httpok: ", journal_problem, "\n"));
  }

  rpc::SupervisorClient client(**transport);  // used by the handler's worker thread only
  httpok::HttpOk handler(*std::move(options),
                         {&client, probe->get(), mailer->get(), svl::kit::FdWriter(STDERR_FILENO),
                          &journal});
  svl::protocol::Listener listener(STDIN_FILENO, STDOUT_FILENO);
  absl::Status status = listener.Run(
      [&handler](const svl::protocol::Event& event) { return handler.HandleEvent(event); });
  // EOF (or a closed stdout): finish the check or restart in flight; mails
  // still waiting get kMailGraceAtExit, then their commands are killed.
  handler.Shutdown(kMailGraceAtExit, [] { svl::subprocess::KillRunningChildren(); });
  if (svl::protocol::IsClosedOutput(status)) {  // supervisord closed our stdout
    return Fail("cannot write to supervisord (stdout): Broken pipe", false, 1);
  }
  return status.ok() ? 0 : Fail(status.message(), false, 1);
}
