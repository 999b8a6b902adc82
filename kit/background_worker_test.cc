#include "kit/background_worker.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace svl {
namespace kit {
namespace {


TEST(BackgroundWorkerTest, OneJobAtATime) {
  BackgroundWorker worker;
  EXPECT_FALSE(worker.busy());
  absl::Notification started, release;
  std::atomic<int> runs{0};
  ASSERT_TRUE(worker.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
    ++runs;
  }));
  started.WaitForNotification();
  EXPECT_TRUE(worker.busy());
  EXPECT_FALSE(worker.TrySubmit([&] { runs += 100; }));  // in progress: not started twice
  release.Notify();
  worker.Drain();
  EXPECT_FALSE(worker.busy());
  EXPECT_EQ(runs, 1);
  ASSERT_TRUE(worker.TrySubmit([&] { ++runs; }));
  worker.Drain();
  EXPECT_EQ(runs, 2);
}

TEST(BackgroundWorkerTest, BusyFromSubmitUntilTheJobReturned) {
  BackgroundWorker worker;
  absl::Notification release;
  ASSERT_TRUE(worker.TrySubmit([&] { release.WaitForNotification(); }));
  // Even before the thread picked the job up.
  EXPECT_TRUE(worker.busy());
  EXPECT_FALSE(worker.TrySubmit([] {}));
  release.Notify();
  worker.Drain();
  EXPECT_FALSE(worker.busy());
}

TEST(BackgroundWorkerTest, RunsOnAnotherThread) {
  BackgroundWorker worker;
  std::thread::id job_thread;
  ASSERT_TRUE(worker.TrySubmit([&] { job_thread = std::this_thread::get_id(); }));
  worker.Drain();
  EXPECT_NE(job_thread, std::thread::id());
  EXPECT_NE(job_thread, std::this_thread::get_id());
}

TEST(BackgroundWorkerTest, EmptyJobIsRefused) {
  BackgroundWorker worker;
  EXPECT_FALSE(worker.TrySubmit(std::function<void()>()));
  EXPECT_FALSE(worker.busy());
  worker.Drain();  // returns at once
}

TEST(BackgroundWorkerTest, DestructorWaitsForTheRunningJob) {
  std::atomic<bool> finished{false};
  absl::Notification started, release;
  // Releases the job once it runs; the destructor below must wait for it.
  std::thread releaser([&] {
    started.WaitForNotification();
    release.Notify();
  });
  {
    BackgroundWorker worker;
    ASSERT_TRUE(worker.TrySubmit([&] {
      started.Notify();
      release.WaitForNotification();
      finished = true;
    }));
  }
  releaser.join();
  EXPECT_TRUE(finished);
}

TEST(BackgroundWorkerTest, DestructorRunsAJobSubmittedJustBefore) {
  std::atomic<bool> finished{false};
  {
    BackgroundWorker worker;
    ASSERT_TRUE(worker.TrySubmit([&] { finished = true; }));
  }  // destroyed at once, perhaps before the thread took the job
  EXPECT_TRUE(finished);
}

TEST(BackgroundWorkerTest, DrainWithoutJobs) {
  BackgroundWorker worker;
  worker.Drain();
  worker.Drain();
  EXPECT_FALSE(worker.busy());
}

}  // namespace
}  // namespace kit
}  // namespace svl
