#include "memmon/memmon.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kit/listener_options.h"
#include "kit/python_text.h"
#include "protocol/listener.h"

namespace svl {
namespace memmon {
namespace {

using supervisor_rpc::ProcessInfo;

// The reason code of memmon's own records.
constexpr char kMemoryReason[] = "memory";

// Joins `key=value` pairs as upstream's status lines do: `a=1, b=2`.
std::string JoinLimits(const std::map<std::string, std::int64_t>& limits) {
  return absl::StrJoin(limits, ", ", absl::PairFormatter("="));
}

// The key of a set element or a map entry.
const std::string& KeyOf(const std::string& key) { return key; }
template <typename Value>
const std::string& KeyOf(const std::pair<const std::string, Value>& entry) {
  return entry.first;
}

// FullNamespec() is `group:name`, always (upstream's `foo:foo`).
std::string FullNamespec(const ProcessInfo& process) {
  return absl::StrCat(process.group, ":", process.name);
}

// ForgetAllBut() erases from `kept` every key that is not in `keep`.
template <typename Container>
void ForgetAllBut(const absl::flat_hash_set<std::string>& keep, Container* kept) {
  for (auto it = kept->begin(); it != kept->end();) {
    if (keep.contains(KeyOf(*it))) {
      ++it;
    } else {
      kept->erase(it++);
    }
  }
}

}  // namespace

kit::MailSettings MailSettingsFor(const MemmonOptions& options) {
  kit::MailSettings mail;
  mail.to = options.email;
  mail.sendmail = options.sendmail;
  mail.smtp = options.smtp;
  mail.from = options.mail_from;
  mail.smtp_user = options.smtp_user;
  mail.smtp_password = options.smtp_password;
  return mail;
}

Memmon::Memmon(MemmonOptions options, MemmonDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      measure_(absl::AsciiStrToUpper(procfs::MemoryMeasureName(options_.memory))),
      out_({"memmon", options_.name, options_.log_format, options_.dry_run, ""},
           deps_.write_stderr),
      excluded_(options_.exclude, /*any=*/false, {options_.self_group, options_.self_name}),
      table_(deps_.now),
      restarter_(
          [this] {
            kit::ProcessRestarterOptions restarter = kit::ListenerRestarterOptions(
                options_.policy, options_.dry_run, options_.restart_timeout);
            // A process memmon could not stop is not memmon's to start.
            restarter.restart.start_after_stop_fault = false;
            restarter.full_namespecs = true;  // `foo:foo`, as upstream names them
            return restarter;
          }(),
          deps_.client, deps_.journal != nullptr ? deps_.journal : &own_journal_, &out_,
          metrics()),
      notifier_(deps_.mailer, options_.email, &out_, kit::kNoticeQueueCapacity, deps_.fleet),
      ticks_([this] { return Round(); }, &out_) {
  for (const std::string& secret : kit::SmtpSecretForms(options_.smtp_user, options_.smtp_password)) {
    out_.AddSecret(secret);
  }
}

Memmon::~Memmon() { Drain(); }

void Memmon::Drain() {
  ticks_.Drain();
  notifier_.Drain();
}

void Memmon::Shutdown(absl::Duration mail_grace, const std::function<void()>& stop_deliveries) {
  ticks_.Drain();
  notifier_.Shutdown(mail_grace, stop_deliveries);
}

std::string Memmon::HandleEvent(const protocol::Event& event) {
  table_.OnEvent(event);
  ticks_.OnEvent(event);
  return std::string(protocol::kResultOk);
}

std::string Memmon::StatusBlock() const {
  std::vector<std::string> lines;
  if (!options_.programs.empty()) {
    lines.push_back(absl::StrCat("Checking programs ", JoinLimits(options_.programs)));
  }
  if (!options_.groups.empty()) {
    lines.push_back(absl::StrCat("Checking groups ", JoinLimits(options_.groups)));
  }
  if (options_.any.has_value()) lines.push_back(absl::StrCat("Checking any=", *options_.any));
  return absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
}

bool Memmon::Round() {
  const absl::Time round_start = absl::Now();
  const bool restarted = CheckAll();
  if (kit::ListenerMetrics* m = metrics(); m != nullptr) {
    const absl::Time round_end = absl::Now();
    m->RecordCheck(round_failed_ ? "error" : "ok", round_end - round_start, round_end);
    deps_.fleet->Publish();
  }
  return restarted;
}

bool Memmon::CheckAll() {
  round_failed_ = false;
  restarter_.ClearRestarted();
  for (const kit::FinishedRestart& done : restarter_.FinishPending()) {
    Mail(absl::StrCat(out_.prefix(), "finished the restart of ", done.namespec),
         absl::StrJoin(done.mail_lines, "\n"), "restart", done.namespec);
  }
  out_.Block(kit::reason::kOk, StatusBlock());
  absl::StatusOr<std::vector<ProcessInfo>> all = table_.Processes(*deps_.client);
  if (!all.ok()) {
    round_failed_ = true;
    out_.Line(absl::StrCat("Exception retrieving process info ",
                           kit::RenderRpcError(all.status()), ", not checking"));
    return restarter_.restarted();
  }
  tree_.reset();
  tree_scanned_ = false;
  absl::flat_hash_set<std::string> listed;
  for (const ProcessInfo& process : *all) {
    listed.insert(FullNamespec(process));
    if (process.pid == 0) {
      over_limit_.erase(FullNamespec(process));
      continue;
    }
    if (excluded_.IsSelf(process) || excluded_.Selected(process)) continue;
    if (absl::optional<std::int64_t> limit = LimitOf(process)) Check(process, *limit);
  }
  tree_.reset();
  // Forget what was kept about processes that are gone (supervisorctl update).
  ForgetAllBut(listed, &over_limit_);
  ForgetAllBut(listed, &unmeasurable_);
  ForgetAllBut(listed, &mailed_);
  if (kit::ListenerMetrics* m = metrics(); m != nullptr) {
    m->ForgetProcessesExcept(std::vector<std::string>(listed.begin(), listed.end()));
  }
  return restarter_.restarted();
}

absl::optional<std::int64_t> Memmon::LimitOf(const ProcessInfo& process) const {
  // One limit per process, the most specific rule first.
  const std::string namespec = FullNamespec(process);
  if (auto it = options_.programs.find(namespec); it != options_.programs.end()) {
    return it->second;
  }
  if (auto it = options_.programs.find(process.name); it != options_.programs.end()) {
    return it->second;
  }
  if (auto it = options_.groups.find(process.group); it != options_.groups.end()) {
    return it->second;
  }
  return options_.any;
}

absl::optional<std::int64_t> Memmon::Measure(const ProcessInfo& process,
                                             const std::string& namespec) {
  absl::StatusOr<std::int64_t> memory = std::int64_t{0};
  if (!options_.cumulative) {
    memory = deps_.proc->MemoryOf(process.pid, options_.memory);
  } else {
    if (!tree_scanned_) {  // one snapshot of /proc a round, only when needed
      tree_scanned_ = true;
      absl::StatusOr<procfs::ProcessTree> tree = procfs::ProcessTree::Scan(*deps_.proc);
      if (tree.ok()) {
        tree_ = *std::move(tree);
      } else {
        out_.Log(kMemoryReason, absl::StrCat("cannot list processes: ", tree.status().message()));
      }
    }
    if (!tree_.has_value()) return absl::nullopt;
    const std::vector<std::int64_t> pids = tree_->SelfAndDescendants(process.pid);
    if (pids.empty()) return absl::nullopt;  // gone before the snapshot
    for (std::int64_t pid : pids) {
      absl::StatusOr<std::int64_t> one = deps_.proc->MemoryOf(pid, options_.memory);
      if (one.ok()) {
        if (*one > std::numeric_limits<std::int64_t>::max() - *memory) {
          memory = absl::OutOfRangeError("the sum over its process tree is too large");
          break;
        }
        *memory += *one;
      } else if (!absl::IsNotFound(one.status()) || pid == process.pid) {
        memory = one.status();  // a descendant that is gone just counts for nothing
        break;
      }
    }
  }
  if (memory.ok()) {
    unmeasurable_.erase(namespec);
    return *memory;
  }
  // Gone between supervisord's answer and the reading: nothing to say.
  if (absl::IsNotFound(memory.status())) return absl::nullopt;
  if (unmeasurable_.insert(namespec).second) {
    out_.Log(kMemoryReason,
             absl::StrCat("cannot measure ", namespec, " (pid ", process.pid,
                          "): ", memory.status().message()),
             {{"process", namespec}});
  }
  return absl::nullopt;
}

void Memmon::Check(const ProcessInfo& process, std::int64_t limit) {
  const std::string namespec = FullNamespec(process);
  const absl::optional<std::int64_t> memory = Measure(process, namespec);
  if (!memory.has_value()) return;
  out_.Line(absl::StrCat(measure_, " of ", namespec, " is ", *memory));
  if (kit::ListenerMetrics* m = metrics(); m != nullptr) {
    m->SetProcessMemory(namespec, procfs::MemoryMeasureName(options_.memory), *memory);
  }
  if (*memory <= limit) {  // strictly over restarts, as upstream
    over_limit_.erase(namespec);
    mailed_.erase(namespec);
    restarter_.policy().RecordRecovered(namespec);
    return;
  }
  const int streak = ++over_limit_[namespec];
  if (streak < options_.policy.failures) {
    out_.Log(kMemoryReason,
             absl::StrCat(namespec, " over its limit of ", limit,
                          " bytes, not restarting before --failures ", options_.policy.failures),
             {{"process", namespec}, {"failures", absl::StrCat(streak, "/", options_.policy.failures)}});
    return;
  }
  if (!table_.live()) {
    Restart(process, namespec, *memory);  // the list is this TICK's answer
    return;
  }
  // The list was kept from events: never restart on its word alone (a
  // subscription to only some PROCESS_STATE_* events leaves it behind).
  absl::StatusOr<ProcessInfo> now = deps_.client->GetProcessInfo(namespec);
  if (!now.ok()) {
    out_.Line(absl::StrCat("Exception retrieving process info ", kit::RenderRpcError(now.status()),
                           ", not restarting ", namespec));
    table_.MarkStale();
    return;
  }
  if (now->pid != process.pid || now->state != process.state) {
    table_.MarkStale();
    out_.Log(kMemoryReason,
             absl::StrCat(namespec, " is not what the process list said (pid ", process.pid, " ",
                          process.statename, ", now pid ", now->pid, " ", now->statename,
                          "), not restarting"),
             {{"process", namespec}});
    return;
  }
  Restart(*now, namespec, *memory);
}

void Memmon::Restart(const ProcessInfo& process, const std::string& namespec,
                     std::int64_t memory) {
  kit::RestartWording wording;
  wording.restarting = [](const std::string& ns) { return absl::StrCat("Restarting ", ns); };
  wording.stop_failed = [this, memory](const std::string& ns, const std::string& error) {
    return absl::StrCat("Failed to stop process ", ns, " (", measure_, " ", memory,
                        "), exiting: ", error);
  };
  wording.start_failed = [](const std::string& ns, const std::string& error) {
    return absl::StrCat("Failed to start process ", ns, " after stopping it, exiting: ", error);
  };
  wording.restarted = [](const std::string&) { return std::string(); };  // upstream says nothing

  // By supervisord's clock, before the stop (as upstream).
  const std::int64_t uptime = process.now - process.start;
  std::vector<std::string> lines;
  std::vector<std::string> gave_up;
  const kit::RestartOutcome outcome =
      restarter_.Restart(process, nullptr, &lines, &gave_up, wording);
  // The lines after `Restarting G:X`: what went wrong.
  const auto failure_lines = [&lines] {
    return absl::StrJoin(lines.size() > 1 ? lines.begin() + 1 : lines.end(), lines.end(), "\n");
  };
  switch (outcome) {
    case kit::RestartOutcome::kNotRunning:
      return;  // its count goes on: restarted once it runs, if still over
    case kit::RestartOutcome::kHeldBack:
      if (!gave_up.empty()) {
        Mail(absl::StrCat(out_.prefix(), "gave up restarting ", namespec),
             absl::StrJoin(lines, "\n"), "give-up", namespec);
      }
      return;
    case kit::RestartOutcome::kStopFailed:
      over_limit_.erase(namespec);
      Mail(absl::StrCat(out_.prefix(), "failed to stop process ", namespec, ", exiting"),
           failure_lines(), "stop-failed", namespec);
      return;
    case kit::RestartOutcome::kNotStarted:
      over_limit_.erase(namespec);
      Mail(absl::StrCat(out_.prefix(), "failed to start process ", namespec, ", exiting"),
           failure_lines(), "start-failed", namespec);
      return;
    case kit::RestartOutcome::kDryRun:
    case kit::RestartOutcome::kRestarted:
    case kit::RestartOutcome::kStartPending:  // started; supervisord still at it
      break;
  }
  over_limit_.erase(namespec);
  if (uptime > options_.uptime_limit) return;  // -u: a long-lived process is not mailed about
  if (options_.notify_once && !mailed_.insert(namespec).second) return;
  const absl::Time now = deps_.now ? deps_.now() : absl::Now();
  const absl::TimeZone zone = deps_.zone.value_or(kit::LocalZoneAt(now));
  const std::string zone_name = deps_.zone.has_value() ? absl::FormatTime("%Z", now, zone)
                                                       : kit::LocalZoneAbbreviation(now);
  const bool dry_run = outcome == kit::RestartOutcome::kDryRun;
  Mail(absl::StrCat(dry_run ? "[dry-run] " : "", out_.prefix(), "process ", namespec,
                    " restarted"),
       absl::StrCat("memmon.py ", dry_run ? "would have restarted" : "restarted",
                    " the process named ", namespec, " at ", kit::PythonAsctime(now, zone), " ",
                    zone_name,
                    " because it was consuming too much memory (", memory, " bytes ", measure_,
                    ")"),
       "restart", namespec);
}

void Memmon::Mail(const std::string& subject, const std::string& body, const std::string& event,
                  const std::string& namespec) {
  if (!notifier_.enabled()) return;
  kit::OutgoingNotice notice;
  notice.event = event;
  notice.processes = {namespec};
  notice.subject = subject;
  notice.body = body;
  notice.reason = kMemoryReason;
  notice.dump = false;  // upstream logged no mail; one line says it went
  notifier_.Send(std::move(notice));
}

}  // namespace memmon
}  // namespace svl
