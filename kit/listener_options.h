// File: kit/listener_options.h
//
// Checks of the long options every listener adds to its upstream command
// line with the same meaning: the restart policy (--failures, --grace,
// --max-restarts, --restart-window), mail over SMTP (--smtp, --mail-from,
// --smtp-user, --smtp-password) and --log-format. One place for them keeps
// their error texts the same in every listener.
//
// Single values return the reason only (`'0' is not an integer >= 1`); the
// caller names the option with OptionValueError() (kit/option_values.h).
// Checks across options return the whole one-line message.
//
// Example:
//
//   absl::StatusOr<int> n = ParseMaxRestarts(value);
//   if (!n.ok()) return OptionValueError(spelling, n.status());
//   ...after every option:
//   if (absl::Status s = CheckPolicyOptionSet(options.policy); !s.ok()) return s;
//   if (absl::Status s = CheckSmtpOptionSet(smtp, from, user, password); !s.ok()) return s;

#ifndef SVL_KIT_LISTENER_OPTIONS_H_
#define SVL_KIT_LISTENER_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kit/event_log.h"
#include "kit/restart_policy.h"

namespace svl {
namespace kit {

// ParseMaxRestarts() reads --max-restarts: an integer >= 1 (ParseCount()).
// 0 would mean "no limit", which leaving the option out already says, so it
// gets its own reason: "'0' is not an integer >= 1 (leave --max-restarts out
// for no limit)".
absl::StatusOr<int> ParseMaxRestarts(absl::string_view value);

// CheckSmtpUrl() accepts an smtp:// or smtps:// URL (scheme in any case)
// without control characters. Reason: "'URL' is not an smtp:// or smtps://
// URL", the URL's password redacted.
absl::Status CheckSmtpUrl(absl::string_view value);

// CheckSmtpPassword() accepts any --smtp-password without control
// characters. Reason: "control character in value" (never the value).
absl::Status CheckSmtpPassword(absl::string_view value);

// SetSmtpUrlOption() and SetSmtpPasswordOption() store `value` in `*out`
// when CheckSmtpUrl() / CheckSmtpPassword() accept it; else they return
// OptionValueError(name, that reason) and leave `*out` as it was.
absl::Status SetSmtpUrlOption(absl::string_view name, absl::string_view value, std::string* out);
absl::Status SetSmtpPasswordOption(absl::string_view name, absl::string_view value,
                                   std::string* out);

// SmtpSecretForms() is every form in which an SMTP password may come back
// in a server's reply, to be kept out of the logs (ListenerOutput::
// AddSecret()): the password itself and the base64 of what AUTH PLAIN
// ("\0user\0password", "user\0user\0password") and AUTH LOGIN (the
// password) send. Empty for an empty password.
std::vector<std::string> SmtpSecretForms(absl::string_view user, absl::string_view password);

// ParseLogFormatOption() is ParseLogFormat() with the reason "'X' is not
// text or json".
absl::StatusOr<LogFormat> ParseLogFormatOption(absl::string_view value);

// CheckPolicyOptionSet() checks the policy options together:
// ValidatePolicyOptions(), then "option --restart-window needs
// --max-restarts".
absl::Status CheckPolicyOptionSet(const PolicyOptions& policy);

// CheckSmtpOptionSet() checks the mail options together (empty: not
// given), first failure first: "option --smtp needs --mail-from",
// "options --mail-from, --smtp-user and --smtp-password need --smtp",
// "option --smtp-password needs --smtp-user".
absl::Status CheckSmtpOptionSet(absl::string_view smtp, absl::string_view mail_from,
                                absl::string_view smtp_user, absl::string_view smtp_password);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_LISTENER_OPTIONS_H_
