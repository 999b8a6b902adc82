// File: kit/fleet.h
//
// A listener's place in a fleet (kit/fleet_options.h): its Prometheus
// metrics file and its webhooks. Every listener holds one Fleet; without
// the options it does nothing, so the policy code calls it unconditionally.
//
//   - Metrics (--metrics-file): the policy records checks, restarts and
//     memory readings in metrics(); notices are recorded here (channel and
//     result). Publish() writes the file: once at start-up, after every
//     check (httpok, memmon), after every notice delivered or not (the Fleet
//     itself) and at the end.
//     A failure to write is one stderr line (`reason=metrics`), written
//     again only when the error changes.
//   - Webhooks (--webhook): Notify() queues a notice for every URL on a
//     thread of its own (kit/webhook_sender.h); each failure is one stderr
//     line (`reason=webhook`, the URL without credentials) and
//     svlisten_notices_total{channel="webhook",result="error"}.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<Fleet>> fleet = Fleet::Create(
//       options.fleet, {"httpok", options.name, kSvlistenVersion, options.log_format,
//                      {"ok", "status"}, "sendmail"},
//       FdWriter(STDERR_FILENO));
//   ... policy: fleet->metrics()->RecordCheck(...); fleet->Notify(notice); ...
//   fleet->Publish();                 // after each event
//   fleet->Shutdown(absl::Seconds(5)); // at exit

#ifndef SVL_KIT_FLEET_H_
#define SVL_KIT_FLEET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kit/event_log.h"
#include "kit/fleet_options.h"
#include "kit/listener_output.h"
#include "kit/metrics.h"
#include "kit/webhook.h"
#include "kit/webhook_sender.h"

namespace svl {
namespace kit {

// Who the listener is, for its metrics, webhook documents and lines.
struct FleetIdentity {
  std::string listener;  // "httpok"
  std::string name;      // -n ("" : none)
  std::string version;   // "0.1.0"
  LogFormat log_format = LogFormat::kText;
  std::vector<std::string> check_results;  // see MetricsSettings
  // The mail channel in use ("sendmail" or "smtp"), or "" for no mail.
  std::string mail_channel;
};

// How long the webhook notices still waiting at exit may take.
inline constexpr absl::Duration kWebhookGraceAtExit = absl::Seconds(5);

// How many webhook notices may wait; beyond, the oldest is dropped.
inline constexpr size_t kWebhookQueueCapacity = 16;

// Fleet holds a listener's metrics and webhooks (see the top). Thread-safe.
class Fleet {
 public:
  // Create() makes what `options` ask for: kInvalidArgument when the
  // metrics file's directory does not exist. With no options, a Fleet that
  // does nothing.
  static absl::StatusOr<std::unique_ptr<Fleet>> Create(const FleetOptions& options,
                                                       FleetIdentity identity,
                                                       StderrWriter write_stderr);
  ~Fleet();
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  // metrics() is null without --metrics-file.
  ListenerMetrics* metrics() const { return metrics_.get(); }
  // webhooks_enabled() is true with at least one --webhook.
  bool webhooks_enabled() const { return sender_ != nullptr; }

  // Notify() queues `notice` for every webhook; it fills in the listener,
  // its name and the host, and `time` when unset. Nothing without webhooks.
  void Notify(WebhookNotice notice);
  // RecordMailOutcome() counts one mail on the mail channel and publishes.
  void RecordMailOutcome(bool sent);
  // Publish() writes the metrics file (nothing without --metrics-file).
  void Publish();
  // Shutdown() gives the webhook notices still waiting `grace` at most
  // (then they are given up, the POST in progress within about a second),
  // and publishes once more.
  void Shutdown(absl::Duration grace);

 private:
  Fleet(FleetIdentity identity, StderrWriter write_stderr);
  void OnWebhookDone(const WebhookOutcome& outcome);

  const FleetIdentity identity_;
  const std::string host_;
  ListenerOutput out_;
  std::unique_ptr<ListenerMetrics> metrics_;
  std::unique_ptr<WebhookSender> sender_;
  absl::Mutex mu_;
  std::string last_publish_error_ ABSL_GUARDED_BY(mu_);
};

// HostName() is this machine's name (gethostname), "localhost" when it has
// none.
std::string HostName();

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_FLEET_H_
