// Fuzz target: httpok's command line (httpok/options.h ParseHttpOkOptions).
// The input, split at NUL bytes, is argv[1..] (argv[0] is "httpok").
//
// Oracles (abort() on violation):
//   - parsing the same argv twice gives the same result (the parser keeps no
//     state between calls);
//   - an accepted command line without -h/--version has a URL that
//     ValidateProbeUrl() accepts, a timeout > 0, a retry interval >= 0 and
//     every -c range within 100-599.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "httpok/http_probe.h"
#include "httpok/options.h"

namespace {

using ::svl::httpok::HttpOkOptions;

constexpr std::size_t kMaxInput = 4096;

bool Same(const HttpOkOptions& a, const HttpOkOptions& b) {
  return a.help == b.help && a.version == b.version && a.programs == b.programs &&
         a.any == b.any && a.gcore == b.gcore && a.gcore_words == b.gcore_words &&
         a.coredir == b.coredir && a.timeout == b.timeout && a.codes.ranges() == b.codes.ranges() &&
         a.body == b.body && a.sendmail == b.sendmail && a.email == b.email &&
         a.eager == b.eager && a.name == b.name && a.url == b.url && a.insecure == b.insecure &&
         a.cacert == b.cacert && a.retry_interval == b.retry_interval;
}

absl::StatusOr<HttpOkOptions> Parse(const std::vector<std::string>& args) {
  // Each call gets a fresh copy, so that a parser writing to argv would show.
  std::vector<std::string> storage = args;
  std::vector<char*> argv;
  for (std::string& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return svl::httpok::ParseHttpOkOptions(static_cast<int>(storage.size()), argv.data());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  std::vector<std::string> args = {"httpok"};
  if (size > 0) {
    for (absl::string_view arg :
         absl::StrSplit(absl::string_view(reinterpret_cast<const char*>(data), size), '\0')) {
      args.emplace_back(arg);
    }
  }
  const absl::StatusOr<HttpOkOptions> first = Parse(args);
  const absl::StatusOr<HttpOkOptions> second = Parse(args);
  if (first.status() != second.status()) std::abort();
  if (!first.ok()) return 0;
  if (!Same(*first, *second)) std::abort();
  if (first->help || first->version) return 0;
  if (!svl::httpok::ValidateProbeUrl(first->url).ok() || first->timeout <= absl::ZeroDuration() ||
      first->retry_interval < absl::ZeroDuration()) {
    std::abort();
  }
  for (const svl::httpok::StatusRange& range : first->codes.ranges()) {
    if (range.low < 100 || range.high > 599 || range.low > range.high) std::abort();
  }
  return 0;
}
