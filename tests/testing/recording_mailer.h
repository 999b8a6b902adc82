// File: tests/testing/recording_mailer.h
//
// A mailer::Mailer for tests: it records every message handed to Send()
// (when Send() returns, failed ones included) and answers what the test
// says: OK, a given error (FailWith), or nothing until the test releases it
// (Block / Release), to stand in for a hanging sendmail.
//
// Example:
//
//   RecordingMailer mailer;
//   mailer.Block();
//   ... code under test sends a mail from its delivery thread ...
//   mailer.WaitUntilBlocked(1);   // that Send() is now waiting
//   mailer.Release();             // this one and every later Send() return
//   EXPECT_EQ(mailer.messages()[0].subject, "...");
//
// Thread-safe (mails are sent from a delivery thread).

#ifndef SVL_TESTS_TESTING_RECORDING_MAILER_H_
#define SVL_TESTS_TESTING_RECORDING_MAILER_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "mailer/mailer.h"
#include "mailer/message.h"

namespace svl {
namespace testing {

class RecordingMailer : public mailer::Mailer {
 public:
  absl::Status Send(const mailer::Message& message) override;

  // messages() is every message whose Send() returned, in order.
  std::vector<mailer::Message> messages() const;
  std::vector<std::string> subjects() const;

  // FailWith(): Send() answers `status` from now on (OkStatus(): success).
  void FailWith(absl::Status status);
  // Block(): Send() waits until Release(); Release() lets every waiting and
  // later Send() through.
  void Block();
  void Release();
  // WaitUntilBlocked() returns once `count` Send() calls have begun waiting
  // in all (never returns if the mailer is not blocked).
  void WaitUntilBlocked(int count);

 private:
  mutable absl::Mutex mu_;
  std::vector<mailer::Message> messages_ ABSL_GUARDED_BY(mu_);
  absl::Status result_ ABSL_GUARDED_BY(mu_);
  bool blocked_ ABSL_GUARDED_BY(mu_) = false;
  int waited_ ABSL_GUARDED_BY(mu_) = 0;  // Send() calls that have waited
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_RECORDING_MAILER_H_
