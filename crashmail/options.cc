#include "crashmail/options.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "kit/command_line.h"
#include "kit/fleet_options.h"
#include "kit/listener_options.h"
#include "kit/option_values.h"
#include "kit/python_text.h"

namespace svl {
namespace crashmail {
namespace {

using kit::OptionSpec;
using kit::OptionValueError;

enum OptionId : int {
  kHelp,
  kProgram,
  kAny,
  kOptionalHeader,
  kSendmail,
  kEmail,
  kSmtp,
  kMailFrom,
  kSmtpUser,
  kSmtpPassword,
  kBatch,
  kLogFormat,
  kVersion,
  kFleet,  // --metrics-file, --webhook, --webhook-header, --webhook-timeout
};

// The option table: upstream's short spec `hp:ao:s:m:` and long options at
// precedence 0; the additions at 1, so that a prefix means the upstream
// option it meant upstream (`--s` is still --sendmail_program).
constexpr OptionSpec kOptions[] = {
    {kHelp, 'h', "help", false, 0},
    {kProgram, 'p', "program", true, 0},
    {kAny, 'a', "any", false, 0},
    {kOptionalHeader, 'o', "optionalheader", true, 0},
    {kSendmail, 's', "sendmail_program", true, 0},
    {kEmail, 'm', "email", true, 0},
    {kSmtp, '\0', "smtp", true, 1},
    {kMailFrom, '\0', "mail-from", true, 1},
    {kSmtpUser, '\0', "smtp-user", true, 1},
    {kSmtpPassword, '\0', "smtp-password", true, 1},
    {kBatch, '\0', "batch", true, 1},
    {kLogFormat, '\0', "log-format", true, 1},
    {kVersion, '\0', "version", false, 1},
    {kFleet, '\0', "metrics-file", true, 2},
    {kFleet, '\0', "webhook", true, 2},
    {kFleet, '\0', "webhook-header", true, 2},
    {kFleet, '\0', "webhook-timeout", true, 2},
};

// Applies one option; `spelling` names the additions as written.
absl::Status Apply(const kit::OptionOccurrence& option, CrashmailOptions& options) {
  const std::string& value = option.value;
  const std::string& spelling = option.spelling;
  switch (option.id) {
    case kHelp:
      options.help = true;
      return absl::OkStatus();
    case kVersion:
      options.version = true;
      return absl::OkStatus();
    case kProgram:
      options.programs.push_back(value);
      return absl::OkStatus();
    case kAny:
      options.any = true;
      return absl::OkStatus();
    case kOptionalHeader:
      options.optional_header = value;
      return absl::OkStatus();
    case kSendmail:
      options.sendmail = value;
      return absl::OkStatus();
    case kEmail:
      options.email = value;
      return absl::OkStatus();
    case kSmtp:
      return kit::SetSmtpUrlOption(spelling, value, &options.smtp);
    case kMailFrom:
      return kit::SetOneLineOption(spelling, value, "address", &options.mail_from);
    case kSmtpUser:
      return kit::SetOneLineOption(spelling, value, "user", &options.smtp_user);
    case kSmtpPassword:
      return kit::SetSmtpPasswordOption(spelling, value, &options.smtp_password);
    case kBatch: {
      absl::StatusOr<absl::Duration> seconds =
          kit::ParseSeconds(value, kit::SecondsBound::kPositive);
      if (!seconds.ok()) return OptionValueError(spelling, seconds.status());
      options.batch = *seconds;
      return absl::OkStatus();
    }
    case kFleet:
      return kit::SetFleetOption(option.name, spelling, value, &options.fleet);
    case kLogFormat: {
      absl::StatusOr<kit::LogFormat> format = kit::ParseLogFormatOption(value);
      if (!format.ok()) return OptionValueError(spelling, format.status());
      options.log_format = *format;
      return absl::OkStatus();
    }
  }
  return absl::InternalError(absl::StrCat("unhandled option ", option.name));
}

}  // namespace

absl::StatusOr<CrashmailOptions> ParseCrashmailOptions(int argc, const char* const argv[]) {
  absl::StatusOr<kit::ParsedCommandLine> line =
      kit::ParseCommandLine(argc, argv, kOptions, kit::OptionSyntax::kGetopt);
  if (!line.ok()) return line.status();

  CrashmailOptions options;
  for (const kit::OptionOccurrence& option : line->options) {
    if (absl::Status status = Apply(option, options); !status.ok()) return status;
    if (options.help || options.version) return options;
  }
  if (!line->positionals.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument ", kit::PythonRepr(line->positionals.front())));
  }
  if (absl::Status smtp = kit::CheckSmtpOptionSet(options.smtp, options.mail_from,
                                                  options.smtp_user, options.smtp_password);
      !smtp.ok()) {
    return smtp;
  }
  return options;
}

absl::string_view CrashmailUsage() {
  static constexpr char kBeforeFleet[] =
      R"(usage: crashmail [options]

A supervisord event listener (subscribe it to PROCESS_STATE_EXITED): it mails
when a supervisord process exits unexpectedly (an exit code not in the
program's exitcodes).

Options (the same as superlance's crashmail; long options may be abbreviated):
  -h, --help             print this text and exit
  -p, --program NAME     mail about the process NAME (`name`, `group:name` or
                         `group:*`; repeatable)
  -a, --any              mail about every process (also the default without
                         -p); overrides -p
  -o, --optionalheader TEXT
                         prefix mail subjects with `TEXT:`
  -s, --sendmail_program COMMAND
                         mail command reading the message on stdin (default
                         "/usr/sbin/sendmail -t -i"; run by /bin/sh -c)
  -m, --email ADDRESS    mail to ADDRESS; without it nothing is mailed

Additions (long options only):
  --smtp URL             send mail over SMTP (smtp://host:port, STARTTLS when
                         offered, or smtps://) instead of -s
  --mail-from ADDRESS    sender address (required with --smtp)
  --smtp-user USER, --smtp-password PASSWORD
                         SMTP authentication
  --batch SECONDS        one mail per SECONDS holding every crash, sent with the
                         first event after them (subscribe to TICK_5 or TICK_60
                         too, so that one comes); a process crashing again and
                         again is one line with a count
  --log-format text|json timestamped, reason-coded stderr lines; json: every
                         stderr line is a JSON object
  --version              print the version and exit
)";
  static constexpr char kAfterFleet[] = R"(
Example:
  crashmail -p program1 -p group1:program2 -m dev@example.com -o host1
)";
  static const std::string* const usage =
      new std::string(absl::StrCat(kBeforeFleet, "\n", kit::kFleetUsage, kAfterFleet));
  return *usage;
}

}  // namespace crashmail
}  // namespace svl
