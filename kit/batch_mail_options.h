// File: kit/batch_mail_options.h
//
// The command line of the batch notifiers (crashmailbatch, fatalmailbatch,
// crashsms), parsed as superlance parses it with Python's optparse
// (kit/command_line.h): options and positional arguments may be mixed (the
// positionals are ignored), `--opt=value`, `--opt value`, `-tvalue` and
// `-t value` all work, a value-taking option takes the next argument even
// when it starts with '-', any unique long prefix works, the last
// occurrence wins, `--` ends the options, `-h` exits where it is reached.
//
// Upstream options: -h/--help, -i/--interval MINUTES (1), -t/--toEmail
// (comma list, required), -f/--fromEmail (required), -s/--subject,
// -H/--smtpHost HOST[:PORT] (localhost), -e/--tickEvent (TICK_60),
// -u/--userName, -p/--password, --tls.
//
// Unlike upstream (fixed on purpose):
//   - -i must be a finite number of minutes > 0 (upstream took nan, inf and
//     negative numbers: a batch never or always sent); it is kept as whole
//     seconds, rounded (upstream summed floats and was a TICK late);
//   - empty items of -t are dropped (upstream sent `RCPT TO:<>`);
//   - a -H port that is not a number 1-65535 is refused at start-up
//     (upstream failed at the first mail); `[v6]:port` and a bare IPv6
//     address work;
//   - -e must be TICK_5, TICK_60 or TICK_3600 (TickEventSeconds()).
//
// Additions (long only, and resolved after upstream's options, so that
// every upstream abbreviation keeps its meaning): --smtp URL, --sendmail
// COMMAND, --tls-ca-file FILE, --tls-no-verify, --allow-plaintext-auth,
// --log-format text|json, --version; then the fleet options
// (kit/fleet_options.h).
//
// Example:
//
//   absl::StatusOr<BatchMailOptions> options = ParseBatchMailOptions(argc, argv);
//   if (!options.ok()) { stderr: OptparseErrorReport(argv[0], message); exit(2); }
//   if (options->help) { stdout: BatchMailHelp(argv[0]); exit(0); }
//   if (options->to.empty() || options->from.empty()) { stdout: help; exit(1); }

#ifndef SVL_KIT_BATCH_MAIL_OPTIONS_H_
#define SVL_KIT_BATCH_MAIL_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "kit/event_log.h"
#include "kit/fleet_options.h"

namespace svl {
namespace kit {

// Everything a batch notifier's command line says.
struct BatchMailOptions {
  // -h / --version were given: print the help / the version, exit 0.
  bool help = false;
  bool version = false;

  // -i, in whole seconds (minutes × 60, rounded; at least 1).
  std::int64_t interval_seconds = 60;
  // -t split at ',' with each item stripped and the empty ones dropped.
  std::vector<std::string> to;
  std::string from;                    // -f
  absl::optional<std::string> subject;  // -s; nullopt when not given
  // -H as an SMTP URL: "smtp://localhost:25", "smtp://[::1]:2525".
  std::string smtp_url = "smtp://localhost:25";
  std::string tick_event = "TICK_60";  // -e, as given (checked later)
  std::string user;                    // -u ("" : no login)
  std::string password;                // -p
  bool tls = false;                    // --tls: STARTTLS, required

  bool tls_no_verify = false;          // --tls-no-verify
  std::string tls_ca_file;             // --tls-ca-file ("" : system CAs)
  bool allow_plaintext_auth = false;   // --allow-plaintext-auth
  std::string sendmail;                // --sendmail ("" : SMTP)
  LogFormat log_format = LogFormat::kText;  // --log-format
  FleetOptions fleet;  // --metrics-file, --webhook, --webhook-header, --webhook-timeout
};

// ParseBatchMailOptions()
//
// Parses argv (argv[0] is ignored). Pure. Errors are kInvalidArgument with
// optparse's one-line message, for OptparseErrorReport(): "no such option:
// -x", "-t option requires 1 argument", "ambiguous option: --t
// (--tickEvent, --tls, --toEmail?)", "option -i: invalid floating-point
// value: 'abc'", "option -i: 'nan' is not a number of minutes > 0",
// "option -H: invalid port: 'x' (not a number 1-65535)", "option --smtp:
// ...", "option --log-format: 'x' is not text or json", and control
// characters in -f, -u, -p, --sendmail or --tls-ca-file.
absl::StatusOr<BatchMailOptions> ParseBatchMailOptions(int argc, const char* const argv[]);

// BatchMailHelp() is optparse's help for the program `argv0` names (its
// last '/'-separated part): upstream's 21 lines, byte for byte, then the
// additions in the same layout.
std::string BatchMailHelp(absl::string_view argv0);

// TickEventSeconds() gives the length of a TICK event -e may name:
// TICK_5 -> 5, TICK_60 -> 60, TICK_3600 -> 3600. Anything else is
// kInvalidArgument "invalid TICK event name: 'X' (TICK_5, TICK_60 or
// TICK_3600)".
absl::StatusOr<std::int64_t> TickEventSeconds(absl::string_view tick_event);

// ParsePythonFloat() reads `text` as Python's float() does for ASCII:
// surrounding blanks, a sign, digits with single '_' between them, a
// fraction, an exponent, "inf", "infinity" and "nan" in any case. Error:
// "invalid floating-point value: 'X'".
absl::StatusOr<double> ParsePythonFloat(absl::string_view text);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_BATCH_MAIL_OPTIONS_H_
