#include "kit/fleet.h"

#include <unistd.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace svl {
namespace kit {
namespace {

constexpr char kMetricsReason[] = "metrics";
constexpr char kWebhookReason[] = "webhook";
constexpr char kWebhookChannel[] = "webhook";

}  // namespace

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

absl::StatusOr<std::unique_ptr<Fleet>> Fleet::Create(const FleetOptions& options,
                                                     FleetIdentity identity,
                                                     StderrWriter write_stderr) {
  std::unique_ptr<Fleet> fleet(new Fleet(std::move(identity), std::move(write_stderr)));
  if (!options.metrics_file.empty()) {
    MetricsSettings settings;
    settings.listener = fleet->identity_.listener;
    settings.name = fleet->identity_.name;
    settings.version = fleet->identity_.version;
    settings.path = options.metrics_file;
    settings.check_results = fleet->identity_.check_results;
    if (!fleet->identity_.mail_channel.empty()) {
      settings.notice_channels.push_back(fleet->identity_.mail_channel);
    }
    if (!options.webhooks.empty()) settings.notice_channels.push_back(kWebhookChannel);
    absl::StatusOr<std::unique_ptr<ListenerMetrics>> metrics =
        ListenerMetrics::Create(std::move(settings));
    if (!metrics.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("option --metrics-file: ", metrics.status().message()));
    }
    fleet->metrics_ = *std::move(metrics);
  }
  if (!options.webhooks.empty()) {
    WebhookConfig config;
    config.urls = options.webhooks;
    config.headers = options.webhook_headers;
    config.timeout = options.webhook_timeout;
    Fleet* raw = fleet.get();
    fleet->sender_ = std::make_unique<WebhookSender>(
        std::move(config), kWebhookQueueCapacity,
        [raw](const WebhookOutcome& outcome) { raw->OnWebhookDone(outcome); });
  }
  return fleet;
}

Fleet::Fleet(FleetIdentity identity, StderrWriter write_stderr)
    : identity_(std::move(identity)),
      host_(HostName()),
      out_({identity_.listener, identity_.name, identity_.log_format, false, ""},
           std::move(write_stderr)) {}

Fleet::~Fleet() {
  // The sender's thread calls back into this object: it goes first.
  sender_.reset();
}

void Fleet::Notify(WebhookNotice notice) {
  if (sender_ == nullptr) return;
  notice.listener = identity_.listener;
  notice.name = identity_.name;
  notice.host = host_;
  if (notice.time == absl::Time()) notice.time = absl::Now();
  sender_->Send(std::move(notice));
}

void Fleet::OnWebhookDone(const WebhookOutcome& outcome) {
  if (!outcome.status.ok()) {
    out_.Log(kWebhookReason, absl::StrCat("webhook notice (", outcome.event, ") not delivered: ",
                                          FoldToOneLine(outcome.status.message())),
             {{"url", outcome.shown_url}});
  }
  if (metrics_ != nullptr) {
    metrics_->RecordNotice(kWebhookChannel, outcome.status.ok() ? "ok" : "error");
    Publish();
  }
}

void Fleet::RecordMailOutcome(bool sent) {
  if (metrics_ == nullptr || identity_.mail_channel.empty()) return;
  metrics_->RecordNotice(identity_.mail_channel, sent ? "ok" : "error");
  Publish();
}

void Fleet::Publish() {
  if (metrics_ == nullptr) return;
  const absl::Status status = metrics_->Publish();
  absl::MutexLock lock(&mu_);
  const std::string error = status.ok() ? "" : std::string(status.message());
  if (error == last_publish_error_) return;
  last_publish_error_ = error;
  if (!status.ok()) out_.Log(kMetricsReason, error);
}

void Fleet::Shutdown(absl::Duration grace) {
  if (sender_ != nullptr && !sender_->DrainFor(grace)) {
    // A hanging endpoint must not hold the exit: what is left is given up
    // (each one a `reason=webhook` line) and the POST in progress aborted.
    sender_->Abandon();
    sender_->Drain();
  }
  Publish();
}

}  // namespace kit
}  // namespace svl
