#include "kit/notice_queue.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mailer/mailer.h"
#include "mailer/message.h"

namespace svl {
namespace kit {
namespace {

using ::testing::ElementsAre;

// A mailer whose Send() blocks until the test releases it (when `gated`),
// records every message and answers with the next configured status.
class GatedMailer : public mailer::Mailer {
 public:
  explicit GatedMailer(bool gated) : gated_(gated) {}

  absl::Status Send(const mailer::Message& message) override {
    {
      absl::MutexLock lock(&mu_);
      ++entered_;
    }
    if (gated_) release_.WaitForNotification();
    absl::MutexLock lock(&mu_);
    bodies_.push_back(absl::StrCat(message.subject, "|", message.body));
    if (failures_ > 0) {
      --failures_;
      return absl::InternalError("mail command failed");
    }
    return absl::OkStatus();
  }

  void WaitUntilEntered(int n) {
    absl::MutexLock lock(&mu_);
    target_ = n;
    mu_.Await(absl::Condition(this, &GatedMailer::Entered));
  }
  void Release() { release_.Notify(); }
  void FailNext(int n) {
    absl::MutexLock lock(&mu_);
    failures_ = n;
  }
  std::vector<std::string> bodies() {
    absl::MutexLock lock(&mu_);
    return bodies_;
  }

 private:
  const bool gated_;
  absl::Notification release_;
  absl::Mutex mu_;
  bool Entered() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return entered_ >= target_; }

  int entered_ ABSL_GUARDED_BY(mu_) = 0;
  int target_ ABSL_GUARDED_BY(mu_) = 0;
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> bodies_ ABSL_GUARDED_BY(mu_);
};

mailer::Message Mail(const std::string& subject) {
  mailer::Message message;
  message.to = "ops@example.com";
  message.subject = subject;
  message.body = "body";
  return message;
}

TEST(NoticeQueueTest, DeliversInOrderAndReportsEachOutcome) {
  GatedMailer mailer(/*gated=*/false);
  mailer.FailNext(1);
  std::vector<std::string> outcomes;
  absl::Mutex mu;
  {
    NoticeQueue queue(&mailer, 4, nullptr);
    for (const char* subject : {"one", "two"}) {
      queue.Enqueue({Mail(subject), [&](const mailer::Message& sent, const absl::Status& s) {
                       absl::MutexLock lock(&mu);
                       outcomes.push_back(absl::StrCat(sent.subject, " ", s.ToString()));
                     }});
    }
    queue.Drain();
    absl::MutexLock lock(&mu);
    EXPECT_THAT(outcomes, ElementsAre("one INTERNAL: mail command failed", "two OK"));
  }
  EXPECT_THAT(mailer.bodies(), ElementsAre("one|body", "two|body"));
}

TEST(NoticeQueueTest, AFullQueueDropsTheOldestWaitingAndTheNextDeliveryReportsIt) {
  GatedMailer mailer(/*gated=*/true);
  std::vector<std::string> dropped;  // on the enqueuing (test) thread
  NoticeQueue queue(&mailer, 2, [&](const mailer::Message& m) { dropped.push_back(m.subject); });
  queue.Enqueue({Mail("first"), nullptr});
  mailer.WaitUntilEntered(1);  // "first" is being delivered and blocks
  queue.Enqueue({Mail("a"), nullptr});
  queue.Enqueue({Mail("b"), nullptr});
  EXPECT_THAT(dropped, ElementsAre());
  queue.Enqueue({Mail("c"), nullptr});  // three waiting > 2: "a" goes
  queue.Enqueue({Mail("d"), nullptr});  // "b" goes
  EXPECT_THAT(dropped, ElementsAre("a", "b"));
  EXPECT_EQ(queue.dropped_total(), 2);
  mailer.Release();
  queue.Drain();
  EXPECT_THAT(mailer.bodies(),
              ElementsAre("first|body",
                          "c|body\n\n(2 earlier notices were dropped unsent: too many were "
                          "waiting for delivery)",
                          "d|body"));
}

TEST(NoticeQueueTest, TheDroppedCountWaitsForADeliveryThatSucceeds) {
  GatedMailer mailer(/*gated=*/true);
  NoticeQueue queue(&mailer, 1, nullptr);
  queue.Enqueue({Mail("first"), nullptr});
  mailer.WaitUntilEntered(1);
  queue.Enqueue({Mail("a"), nullptr});
  queue.Enqueue({Mail("b"), nullptr});  // "a" dropped
  mailer.FailNext(2);                   // "first" and "b" fail
  mailer.Release();
  queue.Drain();
  queue.Enqueue({Mail("c"), nullptr});
  queue.Drain();
  const std::string line =
      "\n\n(1 earlier notice was dropped unsent: too many were waiting for delivery)";
  EXPECT_THAT(mailer.bodies(), ElementsAre("first|body", "b|body" + line, "c|body" + line));
}

TEST(NoticeQueueTest, DrainForAndTakeWaitingForABoundedStop) {
  GatedMailer mailer(/*gated=*/true);
  NoticeQueue queue(&mailer, 4, nullptr);
  queue.Enqueue({Mail("first"), nullptr});
  mailer.WaitUntilEntered(1);
  queue.Enqueue({Mail("second"), nullptr});
  queue.Enqueue({Mail("third"), nullptr});
  EXPECT_FALSE(queue.DrainFor(absl::Milliseconds(1)));  // "first" still hangs
  std::vector<Notice> taken = queue.TakeWaiting();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].message.subject, "second");
  EXPECT_EQ(taken[1].message.subject, "third");
  mailer.Release();
  EXPECT_TRUE(queue.DrainFor(absl::Seconds(60)));
  EXPECT_THAT(mailer.bodies(), ElementsAre("first|body"));
}

TEST(DroppedNoticesLineTest, SingularAndPlural) {
  EXPECT_EQ(DroppedNoticesLine(1),
            "(1 earlier notice was dropped unsent: too many were waiting for delivery)");
  EXPECT_EQ(DroppedNoticesLine(3),
            "(3 earlier notices were dropped unsent: too many were waiting for delivery)");
}

}  // namespace
}  // namespace kit
}  // namespace svl
