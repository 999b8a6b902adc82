#include "httpok/options.h"

#include <getopt.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "httpok/gcore.h"
#include "httpok/http_probe.h"

namespace svl {
namespace httpok {
namespace {

// Values for the long-only options (outside the char range).
enum LongOnly : int {
  kInsecure = 256,
  kCacert,
  kRetryInterval,
  kVersion,
};

// The option table. The upstream entries come first; new options are long
// only. Adding an option here can make an abbreviation ambiguous that was
// unique upstream; options_test checks that every upstream-unique prefix
// still resolves to its upstream option.
const struct option kLongOptions[] = {
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
    {"insecure", no_argument, nullptr, kInsecure},
    {"cacert", required_argument, nullptr, kCacert},
    {"retry-interval", required_argument, nullptr, kRetryInterval},
    {"version", no_argument, nullptr, kVersion},
    {nullptr, 0, nullptr, 0},
};

// '+': stop at the first non-option (Python getopt); ':': report a missing
// value as ':' rather than '?'.
constexpr char kShortOptions[] = "+:hp:at:c:b:s:m:g:d:eEn:";

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

}  // namespace

absl::StatusOr<HttpOkOptions> ParseHttpOkOptions(int argc, char* const argv[]) {
  HttpOkOptions options;
  std::string first_error;  // the first bad value; reported after -h is ruled out
  auto fail = [&first_error](std::string message) {
    if (first_error.empty()) first_error = std::move(message);
  };

  optind = 0;  // full reinitialisation of glibc's getopt state
  opterr = 0;
  while (true) {
    const int element_index = optind == 0 ? 1 : optind;
    const char* element = element_index < argc ? argv[element_index] : "";
    const int c = getopt_long(argc, argv, kShortOptions, kLongOptions, nullptr);
    if (c == -1) break;
    const std::string value = optarg != nullptr ? optarg : "";
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
      case 't': {
        double seconds = 0;
        if (!ParseSeconds(value, &seconds) || seconds <= 0 || seconds > kMaxSeconds) {
          fail(absl::StrCat("option ", OptionName(element, c), ": '", value,
                            "' is not a positive number of seconds"));
        } else {
          options.timeout = absl::Seconds(seconds);
        }
        break;
      }
      case kRetryInterval: {
        double seconds = 0;
        if (!ParseSeconds(value, &seconds) || seconds < 0 || seconds > kMaxSeconds) {
          fail(absl::StrCat("option ", OptionName(element, c), ": '", value,
                            "' is not a number of seconds >= 0"));
        } else {
          options.retry_interval = absl::Seconds(seconds);
        }
        break;
      }
      case 'c': {
        int code = 0;
        if (!absl::SimpleAtoi(value, &code) || code < 100 || code > 599) {
          fail(absl::StrCat("option ", OptionName(element, c), ": '", value,
                            "' is not an HTTP status code (100-599)"));
        } else {
          options.codes.push_back(code);
        }
        break;
      }
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
        if (value.empty()) {
          fail(absl::StrCat("option ", OptionName(element, c), ": empty file name"));
        }
        options.cacert = value;
        break;
      default:
        return absl::InternalError(absl::StrCat("unhandled option code ", c));
    }
  }
  if (options.help || options.version) return options;
  if (!first_error.empty()) return absl::InvalidArgumentError(first_error);

  std::vector<std::string> positional(argv + optind, argv + argc);
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

  if (options.codes.empty()) options.codes.push_back(200);

  if (!options.gcore.empty()) {
    absl::StatusOr<std::vector<std::string>> words = SplitShellWords(options.gcore);
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
  -c, --code STATUS      an accepted HTTP status (repeatable; default 200)
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

Without -m, the reason for each restart is written to stderr as a
`Reason: ...` line after the action lines.

Example:
  httpok -p program1 -p group1:program2 -m ops@example.com http://localhost:8080/health
)";
  return kUsage;
}

}  // namespace httpok
}  // namespace svl
