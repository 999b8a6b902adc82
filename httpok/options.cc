#include "httpok/options.h"

#include <getopt.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kit/gcore.h"
#include "httpok/http_probe.h"
#include "httpok/status_spec.h"

namespace svl {
namespace httpok {
namespace {

// Values for the long-only options (outside the char range).
enum LongOnly : int {
  kInsecure = 256,
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
};

// The option table. The upstream entries come first; new options are long
// only. kGeneration says where each generation of long options ends (see
// ResolveLongName()).
const struct option kLongOptions[] = {
    // Generation 0: upstream.
    {"help", no_argument, nullptr, 'h'},
    {"program", required_argument, nullptr, 'p'},
    {"any", no_argument, nullptr, 'a'},
    {"timeout", required_argument, nullptr, 't'},
    {"code", required_argument, nullptr, 'c'},
    {"body", required_argument, nullptr, 'b'},
    {"sendmail_program", required_argument, nullptr, 's'},
    {"email", required_argument, nullptr, 'm'},
    {"gcore", required_argument, nullptr, 'g'},
    {"coredir", required_argument, nullptr, 'd'},
    {"eager", no_argument, nullptr, 'e'},
    {"not-eager", no_argument, nullptr, 'E'},
    {"name", required_argument, nullptr, 'n'},
    // Generation 1: the first additions (issue 5).
    {"insecure", no_argument, nullptr, kInsecure},
    {"cacert", required_argument, nullptr, kCacert},
    {"retry-interval", required_argument, nullptr, kRetryInterval},
    {"version", no_argument, nullptr, kVersion},
    // Generation 2: issue 7.
    {"failures", required_argument, nullptr, kFailures},
    {"successes", required_argument, nullptr, kSuccesses},
    {"grace", required_argument, nullptr, kGrace},
    {"max-restarts", required_argument, nullptr, kMaxRestarts},
    {"restart-window", required_argument, nullptr, kRestartWindow},
    {"dry-run", no_argument, nullptr, kDryRun},
    {"method", required_argument, nullptr, kMethod},
    {"header", required_argument, nullptr, kHeader},
    {"user", required_argument, nullptr, kUser},
    {"not-body", required_argument, nullptr, kNotBody},
    {"max-redirects", required_argument, nullptr, kMaxRedirects},
    {"connect-timeout", required_argument, nullptr, kConnectTimeout},
    {"client-cert", required_argument, nullptr, kClientCert},
    {"client-key", required_argument, nullptr, kClientKey},
    {"smtp", required_argument, nullptr, kSmtp},
    {"mail-from", required_argument, nullptr, kMailFrom},
    {"smtp-user", required_argument, nullptr, kSmtpUser},
    {"smtp-password", required_argument, nullptr, kSmtpPassword},
    {"notify-once", no_argument, nullptr, kNotifyOnce},
    {"log-format", required_argument, nullptr, kLogFormat},
    {"restart-timeout", required_argument, nullptr, kRestartTimeout},
    {"state-dir", required_argument, nullptr, kStateDir},
    {nullptr, 0, nullptr, 0},
};

// The index in kLongOptions where each generation starts, and the end.
constexpr int kGenerationStart[] = {
    0, 13, 17, static_cast<int>(sizeof(kLongOptions) / sizeof(kLongOptions[0])) - 1};
constexpr int kGenerations = 3;

// '+': stop at the first non-option (Python getopt); ':': report a missing
// value as ':' rather than '?'.
constexpr char kShortOptions[] = "+:hp:at:c:b:s:m:g:d:eEn:";

bool ShortTakesValue(char c) {
  const char* at = std::strchr(kShortOptions + 2, c);
  return at != nullptr && c != ':' && at[1] == ':';
}

// The display name of the option being parsed: "-t" or "--timeout" (as the
// user spelled it, up to any '=').
std::string OptionName(const char* element, int short_option) {
  absl::string_view arg(element);
  if (absl::StartsWith(arg, "--")) {
    return std::string(arg.substr(0, arg.find('=')));
  }
  return std::string("-") + static_cast<char>(short_option);
}

// The number of table entries `prefix` (without "--") abbreviates, and
// whether one matched exactly.
int CountLongMatches(absl::string_view prefix, bool* exact) {
  int count = 0;
  *exact = false;
  for (const struct option* o = kLongOptions; o->name != nullptr; ++o) {
    if (o->name == prefix) *exact = true;
    if (absl::StartsWith(o->name, prefix)) ++count;
  }
  return count;
}

// ResolveLongName() gives the kLongOptions index of `name` (without "--"):
// an exact name, else the option of the oldest generation that has any
// option starting with `name`, if that generation has exactly one; -1 when
// nothing matches, -2 when it is ambiguous.
int ResolveLongName(absl::string_view name) {
  for (int i = 0; kLongOptions[i].name != nullptr; ++i) {
    if (kLongOptions[i].name == name) return i;
  }
  if (name.empty()) return -2;  // "--=x": every option matches
  for (int generation = 0; generation < kGenerations; ++generation) {
    int found = -1;
    int count = 0;
    for (int i = kGenerationStart[generation]; i < kGenerationStart[generation + 1]; ++i) {
      if (absl::StartsWith(kLongOptions[i].name, name)) {
        found = i;
        ++count;
      }
    }
    if (count == 1) return found;
    if (count > 1) return -2;
  }
  return -1;
}

// CanonicalizeArgs() is the pre-pass: it walks argv as getopt will (stop at
// the first non-option or after "--"; a value-taking option consumes the
// rest of its element or the next one) and rewrites each long option to its
// full name, so that getopt_long only ever sees exact names. An unknown or
// ambiguous name is an error, reported as getopt would word it.
absl::Status CanonicalizeArgs(std::vector<std::string>* args) {
  for (size_t i = 1; i < args->size(); ++i) {
    const std::string& arg = (*args)[i];
    if (arg == "--") return absl::OkStatus();
    if (arg.size() < 2 || arg[0] != '-') return absl::OkStatus();  // first non-option
    if (arg[1] == '-') {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const int index = ResolveLongName(name);
      if (index == -1) return absl::InvalidArgumentError(absl::StrCat("option --", name, " not recognized"));
      if (index == -2) {
        return absl::InvalidArgumentError(absl::StrCat("option --", name, " not a unique prefix"));
      }
      const struct option& o = kLongOptions[index];
      (*args)[i] = absl::StrCat("--", o.name, eq == std::string::npos ? "" : arg.substr(eq));
      if (o.has_arg == required_argument && eq == std::string::npos) ++i;  // its value
      continue;
    }
    for (size_t k = 1; k < arg.size(); ++k) {
      if (ShortTakesValue(arg[k])) {
        if (k + 1 == arg.size()) ++i;  // the value is the next element
        break;
      }
    }
  }
  return absl::OkStatus();
}

std::string MalformedMessage(const char* element, int short_option) {
  absl::string_view arg(element);
  if (absl::StartsWith(arg, "--")) {
    absl::string_view name = arg.substr(2, arg.find('=') == absl::string_view::npos
                                               ? absl::string_view::npos
                                               : arg.find('=') - 2);
    bool exact = false;
    int matches = CountLongMatches(name, &exact);
    if (matches == 0) return absl::StrCat("option --", name, " not recognized");
    if (matches > 1 && !exact) return absl::StrCat("option --", name, " not a unique prefix");
    return absl::StrCat("option --", name, " must not have an argument");
  }
  return absl::StrCat("option -", std::string(1, static_cast<char>(short_option)),
                      " not recognized");
}

// ParseSeconds() accepts a finite decimal number of seconds (fractions
// allowed, surrounding blanks ignored).
bool ParseSeconds(absl::string_view text, double* seconds) {
  double value = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &value)) return false;
  if (!std::isfinite(value)) return false;
  *seconds = value;
  return true;
}

// The most seconds a timeout may hold (a year; beyond is certainly a typo).
constexpr double kMaxSeconds = 365.0 * 24 * 3600;
// The smallest positive duration (1 ms).
constexpr double kMinPositiveSeconds = 0.001;
// The largest count any counting option accepts.
constexpr int kMaxCount = 1000000;

bool HasControlChars(absl::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// RFC 9110 token characters (method and header names).
bool IsToken(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::StrContains("!#$%&'*+-.^_`|~", c);
  });
}

// Parses one option value into the options; errors go to `fail` (the first
// is reported once -h is ruled out). `name` is the option as spelled.
class ValueParser {
 public:
  explicit ValueParser(std::string* first_error) : first_error_(first_error) {}

  void Fail(const std::string& name, const std::string& why) {
    if (first_error_->empty()) *first_error_ = absl::StrCat("option ", name, ": ", why);
  }

  // Seconds within [min, kMaxSeconds]; `positive` excludes min itself.
  bool Seconds(const std::string& name, const std::string& value, bool positive,
               absl::Duration* out) {
    double seconds = 0;
    if (!ParseSeconds(value, &seconds) || seconds < 0 || (positive && seconds == 0) ||
        seconds > kMaxSeconds) {
      Fail(name, absl::StrCat("'", value, "' is not a ",
                              positive ? "positive number of seconds" : "number of seconds >= 0"));
      return false;
    }
    // libcurl and poll() count whole milliseconds: less would be no time at
    // all (a 1e-9 s check deadline fails every check).
    if (positive && seconds < kMinPositiveSeconds) {
      Fail(name, absl::StrCat("'", value, "' is below the smallest duration, 0.001 seconds"));
      return false;
    }
    *out = absl::Seconds(seconds);
    return true;
  }

  // An integer within [min, max].
  template <typename Int>
  bool Count(const std::string& name, const std::string& value, int min, int max, Int* out) {
    int n = 0;
    if (!absl::SimpleAtoi(value, &n) || n < min || n > max) {
      Fail(name, absl::StrCat("'", value, "' is not an integer ", min == 0 ? ">= 0" : ">= 1",
                              max < kMaxCount ? absl::StrCat(" and <= ", max) : ""));
      return false;
    }
    *out = n;
    return true;
  }

  void NonEmpty(const std::string& name, const std::string& value, const char* what,
                std::string* out) {
    if (value.empty()) Fail(name, absl::StrCat("empty ", what));
    if (HasControlChars(value)) Fail(name, "control character in value");
    *out = value;
  }

 private:
  std::string* first_error_;
};

// Checks that need several options (after every option was seen).
std::string CrossCheck(const HttpOkOptions& options) {
  if (absl::Status policy = kit::ValidatePolicyOptions(options.policy); !policy.ok()) {
    return std::string(policy.message());
  }
  if (options.policy.restart_window > absl::ZeroDuration() && options.policy.max_restarts == 0) {
    return "option --restart-window needs --max-restarts";
  }
  if (!options.client_key.empty() && options.client_cert.empty()) {
    return "option --client-key needs --client-cert";
  }
  if (!options.smtp.empty() && options.mail_from.empty()) return "option --smtp needs --mail-from";
  if (options.smtp.empty() &&
      !(options.mail_from.empty() && options.smtp_user.empty() && options.smtp_password.empty())) {
    return "options --mail-from, --smtp-user and --smtp-password need --smtp";
  }
  if (!options.smtp_password.empty() && options.smtp_user.empty()) {
    return "option --smtp-password needs --smtp-user";
  }
  return "";
}

}  // namespace

absl::StatusOr<HttpOkOptions> ParseHttpOkOptions(int argc, char* const argv[]) {
  HttpOkOptions options;
  std::string first_error;  // the first bad value; reported after -h is ruled out
  ValueParser parse(&first_error);
  auto fail = [&first_error](std::string message) {
    if (first_error.empty()) first_error = std::move(message);
  };

  // The pre-pass: long options rewritten to their full names (see
  // ResolveLongName()); `original` keeps the user's spelling for messages.
  std::vector<std::string> original(argv, argv + argc);
  std::vector<std::string> args = original;
  if (absl::Status status = CanonicalizeArgs(&args); !status.ok()) return status;
  std::vector<char*> rewritten;
  for (std::string& arg : args) rewritten.push_back(arg.data());
  rewritten.push_back(nullptr);
  char* const* const av = rewritten.data();

  optind = 0;  // full reinitialisation of glibc's getopt state
  opterr = 0;
  while (true) {
    const int element_index = optind == 0 ? 1 : optind;
    const char* element = element_index < argc ? original[element_index].c_str() : "";
    const int c = getopt_long(argc, av, kShortOptions, kLongOptions, nullptr);
    if (c == -1) break;
    const std::string value = optarg != nullptr ? optarg : "";
    const std::string name = OptionName(element, c);
    switch (c) {
      case ':':
        return absl::InvalidArgumentError(
            absl::StrCat("option ", OptionName(element, optopt), " requires an argument"));
      case '?':
        return absl::InvalidArgumentError(MalformedMessage(element, optopt));
      case 'h':
        options.help = true;
        break;
      case kVersion:
        options.version = true;
        break;
      case 'p':
        options.programs.push_back(value);
        break;
      case 'a':
        options.any = true;
        break;
      case 't':
        parse.Seconds(name, value, /*positive=*/true, &options.timeout);
        break;
      case kRetryInterval:
        parse.Seconds(name, value, /*positive=*/false, &options.retry_interval);
        break;
      case 'c':
        if (absl::StatusOr<StatusSpec> spec = ParseStatusSpec({value}); !spec.ok()) {
          parse.Fail(name, std::string(spec.status().message()));
        }
        options.code_values.push_back(value);
        break;
      case 'b':
        options.body = value;
        break;
      case 's':
        options.sendmail = value;
        break;
      case 'm':
        options.email = value;
        break;
      case 'g':
        options.gcore = value;
        break;
      case 'd':
        options.coredir = value;
        break;
      case 'e':
        options.eager = true;
        break;
      case 'E':
        options.eager = false;
        break;
      case 'n':
        options.name = value;
        break;
      case kInsecure:
        options.insecure = true;
        break;
      case kCacert:
        if (value.empty()) fail(absl::StrCat("option ", name, ": empty file name"));
        options.cacert = value;
        break;
      case kFailures:
        parse.Count(name, value, 1, kMaxCount, &options.policy.failures);
        break;
      case kSuccesses:
        parse.Count(name, value, 1, kMaxCount, &options.policy.successes);
        break;
      case kGrace:
        parse.Seconds(name, value, /*positive=*/false, &options.policy.grace);
        break;
      case kMaxRestarts:
        // 0 would mean "no limit", which leaving the option out already says.
        if (int n = -1; absl::SimpleAtoi(value, &n) && n == 0) {
          parse.Fail(name, "'0' is not an integer >= 1 (leave --max-restarts out for no limit)");
        } else {
          parse.Count(name, value, 1, kMaxCount, &options.policy.max_restarts);
        }
        break;
      case kRestartWindow:
        parse.Seconds(name, value, /*positive=*/true, &options.policy.restart_window);
        break;
      case kRestartTimeout:
        parse.Seconds(name, value, /*positive=*/true, &options.restart_timeout);
        break;
      case kDryRun:
        options.dry_run = true;
        break;
      case kMethod:
        if (!IsToken(value)) parse.Fail(name, absl::StrCat("'", value, "' is not an HTTP method"));
        options.method = value;
        break;
      case kHeader: {
        const size_t colon = value.find(':');
        if (colon == std::string::npos || !IsToken(value.substr(0, colon)) ||
            HasControlChars(value)) {
          parse.Fail(name, absl::StrCat("'", value, "' is not a header 'Name: value'"));
        }
        options.headers.push_back(value);
        break;
      }
      case kUser:
        // Never quote the value: it holds a password.
        if (value.find(':') == std::string::npos || value[0] == ':' || HasControlChars(value)) {
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
        parse.Seconds(name, value, /*positive=*/true, &options.connect_timeout);
        break;
      case kClientCert:
        parse.NonEmpty(name, value, "file name", &options.client_cert);
        break;
      case kClientKey:
        parse.NonEmpty(name, value, "file name", &options.client_key);
        break;
      case kSmtp: {
        const std::string lower = absl::AsciiStrToLower(value);
        if (!(absl::StartsWith(lower, "smtp://") || absl::StartsWith(lower, "smtps://")) ||
            HasControlChars(value)) {
          parse.Fail(name, absl::StrCat("'", RedactUrl(value),
                                        "' is not an smtp:// or smtps:// URL"));
        }
        options.smtp = value;
        break;
      }
      case kMailFrom:
        parse.NonEmpty(name, value, "address", &options.mail_from);
        break;
      case kSmtpUser:
        parse.NonEmpty(name, value, "user", &options.smtp_user);
        break;
      case kSmtpPassword:
        if (HasControlChars(value)) parse.Fail(name, "control character in value");
        options.smtp_password = value;
        break;
      case kNotifyOnce:
        options.notify_once = true;
        break;
      case kStateDir:
        parse.NonEmpty(name, value, "directory", &options.state_dir);
        break;
      case kLogFormat:
        if (absl::StatusOr<LogFormat> format = ParseLogFormat(value); format.ok()) {
          options.log_format = *format;
          options.log_format_given = true;
        } else {
          parse.Fail(name, absl::StrCat("'", value, "' is not text or json"));
        }
        break;
      default:
        return absl::InternalError(absl::StrCat("unhandled option code ", c));
    }
  }
  if (options.help || options.version) return options;
  if (!first_error.empty()) return absl::InvalidArgumentError(first_error);
  if (std::string error = CrossCheck(options); !error.empty()) {
    return absl::InvalidArgumentError(error);
  }

  std::vector<std::string> positional(original.begin() + optind, original.end());
  if (positional.empty()) return absl::InvalidArgumentError("no URL given");
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "more than one URL given (options must come before the URL): ",
        absl::StrJoin(positional, " ")));
  }
  options.url = positional[0];
  if (absl::Status url = ValidateProbeUrl(options.url); !url.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("URL '", RedactUrl(options.url), "': ", url.message()));
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
  static constexpr char kUsage[] =
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
                         up to SECONDS per phase (default: upstream's blocking
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

Without -m, the reason for each restart is written to stderr as a
`Reason: ...` line after the action lines.

Example:
  httpok -p program1 -p group1:program2 -m ops@example.com http://localhost:8080/health
)";
  return kUsage;
}

}  // namespace httpok
}  // namespace svl
