#include "memmon/options.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/control_chars.h"
#include "kit/command_line.h"
#include "kit/fleet_options.h"
#include "kit/listener_options.h"
#include "kit/option_values.h"
#include "kit/python_text.h"

namespace svl {
namespace memmon {
namespace {

using kit::OptionSpec;
using kit::OptionValueError;
using kit::SecondsBound;

enum OptionId : int {
  kHelp,
  kCumulative,
  kProgram,
  kGroup,
  kAny,
  kSendmail,
  kEmail,
  kUptime,
  kName,
  kMemory,
  kExclude,
  kFailures,
  kGrace,
  kMaxRestarts,
  kRestartWindow,
  kRestartTimeout,
  kDryRun,
  kSmtp,
  kMailFrom,
  kSmtpUser,
  kSmtpPassword,
  kNotifyOnce,
  kLogFormat,
  kStateDir,
  kVersion,
  kFleet,  // --metrics-file, --webhook, --webhook-header, --webhook-timeout
};

// The option table: upstream's short spec `hcp:g:a:s:m:n:u:` and long
// options at precedence 0; the documented aliases and the additions at 1, so
// that a prefix means the upstream option it meant upstream (`--gr` is still
// --group, `--s` --sendmail_program, `--e` --email, `--n` --name).
constexpr OptionSpec kOptions[] = {
    {kHelp, 'h', "help", false, 0},
    {kCumulative, 'c', "cumulative", false, 0},
    {kProgram, 'p', "program", true, 0},
    {kGroup, 'g', "group", true, 0},
    {kAny, 'a', "any", true, 0},
    {kSendmail, 's', "sendmail_program", true, 0},
    {kEmail, 'm', "email", true, 0},
    {kUptime, 'u', "uptime", true, 0},
    {kName, 'n', "name", true, 0},
    {kGroup, '\0', "groupname", true, 1},
    {kSendmail, '\0', "sendmail", true, 1},
    {kMemory, '\0', "memory", true, 1},
    {kExclude, '\0', "exclude", true, 1},
    {kFailures, '\0', "failures", true, 1},
    {kGrace, '\0', "grace", true, 1},
    {kMaxRestarts, '\0', "max-restarts", true, 1},
    {kRestartWindow, '\0', "restart-window", true, 1},
    {kRestartTimeout, '\0', "restart-timeout", true, 1},
    {kDryRun, '\0', "dry-run", false, 1},
    {kSmtp, '\0', "smtp", true, 1},
    {kMailFrom, '\0', "mail-from", true, 1},
    {kSmtpUser, '\0', "smtp-user", true, 1},
    {kSmtpPassword, '\0', "smtp-password", true, 1},
    {kNotifyOnce, '\0', "notify-once", false, 1},
    {kLogFormat, '\0', "log-format", true, 1},
    {kStateDir, '\0', "state-dir", true, 1},
    {kVersion, '\0', "version", false, 1},
    {kFleet, '\0', "metrics-file", true, 2},
    {kFleet, '\0', "webhook", true, 2},
    {kFleet, '\0', "webhook-header", true, 2},
    {kFleet, '\0', "webhook-timeout", true, 2},
};

// Upstream's errors quote with Python's %r; the option is named as getopt
// returns it (`--program` for `--prog`).
absl::Status Unparseable(absl::string_view what, absl::string_view value,
                         absl::string_view option) {
  return absl::InvalidArgumentError(absl::StrCat("Unparseable ", what, " ", kit::PythonRepr(value),
                                                 " for ", kit::PythonRepr(option)));
}

// A byte size, as upstream's parse_size(); sizes <= 0 are refused too.
absl::StatusOr<std::int64_t> ParseSize(absl::string_view option, absl::string_view value) {
  absl::StatusOr<std::int64_t> size = kit::ParseByteSize(value);
  if (!size.ok() || *size <= 0) return Unparseable("byte_size in", value, option);
  return size;
}

// NAME=SIZE, as upstream's parse_namesize(): exactly one '='.
absl::Status AddNameSize(absl::string_view option, absl::string_view value,
                         std::map<std::string, std::int64_t>* sizes) {
  const std::size_t eq = value.find('=');
  // A control character in a name would break memmon's stderr lines.
  if (eq == absl::string_view::npos || value.find('=', eq + 1) != absl::string_view::npos ||
      base::HasAsciiControl(value.substr(0, eq))) {
    return Unparseable("value", value, option);
  }
  absl::StatusOr<std::int64_t> size = ParseSize(option, value.substr(eq + 1));
  if (!size.ok()) return size.status();
  (*sizes)[std::string(value.substr(0, eq))] = *size;
  return absl::OkStatus();
}

// Seconds as an addition takes them (a plain number, fractions allowed).
absl::Status SetSeconds(absl::string_view option, absl::string_view value, SecondsBound bound,
                        absl::Duration* out) {
  absl::StatusOr<absl::Duration> seconds = kit::ParseSeconds(value, bound);
  if (!seconds.ok()) return OptionValueError(option, seconds.status());
  *out = *seconds;
  return absl::OkStatus();
}

absl::Status SetCount(absl::string_view option, absl::StatusOr<int> count, int* out) {
  if (!count.ok()) return OptionValueError(option, count.status());
  *out = *count;
  return absl::OkStatus();
}

// Applies one option to `options`. `name` is the option as getopt expands it
// (upstream's texts), `spelling` as written (the additions' texts, as
// httpok's).
absl::Status Apply(const kit::OptionOccurrence& option, MemmonOptions& options) {
  const std::string& value = option.value;
  const std::string& name = option.name;
  const std::string& spelling = option.spelling;
  switch (option.id) {
    case kHelp:
      options.help = true;
      return absl::OkStatus();
    case kVersion:
      options.version = true;
      return absl::OkStatus();
    case kCumulative:
      options.cumulative = true;
      return absl::OkStatus();
    case kProgram:
      return AddNameSize(name, value, &options.programs);
    case kGroup:
      return AddNameSize(name, value, &options.groups);
    case kAny: {
      absl::StatusOr<std::int64_t> size = ParseSize(name, value);
      if (!size.ok()) return size.status();
      options.any = *size;
      return absl::OkStatus();
    }
    case kSendmail:
      options.sendmail = value;
      return absl::OkStatus();
    case kEmail:  // "" : no mail (as upstream)
      if (value.empty()) {
        options.email.clear();
        return absl::OkStatus();
      }
      return kit::SetOneLineOption(name, value, "address", &options.email);
    case kUptime: {
      absl::StatusOr<std::int64_t> seconds = kit::ParseSuffixedSeconds(value);
      if (!seconds.ok() || *seconds < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("Unparseable value for time in ", kit::PythonRepr(value), " for ", name));
      }
      options.uptime_limit = *seconds;
      return absl::OkStatus();
    }
    case kName:  // "" : no name (as upstream)
      if (value.empty()) {
        options.name.clear();
        return absl::OkStatus();
      }
      return kit::SetOneLineOption(name, value, "name", &options.name);
    case kMemory: {
      absl::StatusOr<procfs::MemoryMeasure> measure = procfs::ParseMemoryMeasure(value);
      if (!measure.ok()) return OptionValueError(spelling, measure.status());
      options.memory = *measure;
      return absl::OkStatus();
    }
    case kExclude: {
      std::string namespec;
      if (absl::Status status = kit::SetOneLineOption(spelling, value, "process name", &namespec);
          !status.ok()) {
        return status;
      }
      options.exclude.push_back(std::move(namespec));
      return absl::OkStatus();
    }
    case kFailures:
      return SetCount(spelling, kit::ParseCount(value, 1), &options.policy.failures);
    case kGrace:
      return SetSeconds(spelling, value, SecondsBound::kNonNegative, &options.policy.grace);
    case kMaxRestarts:
      return SetCount(spelling, kit::ParseMaxRestarts(value), &options.policy.max_restarts);
    case kRestartWindow:
      return SetSeconds(spelling, value, SecondsBound::kPositive, &options.policy.restart_window);
    case kRestartTimeout:
      return SetSeconds(spelling, value, SecondsBound::kPositive, &options.restart_timeout);
    case kDryRun:
      options.dry_run = true;
      return absl::OkStatus();
    case kSmtp:
      return kit::SetSmtpUrlOption(spelling, value, &options.smtp);
    case kMailFrom:
      return kit::SetOneLineOption(spelling, value, "address", &options.mail_from);
    case kSmtpUser:
      return kit::SetOneLineOption(spelling, value, "user", &options.smtp_user);
    case kSmtpPassword:
      return kit::SetSmtpPasswordOption(spelling, value, &options.smtp_password);
    case kNotifyOnce:
      options.notify_once = true;
      return absl::OkStatus();
    case kLogFormat: {
      absl::StatusOr<kit::LogFormat> format = kit::ParseLogFormatOption(value);
      if (!format.ok()) return OptionValueError(spelling, format.status());
      options.log_format = *format;
      return absl::OkStatus();
    }
    case kFleet:
      return kit::SetFleetOption(option.name, spelling, value, &options.fleet);
    case kStateDir:
      return kit::SetOneLineOption(spelling, value, "directory", &options.state_dir);
  }
  return absl::InternalError(absl::StrCat("unhandled option ", name));
}

}  // namespace

absl::StatusOr<MemmonOptions> ParseMemmonOptions(int argc, const char* const argv[]) {
  // Upstream prints its usage for an empty command line (but not for `--`).
  if (argc <= 1) return absl::InvalidArgumentError("no options given");
  absl::StatusOr<kit::ParsedCommandLine> line =
      kit::ParseCommandLine(argc, argv, kOptions, kit::OptionSyntax::kGetopt);
  if (!line.ok()) return line.status();

  // In command-line order, as upstream: the first bad value is the error,
  // and -h (or --version) ends the reading where it is.
  MemmonOptions options;
  for (const kit::OptionOccurrence& option : line->options) {
    if (absl::Status status = Apply(option, options); !status.ok()) return status;
    if (options.help || options.version) return options;
  }
  if (!line->positionals.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument ", kit::PythonRepr(line->positionals.front())));
  }
  if (absl::Status policy = kit::CheckPolicyOptionSet(options.policy); !policy.ok()) {
    return policy;
  }
  if (absl::Status smtp = kit::CheckSmtpOptionSet(options.smtp, options.mail_from,
                                                  options.smtp_user, options.smtp_password);
      !smtp.ok()) {
    return smtp;
  }
  return options;
}

absl::string_view MemmonUsage() {
  static constexpr char kBeforeFleet[] =
      R"(usage: memmon [options]

A supervisord event listener (subscribe it to TICK_60): on each TICK it
restarts the supervisord processes that use more memory than their limit,
and optionally mails a report.

Options (the same as superlance's memmon; long options may be abbreviated):
  -h, --help             print this text and exit
  -c, --cumulative       count the memory of a process and all of its
                         descendants
  -p, --program NAME=SIZE
                         restart the process NAME (`name` or `group:name`)
                         when it uses more than SIZE (repeatable), e.g.
                         -p web=100MB -p api:api_00=1GB
  -g, --group GROUP=SIZE restart any process of GROUP using more than SIZE
                         (repeatable; also --groupname)
  -a, --any SIZE         restart any process using more than SIZE
  -s, --sendmail_program COMMAND
                         mail command reading the message on stdin (default
                         "/usr/sbin/sendmail -t -i"; run by /bin/sh -c;
                         also --sendmail)
  -m, --email ADDRESS    mail a report to ADDRESS after each restart
  -u, --uptime SECONDS   mail a restart only when the process had been up at
                         most SECONDS (suffixes s, m, h, d; default: always)
  -n, --name NAME        show NAME in mail subjects: `memmon [NAME]: ...`

SIZE is a byte count with an optional suffix KB, MB or GB (multiples of
1024, any case), e.g. 100MB; it must be positive.

Additions (long options only):
  --memory rss|pss|uss   the figure compared with SIZE: resident set size,
                         proportional set size (shared pages divided among
                         the processes mapping them) or unique set size
                         (default rss, as upstream)
  --exclude NAMESPEC     never restart NAMESPEC (`name`, `group:name` or
                         `group:*`; repeatable)
  --version              print the version and exit

Restart policy (the defaults act on the first tick over the limit, as upstream):
  --failures N           act only after N consecutive ticks over the limit
                         (default 1)
  --grace SECONDS        leave alone a process that started less than SECONDS
                         ago (by supervisord's clock; default 0)
  --max-restarts N       restart one process at most N times per
  --restart-window SECONDS  window; then give up (one mail) until it is
                         under its limit again (default: no limit)
  --restart-timeout SECONDS
                         restart without blocking supervisord: stopProcess and
                         startProcess with wait=false, then poll its state for
                         up to SECONDS per phase; a stop slower than that is
                         watched until supervisord has stopped the process,
                         then it is started (default: upstream's blocking
                         calls)
  --dry-run              log and mail what would be done; restart nothing
  --state-dir DIR        where restarts left unfinished are recorded, so that
                         a restarted memmon finishes them (default:
                         $SVLISTEN_STATE_DIR, /run/svlisten for root, else
                         $XDG_RUNTIME_DIR/svlisten or /tmp/svlisten-UID)

Notifications and logs:
  --smtp URL             send mail over SMTP (smtp://host:port, STARTTLS when
                         offered, or smtps://) instead of -s
  --mail-from ADDRESS    sender address (required with --smtp)
  --smtp-user USER, --smtp-password PASSWORD
                         SMTP authentication
  --notify-once          one restart mail per process until it is seen under
                         its limit again
  --log-format text|json timestamped, reason-coded stderr lines; json: every
                         stderr line is a JSON object
)";
  static constexpr char kAfterFleet[] = R"(
Example:
  memmon -p program1=200MB -p group1:program2=1GB -g group2=300MB -a 1GB -m ops@example.com -n "Project 1"
)";
  static const std::string* const usage =
      new std::string(absl::StrCat(kBeforeFleet, "\n", kit::kFleetUsage, kAfterFleet));
  return *usage;
}

}  // namespace memmon
}  // namespace svl
