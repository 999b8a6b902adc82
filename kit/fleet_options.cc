#include "kit/fleet_options.h"

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "kit/option_values.h"

namespace svl {
namespace kit {

const char kFleetUsage[] =
    "Fleet (new):\n"
    "  --metrics-file PATH    write Prometheus metrics to PATH after every check\n"
    "                         and notice (atomically, for node_exporter's\n"
    "                         --collector.textfile.directory; name it *.prom)\n"
    "  --webhook URL          also POST every notice as JSON to URL (Slack,\n"
    "                         Mattermost, Rocket.Chat...; repeatable)\n"
    "  --webhook-header 'Name: value'\n"
    "                         an HTTP header for every POST (repeatable)\n"
    "  --webhook-timeout SECONDS\n"
    "                         deadline of one POST (default 5); a connection\n"
    "                         error or a 5xx is retried once\n";

const char kFleetOptparseHelp[] =
    "  --metrics-file=PATH   write Prometheus metrics to PATH after every notice\n"
    "                        (atomically, for node_exporter's textfile collector)\n"
    "  --webhook=URL         also POST every notice as JSON to URL (repeatable)\n"
    "  --webhook-header=HEADER\n"
    "                        'Name: value', an HTTP header for every POST\n"
    "                        (repeatable)\n"
    "  --webhook-timeout=SECONDS\n"
    "                        deadline of one POST (defaults to 5)\n";

absl::Status SetFleetOption(absl::string_view canonical, absl::string_view shown,
                            absl::string_view value, FleetOptions* options) {
  if (canonical == "--metrics-file") {
    return SetOneLineOption(shown, value, "file name", &options->metrics_file);
  }
  if (canonical == "--webhook") {
    if (absl::Status s = CheckWebhookUrl(value); !s.ok()) return OptionValueError(shown, s);
    options->webhooks.emplace_back(value);
    return absl::OkStatus();
  }
  if (canonical == "--webhook-header") {
    absl::StatusOr<std::pair<std::string, std::string>> header = ParseWebhookHeader(value);
    if (!header.ok()) return OptionValueError(shown, header.status());
    options->webhook_headers.push_back(*std::move(header));
    return absl::OkStatus();
  }
  if (canonical == "--webhook-timeout") {
    absl::StatusOr<absl::Duration> timeout = ParseSeconds(value, SecondsBound::kPositive);
    if (!timeout.ok()) return OptionValueError(shown, timeout.status());
    options->webhook_timeout = *timeout;
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat("not a fleet option: ", canonical));
}

}  // namespace kit
}  // namespace svl
