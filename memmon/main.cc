// memmon: a supervisord event listener that restarts processes whose memory
// is over a limit. See memmon.h and options.h. Nothing but the protocol (and
// -h / --version) ever goes to stdout.
//
// Exit: 255 with the usage for a bad command line; 0 with one line when not
// run by supervisord (no SUPERVISOR_SERVER_URL); SIGTERM, SIGINT or SIGHUP
// kill the running sendmail children and exit 128 + the signal
// (kit/listener_process.h); a closed stdout (supervisord gone) gives one
// stderr line and exit status 1.
//
// MEMMON_PROC_ROOT, when set, is read instead of /proc (for tests that lay
// out the memory figures of processes themselves).
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "kit/fleet.h"
#include "kit/listener_output.h"
#include "kit/listener_process.h"
#include "kit/notifier.h"
#include "kit/version.h"
#include "kit/process_selection.h"
#include "kit/restart_journal.h"
#include "memmon/memmon.h"
#include "memmon/options.h"
#include "procfs/process_memory.h"
#include "subprocess/termination.h"

namespace kit = svl::kit;
namespace memmon = svl::memmon;

namespace {
constexpr int kUsageExit = 255;  // upstream's exit code for usage errors
int Fail(absl::string_view message, bool with_usage, int code) {
  kit::FdWriter(STDERR_FILENO)(
      absl::StrCat("memmon: ", message, "\n", with_usage ? memmon::MemmonUsage() : ""));
  return code;
}
}  // namespace

int main(int argc, char* argv[]) {
  if (absl::Status s = kit::StartListenerProcess("memmon"); !s.ok()) {
    return Fail(s.message(), false, 1);
  }
  absl::StatusOr<memmon::MemmonOptions> options = memmon::ParseMemmonOptions(argc, argv);
  if (!options.ok()) return Fail(options.status().message(), true, kUsageExit);
  if (options->help || options->version) {
    kit::FdWriter(STDOUT_FILENO)(options->help ? std::string(memmon::MemmonUsage())
                                               : absl::StrCat(memmon::kMemmonVersion, "\n"));
    return 0;
  }
  absl::StatusOr<kit::SupervisorConnection> supervisor = kit::ConnectToSupervisor();
  if (absl::IsNotFound(supervisor.status())) {
    kit::FdWriter(STDERR_FILENO)("memmon must be run as a supervisor event listener\n");
    return 0;
  }
  if (!supervisor.ok()) return Fail(supervisor.status().message(), false, 1);
  const kit::SelfProcess self = kit::SelfFromEnvironment();
  options->self_group = self.group;
  options->self_name = self.name;
  const kit::MailSettings mail = memmon::MailSettingsFor(*options);
  absl::StatusOr<std::unique_ptr<svl::mailer::Mailer>> mailer =
      kit::MakeMailer(mail);
  if (!mailer.ok()) return Fail(mailer.status().message(), true, kUsageExit);

  absl::StatusOr<std::unique_ptr<kit::Fleet>> fleet = kit::Fleet::Create(
      options->fleet,
      {"memmon", options->name, kit::kSvlistenVersion, options->log_format, {"ok", "error"},
       kit::MailChannelOf(mail)},
      kit::FdWriter(STDERR_FILENO));
  if (!fleet.ok()) return Fail(fleet.status().message(), true, kUsageExit);
  (*fleet)->Publish();

  std::string journal_problem;
  kit::RestartJournal journal =
      kit::OpenListenerJournal("memmon", options->state_dir, supervisor->server.url, self.group,
                               self.name, &journal_problem);
  if (!journal_problem.empty()) {
    kit::FdWriter(STDERR_FILENO)(absl::StrCat("memmon: ", journal_problem, "\n"));
  }
  const char* proc_root = std::getenv("MEMMON_PROC_ROOT");
  const bool real_proc = proc_root == nullptr || *proc_root == '\0';
  const svl::procfs::ProcReader proc(real_proc ? "/proc" : proc_root);
  // pss and uss come from smaps_rollup (Linux 4.14): without it every
  // reading would look like a process that is gone.
  if (real_proc && options->memory != svl::procfs::MemoryMeasure::kRss &&
      access("/proc/self/smaps_rollup", R_OK) != 0) {
    return Fail(absl::StrCat("--memory ", svl::procfs::MemoryMeasureName(options->memory),
                             " needs /proc/PID/smaps_rollup (Linux 4.14 or later): use --memory rss"),
                false, 1);
  }

  memmon::MemmonDeps deps;
  deps.client = supervisor->client.get();
  deps.proc = &proc;
  deps.mailer = mailer->get();
  deps.write_stderr = kit::FdWriter(STDERR_FILENO);
  deps.journal = &journal;
  deps.fleet = fleet->get();
  memmon::Memmon handler(*std::move(options), std::move(deps));
  return kit::RunEventLoop(
      "memmon", [&handler](const svl::protocol::Event& event) { return handler.HandleEvent(event); },
      // EOF: finish the round in flight; mails still waiting get
      // kMailGraceAtExit, then their commands are killed.
      [&handler, &fleet] {
        handler.Shutdown(kit::kMailGraceAtExit, [] { svl::subprocess::KillRunningChildren(); });
        (*fleet)->Shutdown(kit::kWebhookGraceAtExit);
      });
}
