// Fuzz target: kit/command_line.h ParseCommandLine() on a fixed table with
// short-only, long-only and both kinds of options, two precedences and an
// option that ends parsing. The first input byte picks the syntax (even:
// getopt, odd: optparse); the rest, split at NUL bytes, is the command line.
//
// Oracles (abort() on violation):
//   - parsing twice gives the same result;
//   - getopt's positionals are a suffix of the command line, optparse's a
//     subsequence of it;
//   - an accepted command line, written back canonically (`--name=value`,
//     `-s VALUE` for a short-only option, then `--` and the positionals),
//     parses to the same options and values (and positionals, unless parsing
//     ended early).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "kit/command_line.h"

namespace {

using ::svl::kit::OptionOccurrence;
using ::svl::kit::OptionSpec;
using ::svl::kit::OptionSyntax;
using ::svl::kit::ParsedCommandLine;

constexpr std::size_t kMaxInput = 1024;

constexpr OptionSpec kTable[] = {
    {0, 'h', "help", false, 0, /*ends_parsing=*/true},
    {1, 'i', "interval", true},
    {2, 't', "toEmail", true},
    {3, '\0', "tls", false},
    {4, '\0', "tickEvent", true},
    {5, 'v', "", true},
    {6, 'q', "", false},
    {7, 'n', "not-eager", false},
    {8, '\0', "not-body", true, /*precedence=*/1},
    {9, '\0', "notify", false, /*precedence=*/2},
};

const OptionSpec& Spec(int id) {
  for (const OptionSpec& spec : kTable) {
    if (spec.id == id) return spec;
  }
  std::abort();
}

bool SameOptions(const ParsedCommandLine& a, const ParsedCommandLine& b, bool names) {
  if (a.options.size() != b.options.size()) return false;
  for (std::size_t i = 0; i < a.options.size(); ++i) {
    const OptionOccurrence& x = a.options[i];
    const OptionOccurrence& y = b.options[i];
    if (x.id != y.id || x.value != y.value) return false;
    if (names && (x.name != y.name || x.spelling != y.spelling)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > kMaxInput) return 0;
  const OptionSyntax syntax = data[0] % 2 == 0 ? OptionSyntax::kGetopt : OptionSyntax::kOptparse;
  std::vector<std::string> args;
  if (size > 1) {
    for (absl::string_view arg : absl::StrSplit(
             absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), '\0')) {
      args.emplace_back(arg);
    }
  }
  const absl::StatusOr<ParsedCommandLine> first = ParseCommandLine(args, kTable, syntax);
  const absl::StatusOr<ParsedCommandLine> second = ParseCommandLine(args, kTable, syntax);
  if (first.status() != second.status()) std::abort();
  if (!first.ok()) return 0;
  if (!SameOptions(*first, *second, true) || first->positionals != second->positionals) {
    std::abort();
  }

  // Where the positionals come from.
  const std::vector<std::string>& positionals = first->positionals;
  if (syntax == OptionSyntax::kGetopt) {
    if (positionals.size() > args.size() ||
        !std::equal(positionals.begin(), positionals.end(), args.end() - positionals.size())) {
      std::abort();
    }
  } else {
    std::size_t at = 0;
    for (const std::string& arg : args) {
      if (at < positionals.size() && arg == positionals[at]) ++at;
    }
    if (at != positionals.size()) std::abort();
  }

  // Written back canonically.
  const bool ended = !first->options.empty() && Spec(first->options.back().id).ends_parsing;
  std::vector<std::string> canonical;
  for (const OptionOccurrence& option : first->options) {
    const OptionSpec& spec = Spec(option.id);
    if (!spec.long_name.empty()) {
      canonical.push_back(spec.takes_value ? absl::StrCat("--", spec.long_name, "=", option.value)
                                           : absl::StrCat("--", spec.long_name));
    } else {
      canonical.push_back(std::string{'-', spec.short_name});
      if (spec.takes_value) canonical.push_back(option.value);
    }
  }
  if (!ended) {
    canonical.push_back("--");
    canonical.insert(canonical.end(), positionals.begin(), positionals.end());
  }
  const absl::StatusOr<ParsedCommandLine> again = ParseCommandLine(canonical, kTable, syntax);
  if (!again.ok() || !SameOptions(*first, *again, false)) std::abort();
  if (!ended && again->positionals != positionals) std::abort();
  return 0;
}
