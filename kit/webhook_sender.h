// File: kit/webhook_sender.h
//
// Webhook notices delivered off the event loop: Send() queues a notice and
// returns at once; one thread of the sender's own POSTs each notice to every
// URL in order (WebhookClient, kit/webhook.h), so a slow or hanging endpoint
// never delays an acknowledgement. At most `capacity` notices wait (besides
// the one being posted; a capacity of 0 counts as 1); beyond, the oldest
// waiting one is dropped and reported, before any later notice's outcome,
// for each URL as kResourceExhausted "webhook <redacted url>: dropped: too
// many notices waiting". Every outcome (one per notice and URL, in order)
// goes to `on_done` on the sender's thread. Each POST is bounded by the
// configured timeout, so Drain() and the destructor end even when an
// endpoint hangs.
//
// Example:
//
//   WebhookSender sender(config, 16, [&](const WebhookOutcome& o) {
//     if (!o.status.ok()) out.Log("webhook", std::string(o.status.message()));
//   });
//   sender.Send(notice);
//   ...
//   sender.DrainFor(absl::Seconds(10));  // at exit

#ifndef SVL_KIT_WEBHOOK_SENDER_H_
#define SVL_KIT_WEBHOOK_SENDER_H_

#include <cstddef>
#include <atomic>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "kit/webhook.h"

namespace svl {
namespace kit {

// How one notice fared at one URL.
struct WebhookOutcome {
  std::string shown_url;  // ShownWebhookUrl() of the URL
  std::string event;      // WebhookNotice::event
  absl::Status status;    // OK, or why it was not delivered (or dropped)
};

// WebhookSender delivers notices to every configured URL (see the top).
class WebhookSender {
 public:
  WebhookSender(WebhookConfig config, size_t capacity,
                std::function<void(const WebhookOutcome&)> on_done);
  // Drain()s, then stops the thread.
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Send() queues `notice`; never blocks on a delivery.
  void Send(WebhookNotice notice);
  // Drain() waits until nothing is waiting or being posted (every outcome
  // so far has gone to on_done).
  void Drain();
  // DrainFor() is Drain() for at most `timeout`; false when notices remain.
  bool DrainFor(absl::Duration timeout);
  // Abandon() is for a listener that stops and cannot wait: the notices
  // still waiting are reported as not sent (kCancelled), the POST in
  // progress is abandoned within about a second, and later Send()s are
  // reported the same way. Drain() then returns promptly.
  void Abandon();

 private:
  void Run();
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Report() gives on_done_ the outcome of `event` at `url`.
  void Report(const std::string& url, const std::string& event, absl::Status status) const;

  const WebhookClient client_;
  const size_t capacity_;
  const std::function<void(const WebhookOutcome&)> on_done_;
  absl::Mutex mu_;
  std::deque<WebhookNotice> waiting_ ABSL_GUARDED_BY(mu_);
  // Events of notices abandoned unsent (Abandon()), to be reported.
  std::vector<std::string> abandoned_events_ ABSL_GUARDED_BY(mu_);
  // Events of the notices dropped and not yet reported, oldest first.
  std::vector<std::string> dropped_events_ ABSL_GUARDED_BY(mu_);
  bool posting_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> abandoned_{false};
  std::thread thread_;  // last: started after every other member
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_WEBHOOK_SENDER_H_
