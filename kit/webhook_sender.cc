#include "kit/webhook_sender.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kit/webhook.h"

namespace svl {
namespace kit {

WebhookSender::WebhookSender(WebhookConfig config, size_t capacity,
                             std::function<void(const WebhookOutcome&)> on_done)
    : client_(std::move(config)),
      capacity_(capacity < 1 ? 1 : capacity),
      on_done_(std::move(on_done)),
      thread_([this] { Run(); }) {}

WebhookSender::~WebhookSender() {
  Drain();
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void WebhookSender::Send(WebhookNotice notice) {
  absl::MutexLock lock(&mu_);
  if (abandoned_) {
    abandoned_events_.push_back(std::move(notice.event));
    return;
  }
  while (waiting_.size() >= capacity_) {
    dropped_events_.push_back(std::move(waiting_.front().event));
    waiting_.pop_front();
  }
  waiting_.push_back(std::move(notice));
}

void WebhookSender::Abandon() {
  abandoned_ = true;
  absl::MutexLock lock(&mu_);
  // Reported by the thread (on_done runs there) as not sent.
  while (!waiting_.empty()) {
    abandoned_events_.push_back(std::move(waiting_.front().event));
    waiting_.pop_front();
  }
}

bool WebhookSender::Idle() const {
  return waiting_.empty() && dropped_events_.empty() && abandoned_events_.empty() && !posting_;
}

void WebhookSender::Drain() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &WebhookSender::Idle));
}

bool WebhookSender::DrainFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(this, &WebhookSender::Idle), timeout);
}

bool WebhookSender::HasWorkOrStopping() const {
  return stopping_ || !waiting_.empty() || !dropped_events_.empty() ||
         !abandoned_events_.empty();
}

void WebhookSender::Report(const std::string& url, const std::string& event,
                           absl::Status status) const {
  if (on_done_) on_done_(WebhookOutcome{ShownWebhookUrl(url), event, std::move(status)});
}

void WebhookSender::Run() {
  while (true) {
    std::vector<std::string> dropped;
    std::vector<std::string> abandoned;
    WebhookNotice notice;
    bool have_notice = false;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WebhookSender::HasWorkOrStopping));
      if (waiting_.empty() && dropped_events_.empty() && abandoned_events_.empty()) {
        return;  // stopping, idle
      }
      dropped.swap(dropped_events_);
      abandoned.swap(abandoned_events_);
      if (!waiting_.empty()) {
        notice = std::move(waiting_.front());
        waiting_.pop_front();
        have_notice = true;
      }
      posting_ = true;
    }
    // The dropped notices were older than any still waiting: reported first.
    for (const std::string& event : dropped) {
      for (const std::string& url : client_.config().urls) {
        Report(url, event,
               absl::ResourceExhaustedError(absl::StrCat(
                   "webhook ", ShownWebhookUrl(url), ": dropped: too many notices waiting")));
      }
    }
    for (const std::string& event : abandoned) {
      for (const std::string& url : client_.config().urls) {
        Report(url, event,
               absl::CancelledError(absl::StrCat("webhook ", ShownWebhookUrl(url),
                                                 ": not sent: the listener is stopping")));
      }
    }
    if (have_notice) {
      const std::string json = WebhookJson(notice);
      for (const std::string& url : client_.config().urls) {
        Report(url, notice.event, client_.Post(url, json, &abandoned_));
      }
    }
    absl::MutexLock lock(&mu_);
    posting_ = false;
  }
}

}  // namespace kit
}  // namespace svl
