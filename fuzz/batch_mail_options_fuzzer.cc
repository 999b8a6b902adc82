// Fuzz target: the batch notifiers' command line (kit/batch_mail_options.h
// ParseBatchMailOptions, TickEventSeconds, ParsePythonFloat) and optparse's
// error report (kit/command_line.h OptparseErrorReport). The input, split at
// NUL bytes, is argv[1..] (argv[0] is "crashmailbatch"); an argument may
// hold a newline, so that an error quoting it is caught.
//
// Oracles (abort() on violation):
//   - parsing the same argv twice gives the same result (the parser keeps no
//     state between calls);
//   - an error is kInvalidArgument with a one-line message (unless it
//     echoes a mistyped option name, as optparse does), and its report is
//     exactly "Usage: P [options]\n\nP: error: MESSAGE\n" for argv[0]
//     "crashmailbatch" and "/usr/bin/crashsms";
//   - an accepted command line without -h/--version has an interval >= 1 s
//     and at most a year, recipients that are non-empty, stripped, without
//     ',' or control characters, an SMTP URL starting smtp:// or smtps://
//     (any case) without control characters, and no control character in
//     -f, -u, -p, --sendmail or --tls-ca-file;
//   - TickEventSeconds() accepts exactly TICK_5, TICK_60 and TICK_3600, with
//     5, 60 and 3600, and its error is one line;
//   - `-i ARG` after -t and -f is accepted exactly when ParsePythonFloat(ARG)
//     is a finite number of minutes > 0 and at most a year, and then gives
//     max(1, round(minutes * 60)) seconds.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/control_chars.h"
#include "kit/batch_mail_options.h"
#include "kit/command_line.h"
#include "kit/option_values.h"

namespace {

using ::svl::kit::BatchMailOptions;

constexpr std::size_t kMaxInput = 4096;

bool Same(const BatchMailOptions& a, const BatchMailOptions& b) {
  return a.help == b.help && a.version == b.version && a.interval_seconds == b.interval_seconds &&
         a.to == b.to && a.from == b.from && a.subject == b.subject &&
         a.smtp_url == b.smtp_url && a.tick_event == b.tick_event && a.user == b.user &&
         a.password == b.password && a.tls == b.tls && a.tls_no_verify == b.tls_no_verify &&
         a.tls_ca_file == b.tls_ca_file && a.allow_plaintext_auth == b.allow_plaintext_auth &&
         a.sendmail == b.sendmail && a.log_format == b.log_format;
}

absl::StatusOr<BatchMailOptions> Parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  return svl::kit::ParseBatchMailOptions(static_cast<int>(args.size()), argv.data());
}

void CheckError(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) std::abort();
  const absl::string_view message = status.message();
  if (message.empty()) std::abort();
  // optparse echoes a mistyped option name as it is (so a name with a
  // newline spans lines, as upstream's); everything else quotes with repr().
  const bool echoes_option_name = absl::StartsWith(message, "no such option: ") ||
                                  absl::StartsWith(message, "ambiguous option: ") ||
                                  absl::EndsWith(message, " option does not take a value");
  if (!echoes_option_name && absl::StrContains(message, '\n')) std::abort();
  if (svl::kit::OptparseErrorReport("crashmailbatch", message) !=
      absl::StrCat("Usage: crashmailbatch [options]\n\ncrashmailbatch: error: ", message, "\n")) {
    std::abort();
  }
  if (svl::kit::OptparseErrorReport("/usr/bin/crashsms", message) !=
      absl::StrCat("Usage: crashsms [options]\n\ncrashsms: error: ", message, "\n")) {
    std::abort();
  }
}

void CheckAccepted(const BatchMailOptions& options) {
  if (options.interval_seconds < 1 ||
      options.interval_seconds > std::llround(svl::kit::kMaxOptionSeconds)) {
    std::abort();
  }
  for (const std::string& to : options.to) {
    if (to.empty() || absl::StrContains(to, ',') || svl::base::HasAsciiControl(to) ||
        absl::StripAsciiWhitespace(to) != to) {
      std::abort();
    }
  }
  const std::string scheme = absl::AsciiStrToLower(options.smtp_url.substr(0, 8));
  if ((!absl::StartsWith(scheme, "smtp://") && !absl::StartsWith(scheme, "smtps://")) ||
      svl::base::HasAsciiControl(options.smtp_url)) {
    std::abort();
  }
  for (const std::string* text : {&options.from, &options.user, &options.password,
                                  &options.sendmail, &options.tls_ca_file}) {
    if (svl::base::HasAsciiControl(*text)) std::abort();
  }
}

void CheckTickEvent(const std::string& name) {
  const absl::StatusOr<std::int64_t> seconds = svl::kit::TickEventSeconds(name);
  const std::int64_t expected = name == "TICK_5"      ? 5
                                : name == "TICK_60"   ? 60
                                : name == "TICK_3600" ? 3600
                                                      : 0;
  if (seconds.ok() != (expected != 0)) std::abort();
  if (seconds.ok() && *seconds != expected) std::abort();
  if (!seconds.ok() && (seconds.status().code() != absl::StatusCode::kInvalidArgument ||
                        absl::StrContains(seconds.status().message(), '\n'))) {
    std::abort();
  }
}

void CheckInterval(const std::string& arg) {
  const absl::StatusOr<double> minutes = svl::kit::ParsePythonFloat(arg);
  const bool usable = minutes.ok() && std::isfinite(*minutes) && *minutes > 0 &&
                      *minutes * 60 <= svl::kit::kMaxOptionSeconds;
  const absl::StatusOr<BatchMailOptions> options =
      Parse({"crashmailbatch", "-t", "a@x", "-f", "b@y", "-i", arg});
  if (options.ok() != usable) std::abort();
  if (!options.ok()) {
    CheckError(options.status());
    return;
  }
  if (options->interval_seconds != std::max<std::int64_t>(1, std::llround(*minutes * 60))) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  std::vector<std::string> args = {"crashmailbatch"};
  if (size > 0) {
    for (absl::string_view arg :
         absl::StrSplit(absl::string_view(reinterpret_cast<const char*>(data), size),
                        absl::ByChar('\0'))) {
      args.emplace_back(arg);
    }
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    CheckTickEvent(args[i]);
    CheckInterval(args[i]);
  }
  const absl::StatusOr<BatchMailOptions> first = Parse(args);
  const absl::StatusOr<BatchMailOptions> second = Parse(args);
  if (first.status() != second.status()) std::abort();
  if (!first.ok()) {
    CheckError(first.status());
    return 0;
  }
  if (!Same(*first, *second)) std::abort();
  if (first->help || first->version) return 0;
  CheckAccepted(*first);
  return 0;
}
