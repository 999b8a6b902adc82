// File: httpok/options.h
//
// httpok's command line, parsed exactly as superlance's httpok parses it with
// Python's getopt (kit/command_line.h): short options may be clustered
// (`-ae`) and take attached values (`-pfoo`), long options may be abbreviated
// to a unique prefix (`--prog=foo`, `--not`), parsing stops at the first
// non-option (so options after the URL are an error), `--` ends the options,
// and exactly one URL must remain.
//
// Unlike upstream, every value is validated here, before the first READY:
// `-t` must be a positive number of seconds (fractions allowed), `-c` codes,
// lists or ranges within 100-599, the URL an http:// or https:// URL, `-g` well-formed
// shell words. The error is one line naming the option.
//
// Upstream options: -p/--program (repeatable), -a/--any, -g/--gcore,
// -d/--coredir, -t/--timeout, -c/--code (repeatable), -b/--body,
// -s/--sendmail_program, -m/--email, -e/--eager, -E/--not-eager, -n/--name,
// -h/--help. Additions (long only, never a new short letter): --insecure,
// --cacert FILE, --retry-interval SECONDS, --version, then --failures N,
// --successes M, --grace SECONDS, --max-restarts N, --restart-window SECONDS,
// --restart-timeout SECONDS, --dry-run, --method M, --header 'Name: value'
// (repeatable), --user user:password, --not-body TEXT, --max-redirects N,
// --connect-timeout SECONDS, --client-cert FILE, --client-key FILE, --smtp
// URL, --mail-from ADDRESS, --smtp-user USER, --smtp-password PASSWORD,
// --notify-once, --log-format text|json, --state-dir DIR. `-c` takes lists and
// ranges (status_spec.h).
//
// Abbreviations: a long option may be abbreviated to a prefix, as with
// getopt. A prefix resolves to the option of the OLDEST generation it
// abbreviates uniquely: upstream's options first, then the first additions
// (--insecure, --cacert, --retry-interval, --version), then the rest. So
// every abbreviation that was valid upstream keeps its meaning (`--not` is
// still --not-eager although --not-body and --notify-once exist, `--he` is
// still --help, `--s` --sendmail_program, `--g` --gcore), `--n` and `--e`
// stay ambiguous, and a new option is reached by a prefix that no older
// option has (`--not-b`, `--noti`, `--hea`, `--gr`).
//
// Example:
//
//   absl::StatusOr<HttpOkOptions> options = ParseHttpOkOptions(argc, argv);
//   if (!options.ok()) { print options.status().message() and HttpOkUsage(); exit(255); }
//   if (options->help) { print HttpOkUsage() to stdout; exit(0); }

#ifndef SVL_HTTPOK_OPTIONS_H_
#define SVL_HTTPOK_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "httpok/status_spec.h"
#include "kit/event_log.h"
#include "kit/fleet_options.h"
#include "kit/restart_policy.h"

namespace svl {
namespace httpok {

using kit::LogFormat;
using kit::ParseLogFormat;

inline constexpr char kDefaultGcore[] = "/usr/bin/gcore -o";
inline constexpr char kDefaultSendmail[] = "/usr/sbin/sendmail -t -i";

struct HttpOkOptions {
  // -h / --version were given: print HttpOkUsage() / the version, exit 0.
  // The other fields are then not validated and may be partial.
  bool help = false;
  bool version = false;

  std::vector<std::string> programs;  // -p, in order, `name` or `group:name`
  bool any = false;                    // -a
  std::string gcore = kDefaultGcore;   // -g as given ("" disables gcore)
  std::vector<std::string> gcore_words;  // -g split into argv words
  std::string coredir;                 // -d ("" : no gcore)
  absl::Duration timeout = absl::Seconds(10);  // -t, total deadline, > 0
  std::vector<std::string> code_values;  // -c values as given
  StatusSpec codes;                    // -c parsed; default {200}
  std::string body;                    // -b ("" : body not checked)
  std::string sendmail = kDefaultSendmail;  // -s, a shell command
  std::string email;                   // -m ("" : no mail)
  bool eager = true;                   // -e / -E, last wins
  std::string name;                    // -n, for mail subjects
  std::string url;                     // the one positional argument

  bool insecure = false;               // --insecure
  std::string cacert;                  // --cacert FILE
  absl::Duration retry_interval = absl::Seconds(10);  // --retry-interval, >= 0

  // Every default below keeps upstream's behaviour.
  kit::PolicyOptions policy;        // --failures --successes --grace --max-restarts --restart-window
  // --restart-timeout: > 0 restarts with wait=false + polling (restarter.h),
  // each phase under this deadline; 0 (default): upstream's wait=true calls.
  absl::Duration restart_timeout = absl::ZeroDuration();
  bool dry_run = false;        // --dry-run: say what would be done, stop/start nothing
  std::string state_dir;       // --state-dir ("" : kit::DefaultStateDir())
  std::string method = "GET";  // --method, an HTTP token
  std::vector<std::string> headers;  // --header 'Name: value', in order
  std::string user;            // --user user:password (basic auth)
  std::string not_body;        // --not-body TEXT ("" : not checked)
  long max_redirects = 0;      // --max-redirects, 0..50 (0: not followed)
  absl::Duration connect_timeout = absl::ZeroDuration();  // --connect-timeout (0: none)
  std::string client_cert;     // --client-cert FILE
  std::string client_key;      // --client-key FILE (needs --client-cert)
  std::string smtp;            // --smtp smtp://host[:port] or smtps://... ("" : sendmail)
  std::string mail_from;       // --mail-from ADDRESS (required with --smtp)
  std::string smtp_user;       // --smtp-user
  std::string smtp_password;   // --smtp-password (needs --smtp-user)
  bool notify_once = false;    // --notify-once
  LogFormat log_format = LogFormat::kText;  // --log-format
  bool log_format_given = false;            // --log-format was on the command line
  kit::FleetOptions fleet;  // --metrics-file, --webhook, --webhook-header, --webhook-timeout

  // Not from the command line: httpok's own names under supervisord
  // (SUPERVISOR_GROUP_NAME / SUPERVISOR_PROCESS_NAME), so that `-a` never
  // restarts httpok itself. Empty when unknown. Filled in by main().
  std::string self_group;
  std::string self_name;
};

// ParseHttpOkOptions()
//
// Parses argv (argv[0] is the program name and is ignored). Pure: argv is
// only read, and no global state is kept. Errors are kInvalidArgument with a
// one-line message naming the option as written, the first in command-line
// order for a malformed command line, e.g.
//   "option -x not recognized", "option --e not a unique prefix",
//   "option -t requires an argument", "option --any must not have an argument",
//   "option -t: '0' is not a positive number of seconds",
//   "option -c: bad -c/--code value \"700\": 700 is outside 100-599",
//   "option --failures: '0' is not an integer >= 1",
//   "option --smtp needs --mail-from",
//   "URL 'ftp://x/': Bad scheme ftp", "no URL given", "more than one URL given: ...".
// `-h`/`--help` (or `--version`) anywhere among the options wins over every
// error except a malformed command line (unknown option, missing value).
absl::StatusOr<HttpOkOptions> ParseHttpOkOptions(int argc, char* const argv[]);

// HttpOkUsage() is the usage text (ends with '\n').
absl::string_view HttpOkUsage();

// kHttpOkVersion is printed by --version.
inline constexpr char kHttpOkVersion[] = "httpok (svlisten) 0.1.0";

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_OPTIONS_H_
