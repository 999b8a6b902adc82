#include "kit/notice_queue.h"

#include <iterator>
#include <string>
#include <vector>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace svl {
namespace kit {

std::string DroppedNoticesLine(int count) {
  return absl::StrCat("(", count, count == 1 ? " earlier notice was" : " earlier notices were",
                      " dropped unsent: too many were waiting for delivery)");
}

NoticeQueue::NoticeQueue(mailer::Mailer* mailer, size_t capacity, NoticeDropped on_drop)
    : mailer_(mailer),
      capacity_(capacity < 1 ? 1 : capacity),
      on_drop_(std::move(on_drop)),
      thread_([this] { Run(); }) {}

NoticeQueue::~NoticeQueue() {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &NoticeQueue::Idle));
    stopping_ = true;
  }
  thread_.join();
}

void NoticeQueue::Enqueue(Notice notice) {
  std::deque<Notice> dropped;
  {
    absl::MutexLock lock(&mu_);
    while (waiting_.size() >= capacity_) {
      dropped.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
      ++dropped_total_;
      ++dropped_unreported_;
    }
    waiting_.push_back(std::move(notice));
  }
  if (on_drop_) {
    for (const Notice& d : dropped) on_drop_(d.message);
  }
}

void NoticeQueue::Drain() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &NoticeQueue::Idle));
}

bool NoticeQueue::DrainFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(this, &NoticeQueue::Idle), timeout);
}

std::vector<Notice> NoticeQueue::TakeWaiting() {
  absl::MutexLock lock(&mu_);
  std::vector<Notice> taken(std::make_move_iterator(waiting_.begin()),
                            std::make_move_iterator(waiting_.end()));
  waiting_.clear();
  return taken;
}

int NoticeQueue::dropped_total() const {
  absl::MutexLock lock(&mu_);
  return dropped_total_;
}

void NoticeQueue::Run() {
  while (true) {
    Notice notice;
    int reported = 0;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &NoticeQueue::HasWorkOrStopping));
      if (waiting_.empty()) return;  // stopping, nothing waiting
      notice = std::move(waiting_.front());
      waiting_.pop_front();
      delivering_ = true;
      reported = dropped_unreported_;
    }
    if (reported > 0) {
      absl::StrAppend(&notice.message.body, "\n\n", DroppedNoticesLine(reported));
    }
    const absl::Status status = mailer_->Send(notice.message);
    if (notice.on_done) notice.on_done(notice.message, status);
    absl::MutexLock lock(&mu_);
    if (status.ok()) dropped_unreported_ -= reported;
    delivering_ = false;
  }
}

}  // namespace kit
}  // namespace svl
