#include "kit/background_worker.h"

#include <utility>

namespace svl {
namespace kit {

BackgroundWorker::BackgroundWorker() : thread_([this] { Run(); }) {}

BackgroundWorker::~BackgroundWorker() {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* busy) { return !*busy; }, &busy_));
    stopping_ = true;
  }
  thread_.join();
}

bool BackgroundWorker::TrySubmit(std::function<void()> job) {
  if (!job) return false;
  absl::MutexLock lock(&mu_);
  if (busy_ || stopping_) return false;
  job_ = std::move(job);
  busy_ = true;
  return true;
}

bool BackgroundWorker::busy() const {
  absl::MutexLock lock(&mu_);
  return busy_;
}

void BackgroundWorker::Drain() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](bool* busy) { return !*busy; }, &busy_));
}

void BackgroundWorker::Run() {
  while (true) {
    std::function<void()> job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &BackgroundWorker::HasWorkOrStopping));
      if (job_ == nullptr) return;  // stopping, nothing pending
      job = std::move(job_);
      job_ = nullptr;
    }
    job();
    absl::MutexLock lock(&mu_);
    busy_ = false;
  }
}

}  // namespace kit
}  // namespace svl
