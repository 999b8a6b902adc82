// File: memmon/options.h
//
// memmon's command line, parsed as superlance's memmon parses it with
// Python's getopt (kit/command_line.h): short options may be clustered
// (`-cpa=1`) and take attached values (`-pfoo=1MB`), long options may be
// abbreviated to a unique prefix (`--prog=a=1`, `--cum`), `--` ends the
// options. Options are read in command-line order; `-h` exits where it is
// reached (an earlier bad value is reported, a later one is not checked).
//
// Upstream options: -c/--cumulative, -p/--program NAME=SIZE (repeatable;
// NAME is `name` or `group:name`; a later duplicate wins), -g/--group
// GROUP=SIZE (repeatable), -a/--any SIZE, -s/--sendmail_program COMMAND,
// -m/--email ADDRESS, -u/--uptime SECONDS (suffixes s, m, h, d), -n/--name
// TEXT, -h/--help. SIZE is supervisord's byte_size (`100`, `10KB`, `5MB`,
// `1GB`; binary multiples, any case).
//
// Unlike upstream (fixed on purpose):
//   - `-n` is kept whatever the order of -p/-g (upstream reused the variable);
//   - a size must be positive (upstream accepted 0 and negative sizes, which
//     restart every process every tick), and -u must be >= 0;
//   - a positional argument is an error (upstream silently stopped parsing);
//   - the aliases the upstream docs spell are accepted: --groupname (-g) and
//     --sendmail (-s, also upstream's unique prefix).
//
// Additions (long only; a prefix resolves to an upstream option first, so
// every upstream abbreviation keeps its meaning): --memory rss|pss|uss,
// --exclude NAMESPEC (repeatable), --failures N, --grace SECONDS,
// --max-restarts N, --restart-window SECONDS, --restart-timeout SECONDS,
// --dry-run, --smtp URL, --mail-from ADDRESS, --smtp-user USER,
// --smtp-password PASSWORD, --notify-once, --log-format text|json,
// --state-dir DIR, --version.
//
// Example:
//
//   absl::StatusOr<MemmonOptions> options = ParseMemmonOptions(argc, argv);
//   if (!options.ok()) { stderr: "memmon: " + message + "\n" + MemmonUsage(); exit(255); }
//   if (options->help) { stdout: MemmonUsage(); exit(0); }

#ifndef SVL_MEMMON_OPTIONS_H_
#define SVL_MEMMON_OPTIONS_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "kit/event_log.h"
#include "kit/fleet_options.h"
#include "kit/restart_policy.h"
#include "procfs/process_memory.h"

namespace svl {
namespace memmon {

inline constexpr char kDefaultSendmail[] = "/usr/sbin/sendmail -t -i";

// Everything memmon's command line says.
struct MemmonOptions {
  // -h / --version were given: print MemmonUsage() / the version, exit 0.
  // Options after them are not read.
  bool help = false;
  bool version = false;

  bool cumulative = false;                     // -c: the process and its descendants
  std::map<std::string, std::int64_t> programs;  // -p NAME=SIZE (bytes, > 0); bytewise order
  std::map<std::string, std::int64_t> groups;    // -g GROUP=SIZE
  absl::optional<std::int64_t> any;              // -a SIZE
  std::string sendmail = kDefaultSendmail;       // -s, run through /bin/sh
  std::string email;                             // -m ("" : no mail)
  // -u: a restart is mailed only when the process had been up at most this
  // many seconds (failure mails always go).
  std::int64_t uptime_limit = std::numeric_limits<std::int64_t>::max();
  std::string name;                              // -n ("" : subject prefix "memmon:")

  procfs::MemoryMeasure memory = procfs::MemoryMeasure::kRss;  // --memory
  std::vector<std::string> exclude;  // --exclude NAMESPEC: `name`, `group:name` or `group:*`
  kit::PolicyOptions policy;         // --failures --grace --max-restarts --restart-window
  // --restart-timeout: > 0 restarts with wait=false + polling (kit/restarter.h),
  // each phase under this deadline; 0 (default): upstream's wait=true calls.
  absl::Duration restart_timeout = absl::ZeroDuration();
  bool dry_run = false;              // --dry-run: say what would be done, restart nothing
  std::string smtp;                  // --smtp URL ("" : -s)
  std::string mail_from;             // --mail-from (required with --smtp)
  std::string smtp_user;             // --smtp-user
  std::string smtp_password;         // --smtp-password (needs --smtp-user)
  // --notify-once: one restart mail per process until it is seen under its
  // limit again (failure mails always go).
  bool notify_once = false;
  kit::LogFormat log_format = kit::LogFormat::kText;  // --log-format
  kit::FleetOptions fleet;  // --metrics-file, --webhook, --webhook-header, --webhook-timeout
  std::string state_dir;             // --state-dir ("" : kit::DefaultStateDir())

  // Not from the command line: memmon's own names under supervisord
  // (SUPERVISOR_GROUP_NAME / SUPERVISOR_PROCESS_NAME), so that memmon never
  // restarts itself. Empty when unknown. Filled in by main().
  std::string self_group;
  std::string self_name;
};

// ParseMemmonOptions()
//
// Parses argv (argv[0] is the program name and is ignored). Pure. Errors are
// kInvalidArgument, one line: a malformed command line first (getopt reads
// it whole), then the first bad value in command-line order, then a
// positional argument, then the checks across options:
//   "no options given" (an empty command line, as upstream: usage, 255;
//   a lone `--` is an empty option list and accepted),
//   getopt's "option -x not recognized", "option -p requires an argument", ...
//   upstream's texts for bad values:
//     "Unparseable value 'foo' for '-p'" (NAME=SIZE without exactly one '='),
//     "Unparseable byte_size in '1x' for '-p'" (also for 0 and negatives),
//     "Unparseable value for time in '1y' for -u" (also for negatives),
//   (the option named as getopt expands it: `--program` for `--prog`),
//   and for the additions, named as written, as httpok names them:
//     "option --failures: '0' is not an integer >= 1",
//   "option --memory: 'x' is not one of rss, pss, uss",
//   "option --smtp needs --mail-from", "unexpected argument 'foo'".
absl::StatusOr<MemmonOptions> ParseMemmonOptions(int argc, const char* const argv[]);

// MemmonUsage() is the usage text (ends with '\n'): upstream's options in
// upstream's order, then the additions.
absl::string_view MemmonUsage();

// kMemmonVersion is printed by --version.
inline constexpr char kMemmonVersion[] = "memmon (svlisten) 0.1.0";

}  // namespace memmon
}  // namespace svl

#endif  // SVL_MEMMON_OPTIONS_H_
