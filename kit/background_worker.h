// File: kit/background_worker.h
//
// One background thread running one job at a time: a listener's checks and
// restarts run there, so its event loop keeps acknowledging events at once.
// A job is never started twice, and a second job is refused while one runs.
//
// Example:
//
//   BackgroundWorker worker;
//   if (!worker.TrySubmit([&] { RunRound(); })) { ... busy: defer or skip ... }
//   ...
//   worker.Drain();  // at EOF, before exit

#ifndef SVL_KIT_BACKGROUND_WORKER_H_
#define SVL_KIT_BACKGROUND_WORKER_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace svl {
namespace kit {

// BackgroundWorker runs submitted jobs on its own thread, one at a time.
class BackgroundWorker {
 public:
  BackgroundWorker();
  // Drain()s, then stops the thread.
  ~BackgroundWorker();
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // TrySubmit() hands `job` to the thread and returns true, or returns false
  // (and drops `job`) while a previous job has not finished. An empty
  // std::function is refused (false).
  bool TrySubmit(std::function<void()> job);

  // busy() is true from a successful TrySubmit() until its job returned.
  bool busy() const;

  // Drain() waits until no job is pending or running.
  void Drain();

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return job_ != nullptr || stopping_;
  }

  mutable absl::Mutex mu_;
  std::function<void()> job_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_BACKGROUND_WORKER_H_
