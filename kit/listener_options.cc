#include "kit/listener_options.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/control_chars.h"
#include "base/url_redaction.h"
#include "kit/option_values.h"
#include "kit/python_text.h"

namespace svl {
namespace kit {

absl::StatusOr<int> ParseMaxRestarts(absl::string_view value) {
  if (int n = -1; absl::SimpleAtoi(value, &n) && n == 0) {
    return absl::InvalidArgumentError(
        "'0' is not an integer >= 1 (leave --max-restarts out for no limit)");
  }
  return ParseCount(value, 1, kMaxCount);
}

absl::Status CheckSmtpUrl(absl::string_view value) {
  const std::string lower = absl::AsciiStrToLower(value);
  if (!(absl::StartsWith(lower, "smtp://") || absl::StartsWith(lower, "smtps://")) ||
      base::HasAsciiControl(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(PythonRepr(base::RedactUrl(value)), " is not an smtp:// or smtps:// URL"));
  }
  return absl::OkStatus();
}

absl::Status CheckSmtpPassword(absl::string_view value) {
  if (base::HasAsciiControl(value)) return absl::InvalidArgumentError("control character in value");
  return absl::OkStatus();
}

absl::Status SetSmtpUrlOption(absl::string_view name, absl::string_view value, std::string* out) {
  if (absl::Status url = CheckSmtpUrl(value); !url.ok()) return OptionValueError(name, url);
  *out = std::string(value);
  return absl::OkStatus();
}

absl::Status SetSmtpPasswordOption(absl::string_view name, absl::string_view value,
                                   std::string* out) {
  if (absl::Status password = CheckSmtpPassword(value); !password.ok()) {
    return OptionValueError(name, password);
  }
  *out = std::string(value);
  return absl::OkStatus();
}

std::vector<std::string> SmtpSecretForms(absl::string_view user, absl::string_view password) {
  if (password.empty()) return {};
  const std::string nul(1, '\0');
  return {std::string(password), absl::Base64Escape(password),
          absl::Base64Escape(absl::StrCat(nul, user, nul, password)),
          absl::Base64Escape(absl::StrCat(user, nul, user, nul, password))};
}

absl::StatusOr<LogFormat> ParseLogFormatOption(absl::string_view value) {
  absl::StatusOr<LogFormat> format = ParseLogFormat(value);
  if (!format.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(PythonRepr(value), " is not text or json"));
  }
  return format;
}

absl::Status CheckPolicyOptionSet(const PolicyOptions& policy) {
  if (absl::Status status = ValidatePolicyOptions(policy); !status.ok()) return status;
  if (policy.restart_window > absl::ZeroDuration() && policy.max_restarts == 0) {
    return absl::InvalidArgumentError("option --restart-window needs --max-restarts");
  }
  return absl::OkStatus();
}

absl::Status CheckSmtpOptionSet(absl::string_view smtp, absl::string_view mail_from,
                                absl::string_view smtp_user, absl::string_view smtp_password) {
  if (!smtp.empty() && mail_from.empty()) {
    return absl::InvalidArgumentError("option --smtp needs --mail-from");
  }
  if (smtp.empty() && !(mail_from.empty() && smtp_user.empty() && smtp_password.empty())) {
    return absl::InvalidArgumentError(
        "options --mail-from, --smtp-user and --smtp-password need --smtp");
  }
  if (!smtp_password.empty() && smtp_user.empty()) {
    return absl::InvalidArgumentError("option --smtp-password needs --smtp-user");
  }
  return absl::OkStatus();
}

}  // namespace kit
}  // namespace svl
