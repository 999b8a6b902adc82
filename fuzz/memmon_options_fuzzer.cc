// Fuzz target: memmon's command line (memmon/options.h ParseMemmonOptions).
// The input, split at NUL bytes and newlines, is argv[1..] (argv[0] is
// "memmon"); an empty input is the empty command line.
//
// Oracles (abort() on violation):
//   - parsing the same argv twice gives the same result (the parser keeps no
//     state between calls);
//   - the empty command line is an error;
//   - an accepted command line without -h/--version has every -p/-g/-a size
//     > 0, -u >= 0, non-empty --exclude names, policy options that
//     ValidatePolicyOptions() accepts and --mail-from with --smtp.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kit/restart_policy.h"
#include "memmon/options.h"

namespace {

using ::svl::memmon::MemmonOptions;

constexpr std::size_t kMaxInput = 4096;

bool Same(const MemmonOptions& a, const MemmonOptions& b) {
  return a.help == b.help && a.version == b.version && a.cumulative == b.cumulative &&
         a.programs == b.programs && a.groups == b.groups && a.any == b.any &&
         a.sendmail == b.sendmail && a.email == b.email && a.uptime_limit == b.uptime_limit &&
         a.name == b.name && a.memory == b.memory && a.exclude == b.exclude &&
         a.policy.failures == b.policy.failures && a.policy.grace == b.policy.grace &&
         a.policy.max_restarts == b.policy.max_restarts &&
         a.policy.restart_window == b.policy.restart_window &&
         a.restart_timeout == b.restart_timeout && a.dry_run == b.dry_run && a.smtp == b.smtp &&
         a.mail_from == b.mail_from && a.smtp_user == b.smtp_user &&
         a.smtp_password == b.smtp_password && a.notify_once == b.notify_once &&
         a.log_format == b.log_format && a.state_dir == b.state_dir;
}

bool AllPositive(const std::map<std::string, std::int64_t>& sizes) {
  for (const auto& [name, size] : sizes) {
    if (size <= 0) return false;
  }
  return true;
}

absl::StatusOr<MemmonOptions> Parse(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  return svl::memmon::ParseMemmonOptions(static_cast<int>(args.size()), argv.data());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  std::vector<std::string> args = {"memmon"};
  if (size > 0) {
    for (absl::string_view arg :
         absl::StrSplit(absl::string_view(reinterpret_cast<const char*>(data), size),
                        absl::ByAnyChar(absl::string_view("\0\n", 2)))) {
      args.emplace_back(arg);
    }
  }
  const absl::StatusOr<MemmonOptions> first = Parse(args);
  const absl::StatusOr<MemmonOptions> second = Parse(args);
  if (first.status() != second.status()) std::abort();
  if (args.size() == 1 && first.ok()) std::abort();
  if (!first.ok()) return 0;
  if (!Same(*first, *second)) std::abort();
  if (first->help || first->version) return 0;
  if (!AllPositive(first->programs) || !AllPositive(first->groups) ||
      (first->any.has_value() && *first->any <= 0) || first->uptime_limit < 0 ||
      !svl::kit::ValidatePolicyOptions(first->policy).ok() ||
      first->restart_timeout < absl::ZeroDuration() ||
      (!first->smtp.empty() && first->mail_from.empty())) {
    std::abort();
  }
  for (const std::string& name : first->exclude) {
    if (name.empty()) std::abort();
  }
  return 0;
}
