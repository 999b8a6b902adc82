// File: kit/notice_queue.h
//
// Notices (mails today) are delivered off the checking path: a listener puts
// a notice in the queue and goes on with its checks and restarts; one thread
// of the queue's own delivers the notices in order, each bounded by the
// mailer's own deadline. A slow or hanging mail command therefore never
// delays a check.
//
// The queue is bounded. When `capacity` notices are already waiting, the
// oldest waiting one is dropped (never the one being delivered): `on_drop`
// is told at once, and the next notice that is delivered carries a last
// line saying how many were dropped since the last delivered one.
//
// Example:
//
//   NoticeQueue queue(&mailer, 16, [](const mailer::Message& m) {
//     log("Mail dropped: " + m.subject);
//   });
//   queue.Enqueue({message, [](const mailer::Message& sent, const absl::Status& s) {
//     log(s.ok() ? "Mailed: ..." : "Failed to send mail: ...");
//   }});
//   ...
//   queue.Drain();  // at EOF: every notice delivered or failed

#ifndef SVL_KIT_NOTICE_QUEUE_H_
#define SVL_KIT_NOTICE_QUEUE_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "mailer/mailer.h"
#include "mailer/message.h"

namespace svl {
namespace kit {

// Called on the queue's thread after a delivery ended, with the message as
// it was sent (a dropped-notices line may have been added to its body) and
// the mailer's status.
using NoticeDone = std::function<void(const mailer::Message& sent, const absl::Status& status)>;

// Called on the enqueuing thread with a notice that was dropped unsent.
using NoticeDropped = std::function<void(const mailer::Message& dropped)>;

// One notice: the message, and who hears how its delivery ended.
struct Notice {
  mailer::Message message;
  NoticeDone on_done;  // may be empty
};

// DroppedNoticesLine() is the line added to the body of the next delivered
// notice after `count` (> 0) were dropped, e.g. "(2 earlier notices were
// dropped unsent: too many were waiting for delivery)".
std::string DroppedNoticesLine(int count);

// NoticeQueue delivers notices in order on its own thread (see above).
class NoticeQueue {
 public:
  // `mailer` must outlive the queue; `capacity` >= 1 notices may wait.
  NoticeQueue(mailer::Mailer* mailer, size_t capacity, NoticeDropped on_drop);
  // Drain()s, then stops the thread.
  ~NoticeQueue();
  NoticeQueue(const NoticeQueue&) = delete;
  NoticeQueue& operator=(const NoticeQueue&) = delete;

  // Enqueue() never blocks on a delivery.
  void Enqueue(Notice notice);

  // Drain() waits until no notice is waiting or being delivered.
  void Drain();

  // DrainFor() is Drain() for at most `timeout`; false when notices remain.
  bool DrainFor(absl::Duration timeout);

  // TakeWaiting() removes the notices still waiting (not the one being
  // delivered) and returns them, for a listener that stops.
  std::vector<Notice> TakeWaiting();

  // How many notices were dropped since the queue was made.
  int dropped_total() const;

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !waiting_.empty() || stopping_;
  }
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return waiting_.empty() && !delivering_; }

  mailer::Mailer* const mailer_;
  const size_t capacity_;
  const NoticeDropped on_drop_;

  mutable absl::Mutex mu_;
  std::deque<Notice> waiting_ ABSL_GUARDED_BY(mu_);
  bool delivering_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int dropped_total_ ABSL_GUARDED_BY(mu_) = 0;
  int dropped_unreported_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;  // last: started after every other member
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_NOTICE_QUEUE_H_
