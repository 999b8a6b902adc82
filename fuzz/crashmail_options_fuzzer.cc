// Fuzz target: crashmail's command line (crashmail/options.h
// ParseCrashmailOptions). The input, split at NUL bytes and newlines, is
// argv[1..] (argv[0] is "crashmail"); an empty input is the empty command
// line.
//
// Oracles (abort() on violation):
//   - parsing the same argv twice gives the same result (the parser keeps no
//     state between calls);
//   - the empty command line is accepted (as upstream);
//   - an accepted command line without -h/--version has a --batch of 0 or
//     >= 1 ms and --mail-from with --smtp, and neither is a lone positional
//     argument nor ends with one after -a.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crashmail/options.h"

namespace {

using ::svl::crashmail::CrashmailOptions;

constexpr std::size_t kMaxInput = 4096;

bool Same(const CrashmailOptions& a, const CrashmailOptions& b) {
  return a.help == b.help && a.version == b.version && a.programs == b.programs &&
         a.any == b.any && a.optional_header == b.optional_header && a.sendmail == b.sendmail &&
         a.email == b.email && a.smtp == b.smtp && a.mail_from == b.mail_from &&
         a.smtp_user == b.smtp_user && a.smtp_password == b.smtp_password &&
         a.batch == b.batch && a.log_format == b.log_format;
}

absl::StatusOr<CrashmailOptions> Parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  return svl::crashmail::ParseCrashmailOptions(static_cast<int>(args.size()), argv.data());
}

// As getopt tells them: an element that is not an option.
bool IsPositionalForm(const std::string& arg) {
  return arg.empty() || arg[0] != '-' || arg == "-";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  std::vector<std::string> args = {"crashmail"};
  if (size > 0) {
    for (absl::string_view arg :
         absl::StrSplit(absl::string_view(reinterpret_cast<const char*>(data), size),
                        absl::ByAnyChar(absl::string_view("\0\n", 2)))) {
      args.emplace_back(arg);
    }
  }
  const absl::StatusOr<CrashmailOptions> first = Parse(args);
  const absl::StatusOr<CrashmailOptions> second = Parse(args);
  if (first.status() != second.status()) std::abort();
  if (args.size() == 1 && !first.ok()) std::abort();
  if (!first.ok()) return 0;
  if (!Same(*first, *second)) std::abort();
  if (first->help || first->version) return 0;
  if ((first->batch != absl::ZeroDuration() && first->batch < absl::Milliseconds(1)) ||
      (!first->smtp.empty() && first->mail_from.empty())) {
    std::abort();
  }
  // A positional argument is rejected: a lone one, or one after -a (which
  // takes no value).
  const std::size_t n = args.size();
  if ((n == 2 && IsPositionalForm(args[1])) ||
      (n > 2 && args[n - 2] == "-a" && IsPositionalForm(args[n - 1]))) {
    std::abort();
  }
  return 0;
}
