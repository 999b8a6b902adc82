#include "httpok/options.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/control_chars.h"
#include "base/url_redaction.h"
#include "httpok/http_probe.h"
#include "httpok/status_spec.h"
#include "kit/command_line.h"
#include "kit/gcore.h"
#include "kit/listener_options.h"
#include "kit/option_values.h"

namespace svl {
namespace httpok {
namespace {

using kit::OptionSpec;
using kit::SecondsBound;

enum OptionId : int {
  kHelp,
  kProgram,
  kAny,
  kTimeout,
  kCode,
  kBody,
  kSendmail,
  kEmail,
  kGcore,
  kCoredir,
  kEager,
  kNotEager,
  kName,
  kInsecure,
  kCacert,
  kRetryInterval,
  kVersion,
  kFailures,
  kSuccesses,
  kGrace,
  kMaxRestarts,
  kRestartWindow,
  kDryRun,
  kMethod,
  kHeader,
  kUser,
  kNotBody,
  kMaxRedirects,
  kConnectTimeout,
  kClientCert,
  kClientKey,
  kSmtp,
  kMailFrom,
  kSmtpUser,
  kSmtpPassword,
  kNotifyOnce,
  kLogFormat,
  kRestartTimeout,
  kStateDir,
  kFleet,  // --metrics-file, --webhook, --webhook-header, --webhook-timeout
};

// The option table. The precedence of a long option is its generation, so
// that an abbreviation keeps the meaning it had before newer options existed
// (see options.h): 0 upstream's, 1 the first additions, 2 the later ones,
// 3 the fleet options.
// New options are long only.
constexpr OptionSpec kOptions[] = {
    {kHelp, 'h', "help", false, 0},
    {kProgram, 'p', "program", true, 0},
    {kAny, 'a', "any", false, 0},
    {kTimeout, 't', "timeout", true, 0},
    {kCode, 'c', "code", true, 0},
    {kBody, 'b', "body", true, 0},
    {kSendmail, 's', "sendmail_program", true, 0},
    {kEmail, 'm', "email", true, 0},
    {kGcore, 'g', "gcore", true, 0},
    {kCoredir, 'd', "coredir", true, 0},
    {kEager, 'e', "eager", false, 0},
    {kNotEager, 'E', "not-eager", false, 0},
    {kName, 'n', "name", true, 0},
    {kInsecure, '\0', "insecure", false, 1},
    {kCacert, '\0', "cacert", true, 1},
    {kRetryInterval, '\0', "retry-interval", true, 1},
    {kVersion, '\0', "version", false, 1},
    {kFailures, '\0', "failures", true, 2},
    {kSuccesses, '\0', "successes", true, 2},
    {kGrace, '\0', "grace", true, 2},
    {kMaxRestarts, '\0', "max-restarts", true, 2},
    {kRestartWindow, '\0', "restart-window", true, 2},
    {kDryRun, '\0', "dry-run", false, 2},
    {kMethod, '\0', "method", true, 2},
    {kHeader, '\0', "header", true, 2},
    {kUser, '\0', "user", true, 2},
    {kNotBody, '\0', "not-body", true, 2},
    {kMaxRedirects, '\0', "max-redirects", true, 2},
    {kConnectTimeout, '\0', "connect-timeout", true, 2},
    {kClientCert, '\0', "client-cert", true, 2},
    {kClientKey, '\0', "client-key", true, 2},
    {kSmtp, '\0', "smtp", true, 2},
    {kMailFrom, '\0', "mail-from", true, 2},
    {kSmtpUser, '\0', "smtp-user", true, 2},
    {kSmtpPassword, '\0', "smtp-password", true, 2},
    {kNotifyOnce, '\0', "notify-once", false, 2},
    {kLogFormat, '\0', "log-format", true, 2},
    {kRestartTimeout, '\0', "restart-timeout", true, 2},
    {kStateDir, '\0', "state-dir", true, 2},
    {kFleet, '\0', "metrics-file", true, 3},
    {kFleet, '\0', "webhook", true, 3},
    {kFleet, '\0', "webhook-header", true, 3},
    {kFleet, '\0', "webhook-timeout", true, 3},
};

// RFC 9110 token characters (method and header names).
bool IsToken(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::StrContains("!#$%&'*+-.^_`|~", c);
  });
}

// Interprets option values into the options. The first bad value is kept and
// reported once -h/--version are ruled out. `name` is the option as spelled.
class ValueParser {
 public:
  // Fail() keeps `why` as "option NAME: WHY" unless an error is kept already.
  void Fail(absl::string_view name, absl::string_view why) {
    if (first_error_.empty()) first_error_ = absl::StrCat("option ", name, ": ", why);
  }
  void Fail(absl::string_view name, const absl::Status& status) { Fail(name, status.message()); }
  // Fail() keeps an error that already names its option.
  void Fail(const absl::Status& option_error) {
    if (first_error_.empty()) first_error_ = std::string(option_error.message());
  }

  void Seconds(absl::string_view name, absl::string_view value, SecondsBound bound,
               absl::Duration* out) {
    absl::StatusOr<absl::Duration> seconds = kit::ParseSeconds(value, bound);
    if (seconds.ok()) {
      *out = *seconds;
    } else {
      Fail(name, seconds.status());
    }
  }

  template <typename Int>
  void Count(absl::string_view name, absl::string_view value, int min, int max, Int* out) {
    absl::StatusOr<int> n = kit::ParseCount(value, min, max);
    if (n.ok()) {
      *out = *n;
    } else {
      Fail(name, n.status());
    }
  }

  void OneLine(absl::string_view name, const std::string& value, absl::string_view what,
               std::string* out) {
    if (absl::Status status = kit::CheckOneLineText(value, what); !status.ok()) Fail(name, status);
    *out = value;
  }

  const std::string& first_error() const { return first_error_; }

 private:
  std::string first_error_;
};

// Checks that need several options (after every option was seen).
std::string CrossCheck(const HttpOkOptions& options) {
  if (absl::Status policy = kit::CheckPolicyOptionSet(options.policy); !policy.ok()) {
    return std::string(policy.message());
  }
  if (!options.client_key.empty() && options.client_cert.empty()) {
    return "option --client-key needs --client-cert";
  }
  if (absl::Status smtp = kit::CheckSmtpOptionSet(options.smtp, options.mail_from,
                                                  options.smtp_user, options.smtp_password);
      !smtp.ok()) {
    return std::string(smtp.message());
  }
  return "";
}

}  // namespace

absl::StatusOr<HttpOkOptions> ParseHttpOkOptions(int argc, char* const argv[]) {
  absl::StatusOr<kit::ParsedCommandLine> line =
      kit::ParseCommandLine(argc, argv, kOptions, kit::OptionSyntax::kGetopt);
  if (!line.ok()) return line.status();

  HttpOkOptions options;
  ValueParser parse;
  for (const kit::OptionOccurrence& option : line->options) {
    const std::string& value = option.value;
    const std::string& name = option.spelling;
    switch (option.id) {
      case kHelp:
        options.help = true;
        break;
      case kVersion:
        options.version = true;
        break;
      case kProgram:
        options.programs.push_back(value);
        break;
      case kAny:
        options.any = true;
        break;
      case kTimeout:
        parse.Seconds(name, value, SecondsBound::kPositive, &options.timeout);
        break;
      case kRetryInterval:
        parse.Seconds(name, value, SecondsBound::kNonNegative, &options.retry_interval);
        break;
      case kCode:
        if (absl::StatusOr<StatusSpec> spec = ParseStatusSpec({value}); !spec.ok()) {
          parse.Fail(name, spec.status());
        }
        options.code_values.push_back(value);
        break;
      case kBody:
        options.body = value;
        break;
      case kSendmail:
        options.sendmail = value;
        break;
      case kEmail:
        options.email = value;
        break;
      case kGcore:
        options.gcore = value;
        break;
      case kCoredir:
        options.coredir = value;
        break;
      case kEager:
        options.eager = true;
        break;
      case kNotEager:
        options.eager = false;
        break;
      case kName:
        options.name = value;
        break;
      case kInsecure:
        options.insecure = true;
        break;
      case kCacert:
        if (value.empty()) parse.Fail(name, "empty file name");
        options.cacert = value;
        break;
      case kFailures:
        parse.Count(name, value, 1, kit::kMaxCount, &options.policy.failures);
        break;
      case kSuccesses:
        parse.Count(name, value, 1, kit::kMaxCount, &options.policy.successes);
        break;
      case kGrace:
        parse.Seconds(name, value, SecondsBound::kNonNegative, &options.policy.grace);
        break;
      case kMaxRestarts:
        if (absl::StatusOr<int> n = kit::ParseMaxRestarts(value); n.ok()) {
          options.policy.max_restarts = *n;
        } else {
          parse.Fail(name, n.status());
        }
        break;
      case kRestartWindow:
        parse.Seconds(name, value, SecondsBound::kPositive, &options.policy.restart_window);
        break;
      case kRestartTimeout:
        parse.Seconds(name, value, SecondsBound::kPositive, &options.restart_timeout);
        break;
      case kDryRun:
        options.dry_run = true;
        break;
      case kMethod:
        if (!IsToken(value)) parse.Fail(name, absl::StrCat("'", value, "' is not an HTTP method"));
        options.method = value;
        break;
      case kHeader: {
        const std::size_t colon = value.find(':');
        if (colon == std::string::npos || !IsToken(value.substr(0, colon)) ||
            base::HasAsciiControl(value)) {
          parse.Fail(name, absl::StrCat("'", value, "' is not a header 'Name: value'"));
        }
        options.headers.push_back(value);
        break;
      }
      case kUser:
        // Never quote the value: it holds a password.
        if (value.find(':') == std::string::npos || value[0] == ':' ||
            base::HasAsciiControl(value)) {
          parse.Fail(name, "expected user:password");
        }
        options.user = value;
        break;
      case kNotBody:
        if (value.empty()) parse.Fail(name, "empty text");
        options.not_body = value;
        break;
      case kMaxRedirects:
        parse.Count(name, value, 0, 50, &options.max_redirects);
        break;
      case kConnectTimeout:
        parse.Seconds(name, value, SecondsBound::kPositive, &options.connect_timeout);
        break;
      case kClientCert:
        parse.OneLine(name, value, "file name", &options.client_cert);
        break;
      case kClientKey:
        parse.OneLine(name, value, "file name", &options.client_key);
        break;
      case kSmtp:
        if (absl::Status url = kit::CheckSmtpUrl(value); !url.ok()) parse.Fail(name, url);
        options.smtp = value;
        break;
      case kMailFrom:
        parse.OneLine(name, value, "address", &options.mail_from);
        break;
      case kSmtpUser:
        parse.OneLine(name, value, "user", &options.smtp_user);
        break;
      case kSmtpPassword:
        if (absl::Status password = kit::CheckSmtpPassword(value); !password.ok()) {
          parse.Fail(name, password);
        }
        options.smtp_password = value;
        break;
      case kNotifyOnce:
        options.notify_once = true;
        break;
      case kStateDir:
        parse.OneLine(name, value, "directory", &options.state_dir);
        break;
      case kFleet:
        if (absl::Status s = kit::SetFleetOption(option.name, name, value, &options.fleet);
            !s.ok()) {
          parse.Fail(s);
        }
        break;
      case kLogFormat:
        if (absl::StatusOr<LogFormat> format = kit::ParseLogFormatOption(value); format.ok()) {
          options.log_format = *format;
          options.log_format_given = true;
        } else {
          parse.Fail(name, format.status());
        }
        break;
      default:
        return absl::InternalError(absl::StrCat("unhandled option ", option.name));
    }
  }
  if (options.help || options.version) return options;
  if (!parse.first_error().empty()) return absl::InvalidArgumentError(parse.first_error());
  if (std::string error = CrossCheck(options); !error.empty()) {
    return absl::InvalidArgumentError(error);
  }

  const std::vector<std::string>& positional = line->positionals;
  if (positional.empty()) return absl::InvalidArgumentError("no URL given");
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "more than one URL given (options must come before the URL): ",
        absl::StrJoin(positional, " ")));
  }
  options.url = positional[0];
  if (absl::Status url = ValidateProbeUrl(options.url); !url.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("URL '", base::RedactUrl(options.url), "': ", url.message()));
  }

  absl::StatusOr<StatusSpec> codes = ParseStatusSpec(options.code_values);
  if (!codes.ok()) return absl::InvalidArgumentError(codes.status().message());
  options.codes = *std::move(codes);

  if (!options.gcore.empty()) {
    absl::StatusOr<std::vector<std::string>> words = kit::SplitShellWords(options.gcore);
    if (!words.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("option -g: '", options.gcore, "': ", words.status().message()));
    }
    options.gcore_words = *std::move(words);
  }
  return options;
}

absl::string_view HttpOkUsage() {
  static constexpr char kBeforeFleet[] =
      R"(usage: httpok [options] URL

A supervisord event listener (subscribe it to TICK_5, TICK_60 or TICK_3600):
on each TICK it GETs URL and, when the answer is not what is expected,
restarts the selected RUNNING processes and optionally mails a report.

Options (the same as superlance's httpok; long options may be abbreviated):
  -p, --program NAME     a process to restart: `name` or `group:name`
                         (repeatable; a bare name matches in every group)
  -a, --any              restart every RUNNING process (never httpok itself)
  -g, --gcore COMMAND    gcore program and leading arguments (default
                         "/usr/bin/gcore -o"); run without a shell
  -d, --coredir DIR      take a core (see -g) of each process before
                         restarting it, into DIR/<namespec>
  -t, --timeout SECONDS  total deadline for one check (default 10; > 0,
                         fractions allowed)
  -c, --code STATUS      accepted HTTP statuses (repeatable; default 200);
                         new: lists and ranges, e.g. -c 200-399,401
  -b, --body TEXT        restart when the body does not contain TEXT
  -s, --sendmail_program COMMAND
                         mail command reading the message on stdin (default
                         "/usr/sbin/sendmail -t -i"; run by /bin/sh -c)
  -m, --email ADDRESS    mail a report to ADDRESS after each restart
  -e, --eager            check the URL even when no selected process is
                         RUNNING (the default)
  -E, --not-eager        check only when a selected process is RUNNING
  -n, --name NAME        show NAME in mail subjects: `httpok [NAME]: ...`
  -h, --help             print this text and exit

Additions (long options only):
  --insecure             do not verify the https certificate or host name
  --cacert FILE          verify https against the CA certificates in FILE
  --retry-interval SECONDS
                         wait between attempts after a refused connection,
                         until the deadline (default 10)
  --version              print the version and exit

Restart policy (new; the defaults act on the first failure, as upstream):
  --failures N           act only after N consecutive failed checks (default 1)
  --successes M          M good checks in a row clear the failures (default 1)
  --grace SECONDS        leave alone a process that started less than SECONDS
                         ago (by supervisord's clock; default 0)
  --max-restarts N       restart one process at most N times per
  --restart-window SECONDS  window; then give up (one mail) until the URL
                         recovers or someone else restarts it (default: no limit)
  --restart-timeout SECONDS
                         restart without blocking supervisord: stopProcess and
                         startProcess with wait=false, then poll its state for
                         up to SECONDS per phase; a stop slower than that is
                         watched until supervisord has stopped the process,
                         then it is started (default: upstream's blocking
                         calls, bounded by the 30 s RPC deadline)
  --dry-run              log and mail what would be done; stop/start nothing
  --state-dir DIR        where restarts left unfinished are recorded, so that
                         a restarted httpok finishes them (default:
                         $SVLISTEN_STATE_DIR, /run/svlisten for root, else
                         $XDG_RUNTIME_DIR/svlisten or /tmp/svlisten-UID)
  -p GROUP:*             (new) every process of GROUP

HTTP check (new):
  --method METHOD        request method (default GET; HEAD, POST...)
  --header 'Name: value' an extra request header (repeatable)
  --user USER:PASSWORD   basic authentication (never logged or mailed)
  --not-body TEXT        restart when the body contains TEXT
  --max-redirects N      follow up to N redirects (default 0: none, as upstream)
  --connect-timeout SECONDS
                         deadline for the connection alone (default: only -t)
  --client-cert FILE     client certificate (PEM) for mTLS
  --client-key FILE      its private key (PEM), if not in --client-cert

Notifications and logs (new):
  --smtp URL             send mail over SMTP (smtp://host:port, STARTTLS when
                         offered, or smtps://) instead of -s
  --mail-from ADDRESS    sender address (required with --smtp)
  --smtp-user USER, --smtp-password PASSWORD
                         SMTP authentication
  --notify-once          one mail when an incident starts and one when it
                         recovers, instead of one per failing check
  --log-format text|json timestamped, reason-coded stderr lines for every
                         failed check and recovery; json: every stderr line
                         is a JSON object
)";
  static constexpr char kAfterFleet[] = R"(
Without -m, the reason for each restart is written to stderr as a
`Reason: ...` line after the action lines.

Example:
  httpok -p program1 -p group1:program2 -m ops@example.com http://localhost:8080/health
)";
  static const std::string* const usage =
      new std::string(absl::StrCat(kBeforeFleet, "\n", kit::kFleetUsage, kAfterFleet));
  return *usage;
}

}  // namespace httpok
}  // namespace svl
