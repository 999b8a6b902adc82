// File: crashmail/options.h
//
// crashmail's command line, parsed as superlance's crashmail parses it with
// Python's getopt (kit/command_line.h): short options may be clustered
// (`-ap web`) and take attached values (`-pweb`), long options may be
// abbreviated to a unique prefix (`--prog web`, `--opt host1`), `--` ends
// the options. Options are read in command-line order; `-h` exits where it
// is reached (a later bad value is not checked). An empty command line is
// fine, as upstream.
//
// Upstream options: -p/--program NAME (repeatable; `name`, `group:name`, or
// `group:*`), -a/--any, -o/--optionalheader TEXT (subject prefix),
// -s/--sendmail_program COMMAND, -m/--email ADDRESS, -h/--help.
//
// Unlike upstream (fixed on purpose):
//   - -p and -a select the processes mailed about (upstream stored them and
//     mailed about every process);
//   - a positional argument is an error (upstream silently stopped parsing
//     there and dropped every option after it).
//
// Additions (long only; a prefix resolves to an upstream option first, so
// every upstream abbreviation keeps its meaning): --smtp URL, --mail-from
// ADDRESS, --smtp-user USER, --smtp-password PASSWORD, --batch SECONDS,
// --log-format text|json, --version.
//
// Example:
//
//   absl::StatusOr<CrashmailOptions> options = ParseCrashmailOptions(argc, argv);
//   if (!options.ok()) { stderr: "crashmail: " + message + "\n" + CrashmailUsage(); exit(255); }
//   if (options->help) { stdout: CrashmailUsage(); exit(0); }

#ifndef SVL_CRASHMAIL_OPTIONS_H_
#define SVL_CRASHMAIL_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kit/event_log.h"
#include "kit/fleet_options.h"

namespace svl {
namespace crashmail {

inline constexpr char kDefaultSendmail[] = "/usr/sbin/sendmail -t -i";

// Everything crashmail's command line says.
struct CrashmailOptions {
  // -h / --version were given: print CrashmailUsage() / the version, exit 0.
  // Options after them are not read.
  bool help = false;
  bool version = false;

  std::vector<std::string> programs;        // -p, as given, in order
  bool any = false;                         // -a: every process (as no -p)
  std::string optional_header;              // -o ("" : no subject prefix)
  std::string sendmail = kDefaultSendmail;  // -s, run through /bin/sh
  std::string email;                        // -m ("" : no mail)

  std::string smtp;           // --smtp URL ("" : -s)
  std::string mail_from;      // --mail-from (required with --smtp)
  std::string smtp_user;      // --smtp-user
  std::string smtp_password;  // --smtp-password (needs --smtp-user)
  // --batch: > 0 gathers the crashes of this long into one mail, sent with
  // the first event (e.g. a TICK) after it; 0 (default): one mail per
  // crash, as upstream.
  absl::Duration batch = absl::ZeroDuration();
  kit::LogFormat log_format = kit::LogFormat::kText;  // --log-format
  kit::FleetOptions fleet;  // --metrics-file, --webhook, --webhook-header, --webhook-timeout
};

// ParseCrashmailOptions()
//
// Parses argv (argv[0] is the program name and is ignored). Pure. Errors are
// kInvalidArgument, one line: a malformed command line first (getopt reads
// it whole: "option -x not recognized", "option -p requires an argument",
// ...), then the first bad value in command-line order, named as written
// ("option --batch: '0' is not a positive number of seconds", "option
// --log-format: 'x' is not text or json"), then a positional argument
// ("unexpected argument 'http://x/'"), then the checks across options
// ("option --smtp needs --mail-from", ...).
absl::StatusOr<CrashmailOptions> ParseCrashmailOptions(int argc, const char* const argv[]);

// CrashmailUsage() is the usage text (ends with '\n'): upstream's options
// in upstream's order, then the additions.
absl::string_view CrashmailUsage();

// kCrashmailVersion is printed by --version.
inline constexpr char kCrashmailVersion[] = "crashmail (svlisten) 0.1.0";

}  // namespace crashmail
}  // namespace svl

#endif  // SVL_CRASHMAIL_OPTIONS_H_
