#include "tests/testing/recording_mailer.h"

#include <thread>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

mailer::Message Mail(const char* subject) {
  mailer::Message m;
  m.to = "ops@example.com";
  m.subject = subject;
  return m;
}

TEST(RecordingMailerTest, RecordsEveryMessageAndAnswersAsTold) {
  RecordingMailer mailer;
  EXPECT_THAT(mailer.Send(Mail("a")), IsOk());
  mailer.FailWith(absl::InternalError("no"));
  EXPECT_THAT(mailer.Send(Mail("b")), StatusIs(absl::StatusCode::kInternal, "no"));
  EXPECT_THAT(mailer.subjects(), ElementsAre("a", "b"));
  EXPECT_EQ(mailer.messages()[1].to, "ops@example.com");
}

TEST(RecordingMailerTest, BlockedSendReturnsOnlyOnRelease) {
  RecordingMailer mailer;
  mailer.Block();
  absl::Status sent = absl::UnknownError("not returned");
  std::thread delivery([&] { sent = mailer.Send(Mail("held")); });
  mailer.WaitUntilBlocked(1);
  EXPECT_THAT(mailer.messages(), IsEmpty());
  mailer.Release();
  delivery.join();
  EXPECT_THAT(sent, IsOk());
  EXPECT_THAT(mailer.subjects(), ElementsAre("held"));
  EXPECT_THAT(mailer.Send(Mail("later")), IsOk());  // released for good
}

}  // namespace
}  // namespace testing
}  // namespace svl
