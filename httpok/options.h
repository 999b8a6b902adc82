// File: httpok/options.h
//
// httpok's command line, parsed exactly as superlance's httpok parses it with
// Python's getopt: short options may be clustered (`-ae`) and take attached
// values (`-pfoo`), long options may be abbreviated to a unique prefix
// (`--prog=foo`, `--not`), parsing stops at the first non-option (so options
// after the URL are an error), `--` ends the options, and exactly one URL must
// remain.
//
// Unlike upstream, every value is validated here, before the first READY:
// `-t` must be a positive number of seconds (fractions allowed), `-c` an
// integer 100-599, the URL an http:// or https:// URL, `-g` well-formed
// shell words. The error is one line naming the option.
//
// Upstream options: -p/--program (repeatable), -a/--any, -g/--gcore,
// -d/--coredir, -t/--timeout, -c/--code (repeatable), -b/--body,
// -s/--sendmail_program, -m/--email, -e/--eager, -E/--not-eager, -n/--name,
// -h/--help. Additions (long only, never a new short letter): --insecure,
// --cacert FILE, --retry-interval SECONDS, --version.
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

namespace svl {
namespace httpok {

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
  std::vector<int> codes;              // -c, default {200}
  std::string body;                    // -b ("" : body not checked)
  std::string sendmail = kDefaultSendmail;  // -s, a shell command
  std::string email;                   // -m ("" : no mail)
  bool eager = true;                   // -e / -E, last wins
  std::string name;                    // -n, for mail subjects
  std::string url;                     // the one positional argument

  bool insecure = false;               // --insecure
  std::string cacert;                  // --cacert FILE
  absl::Duration retry_interval = absl::Seconds(10);  // --retry-interval, >= 0

  // Not from the command line: httpok's own names under supervisord
  // (SUPERVISOR_GROUP_NAME / SUPERVISOR_PROCESS_NAME), so that `-a` never
  // restarts httpok itself. Empty when unknown. Filled in by main().
  std::string self_group;
  std::string self_name;
};

// ParseHttpOkOptions()
//
// Parses argv (argv[0] is the program name and is ignored). Pure apart from
// the getopt globals, which it resets (optind = 0) on every call; not
// thread-safe. Errors are kInvalidArgument with a one-line message naming the
// option, e.g.
//   "option -x not recognized", "option --e not a unique prefix",
//   "option -t requires an argument", "option --any must not have an argument",
//   "option -t: '0' is not a positive number of seconds",
//   "option -c: '700' is not an HTTP status code (100-599)",
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
