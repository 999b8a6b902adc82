#include "kit/batch_mail_options.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "kit/command_line.h"
#include "kit/fleet_options.h"
#include "kit/listener_options.h"
#include "kit/option_values.h"
#include "kit/python_text.h"

namespace svl {
namespace kit {
namespace {

enum OptionId {
  kHelp,
  kInterval,
  kTo,
  kFrom,
  kSubject,
  kSmtpHost,
  kTickEvent,
  kUser,
  kPassword,
  kTls,
  kSmtp,
  kSendmail,
  kTlsCaFile,
  kTlsNoVerify,
  kAllowPlaintextAuth,
  kLogFormat,
  kVersion,
  kFleet,  // --metrics-file, --webhook, --webhook-header, --webhook-timeout
};

// Upstream's options at precedence 0, the additions at 1: an abbreviation
// upstream accepted (`--t` is ambiguous, `--to` is --toEmail) keeps its
// meaning.
constexpr OptionSpec kOptions[] = {
    {kHelp, 'h', "help", false, 0, true},
    {kInterval, 'i', "interval", true},
    {kTo, 't', "toEmail", true},
    {kFrom, 'f', "fromEmail", true},
    {kSubject, 's', "subject", true},
    {kSmtpHost, 'H', "smtpHost", true},
    {kTickEvent, 'e', "tickEvent", true},
    {kUser, 'u', "userName", true},
    {kPassword, 'p', "password", true},
    {kTls, '\0', "tls", false},
    {kSmtp, '\0', "smtp", true, 1},
    {kSendmail, '\0', "sendmail", true, 1},
    {kTlsCaFile, '\0', "tls-ca-file", true, 1},
    {kTlsNoVerify, '\0', "tls-no-verify", false, 1},
    {kAllowPlaintextAuth, '\0', "allow-plaintext-auth", false, 1},
    {kLogFormat, '\0', "log-format", true, 1},
    {kVersion, '\0', "version", false, 1, true},
    {kFleet, '\0', "metrics-file", true, 2},
    {kFleet, '\0', "webhook", true, 2},
    {kFleet, '\0', "webhook-header", true, 2},
    {kFleet, '\0', "webhook-timeout", true, 2},
};

constexpr char kUpstreamHelpOptions[] =
    "Options:\n"
    "  -h, --help            show this help message and exit\n"
    "  -i INTERVAL, --interval=INTERVAL\n"
    "                        batch interval in minutes (defaults to 1 minute)\n"
    "  -t TO_EMAILS, --toEmail=TO_EMAILS\n"
    "                        destination email address(es) - comma separated\n"
    "  -f FROM_EMAIL, --fromEmail=FROM_EMAIL\n"
    "                        source email address\n"
    "  -s SUBJECT, --subject=SUBJECT\n"
    "                        email subject\n"
    "  -H SMTP_HOST, --smtpHost=SMTP_HOST\n"
    "                        SMTP server hostname or address\n"
    "  -e EVENTNAME, --tickEvent=EVENTNAME\n"
    "                        TICK event name (defaults to TICK_60)\n"
    "  -u SMTP_USER, --userName=SMTP_USER\n"
    "                        SMTP server user name (defaults to nothing)\n"
    "  -p SMTP_PASSWORD, --password=SMTP_PASSWORD\n"
    "                        SMTP server password (defaults to nothing)\n"
    "  --tls                 Use Transport Layer Security (TLS), default to False\n";

constexpr char kAdditionsHelp[] =
    "  --smtp=URL            send through this SMTP server (smtp:// with STARTTLS\n"
    "                        when offered, or smtps://) instead of -H\n"
    "  --sendmail=COMMAND    send through this sendmail-style command (run by\n"
    "                        /bin/sh, e.g. '/usr/sbin/sendmail -t -i') instead of\n"
    "                        SMTP\n"
    "  --tls-ca-file=FILE    trust the CA certificates in FILE (defaults to the\n"
    "                        system's)\n"
    "  --tls-no-verify       do not verify the SMTP server's certificate\n"
    "  --allow-plaintext-auth\n"
    "                        log in (-u) even where the server offers no STARTTLS\n"
    "                        (the password then travels in clear)\n"
    "  --log-format=FORMAT   text or json (defaults to text)\n"
    "  --version             show the version and exit\n";

absl::string_view ProgramName(absl::string_view argv0) {
  const size_t slash = argv0.rfind('/');
  return slash == absl::string_view::npos ? argv0 : argv0.substr(slash + 1);
}

// Python's float() digits: one or more digits with single '_' between them.
bool ConsumeDigits(absl::string_view* text, std::string* out) {
  size_t i = 0;
  bool any = false;
  while (i < text->size()) {
    const char c = (*text)[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      out->push_back(c);
      any = true;
      ++i;
    } else if (c == '_' && any && i + 1 < text->size() &&
               absl::ascii_isdigit(static_cast<unsigned char>((*text)[i + 1]))) {
      ++i;
    } else {
      break;
    }
  }
  text->remove_prefix(i);
  return any;
}

absl::StatusOr<std::string> SmtpUrlForHost(absl::string_view host) {
  std::string name(host);
  std::string port = "25";
  if (absl::StartsWith(host, "[")) {
    const size_t close = host.find(']');
    if (close == absl::string_view::npos) return absl::InvalidArgumentError("unclosed '['");
    name = std::string(host.substr(1, close - 1));
    absl::string_view rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return absl::InvalidArgumentError("text after ']'");
      port = std::string(rest.substr(1));
    }
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    // Upstream's rule: exactly one ':' separates a port; more is an IPv6
    // address without one.
    const size_t colon = host.find(':');
    name = std::string(host.substr(0, colon));
    port = std::string(host.substr(colon + 1));
  }
  int number = 0;
  if (!absl::SimpleAtoi(port, &number) || number < 1 || number > 65535 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid port: ", PythonRepr(port), " (not a number 1-65535)"));
  }
  if (name.empty()) return absl::InvalidArgumentError("empty host name");
  if (absl::Status s = CheckOneLineText(name, "host name"); !s.ok()) return s;
  if (name.find_first_of(" /?#@") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("invalid host name: ", PythonRepr(name)));
  }
  const bool ipv6 = name.find(':') != std::string::npos;
  return absl::StrCat("smtp://", ipv6 ? "[" : "", name, ipv6 ? "]" : "", ":", number);
}

}  // namespace

absl::StatusOr<double> ParsePythonFloat(absl::string_view text) {
  const absl::Status invalid =
      absl::InvalidArgumentError(absl::StrCat("invalid floating-point value: ", PythonRepr(text)));
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  std::string normal;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    normal.push_back(rest[0]);
    rest.remove_prefix(1);
  }
  const std::string lower = absl::AsciiStrToLower(rest);
  if (lower == "inf" || lower == "infinity") {
    return normal == "-" ? -HUGE_VAL : HUGE_VAL;
  }
  if (lower == "nan") return std::nan("");
  const bool integer_part = ConsumeDigits(&rest, &normal);
  bool fraction_part = false;
  if (!rest.empty() && rest[0] == '.') {
    normal.push_back('.');
    rest.remove_prefix(1);
    fraction_part = ConsumeDigits(&rest, &normal);
  }
  if (!integer_part && !fraction_part) return invalid;
  if (!rest.empty() && (rest[0] == 'e' || rest[0] == 'E')) {
    normal.push_back('e');
    rest.remove_prefix(1);
    if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
      normal.push_back(rest[0]);
      rest.remove_prefix(1);
    }
    if (!ConsumeDigits(&rest, &normal)) return invalid;
  }
  if (!rest.empty()) return invalid;
  // `normal` is now plain C syntax (no hex, no '_'): strtod reads it whole.
  return std::strtod(normal.c_str(), nullptr);
}

absl::StatusOr<std::int64_t> TickEventSeconds(absl::string_view tick_event) {
  if (tick_event == "TICK_5") return 5;
  if (tick_event == "TICK_60") return 60;
  if (tick_event == "TICK_3600") return 3600;
  return absl::InvalidArgumentError(absl::StrCat("invalid TICK event name: ",
                                                 PythonRepr(tick_event),
                                                 " (TICK_5, TICK_60 or TICK_3600)"));
}

absl::StatusOr<BatchMailOptions> ParseBatchMailOptions(int argc, const char* const argv[]) {
  absl::StatusOr<ParsedCommandLine> line =
      ParseCommandLine(argc, argv, kOptions, OptionSyntax::kOptparse);
  if (!line.ok()) return line.status();
  BatchMailOptions options;
  for (const OptionOccurrence& option : line->options) {
    const std::string& value = option.value;
    switch (option.id) {
      case kHelp:
        options.help = true;
        return options;
      case kVersion:
        options.version = true;
        return options;
      case kInterval: {
        absl::StatusOr<double> minutes = ParsePythonFloat(value);
        if (!minutes.ok()) return OptionValueError(option.name, minutes.status());
        // A year at most, as every other duration option.
        if (!std::isfinite(*minutes) || *minutes <= 0 || *minutes * 60 > kMaxOptionSeconds) {
          return OptionValueError(option.name, absl::StrCat(PythonRepr(value),
                                                            " is not a number of minutes > 0"));
        }
        options.interval_seconds = std::max<std::int64_t>(1, std::llround(*minutes * 60));
        break;
      }
      case kTo:
        options.to.clear();
        for (absl::string_view item : absl::StrSplit(value, ',')) {
          item = absl::StripAsciiWhitespace(item);
          if (item.empty()) continue;
          if (absl::Status s = CheckOneLineText(item, "address"); !s.ok()) {
            return OptionValueError(option.name, s);
          }
          options.to.emplace_back(item);
        }
        break;
      case kFrom:
        if (value.empty()) {
          options.from.clear();
        } else if (absl::Status s = SetOneLineOption(option.name, value, "address", &options.from);
                   !s.ok()) {
          return s;
        }
        break;
      case kSubject:
        // Any text: the mailer keeps CR and LF out of the header.
        options.subject = value;
        break;
      case kSmtpHost: {
        absl::StatusOr<std::string> url = SmtpUrlForHost(value);
        if (!url.ok()) return OptionValueError(option.name, url.status());
        options.smtp_url = *std::move(url);
        break;
      }
      case kTickEvent:
        options.tick_event = value;
        break;
      case kUser:
        if (value.empty()) {
          options.user.clear();
        } else if (absl::Status s = SetOneLineOption(option.name, value, "user name", &options.user);
                   !s.ok()) {
          return s;
        }
        break;
      case kPassword:
        if (value.empty()) {
          options.password.clear();
        } else if (absl::Status s = SetSmtpPasswordOption(option.name, value, &options.password);
                   !s.ok()) {
          return s;
        }
        break;
      case kTls:
        options.tls = true;
        break;
      case kSmtp:
        if (absl::Status s = SetSmtpUrlOption(option.name, value, &options.smtp_url); !s.ok()) {
          return s;
        }
        break;
      case kSendmail:
        if (absl::Status s = SetOneLineOption(option.name, value, "command", &options.sendmail);
            !s.ok()) {
          return s;
        }
        break;
      case kTlsCaFile:
        if (absl::Status s =
                SetOneLineOption(option.name, value, "file name", &options.tls_ca_file);
            !s.ok()) {
          return s;
        }
        break;
      case kTlsNoVerify:
        options.tls_no_verify = true;
        break;
      case kAllowPlaintextAuth:
        options.allow_plaintext_auth = true;
        break;
      case kLogFormat: {
        absl::StatusOr<LogFormat> format = ParseLogFormatOption(value);
        if (!format.ok()) return OptionValueError(option.name, format.status());
        options.log_format = *format;
        break;
      }
      case kFleet:
        if (absl::Status s = SetFleetOption(option.name, option.name, value, &options.fleet);
            !s.ok()) {
          return s;
        }
        break;
    }
  }
  return options;
}

std::string BatchMailHelp(absl::string_view argv0) {
  return absl::StrCat("Usage: ", ProgramName(argv0), " [options]\n\n", kUpstreamHelpOptions,
                      kAdditionsHelp, kFleetOptparseHelp);
}

}  // namespace kit
}  // namespace svl
