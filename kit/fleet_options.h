// File: kit/fleet_options.h
//
// The options every listener takes for a fleet (see kit/fleet.h):
//   --metrics-file PATH        Prometheus metrics for node_exporter's
//                              textfile collector, rewritten atomically
//   --webhook URL              POST each notice as JSON (repeatable)
//   --webhook-header 'N: v'    an HTTP header for every POST (repeatable)
//   --webhook-timeout SECONDS  the deadline of one POST (default 5)
// Each listener lists them in its own option table under one id (long
// options only, resolved after its older options so that no abbreviation
// changes meaning) and hands each occurrence to SetFleetOption().
//
// Example:
//
//   {kFleet, '\0', "metrics-file", true, 3}, {kFleet, '\0', "webhook", true, 3}, ...
//   case kFleet:
//     return SetFleetOption(option.name, option.spelling, option.value, &options.fleet);

#ifndef SVL_KIT_FLEET_OPTIONS_H_
#define SVL_KIT_FLEET_OPTIONS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kit/webhook.h"

namespace svl {
namespace kit {

// What the fleet options say.
struct FleetOptions {
  std::string metrics_file;            // "" : no metrics
  std::vector<std::string> webhooks;   // in order
  std::vector<std::pair<std::string, std::string>> webhook_headers;
  absl::Duration webhook_timeout = kDefaultWebhookTimeout;
};

absl::Status SetFleetOption(absl::string_view canonical, absl::string_view shown,
                            absl::string_view value, FleetOptions* options);

// kFleetUsage is the fleet options' lines for a getopt-style usage text
// (httpok, memmon, crashmail); kFleetOptparseHelp for an optparse help
// (the batch notifiers). Both end with '\n'.
extern const char kFleetUsage[];
extern const char kFleetOptparseHelp[];

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_FLEET_OPTIONS_H_
