#include "kit/notifier.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kit/event_log.h"
#include "kit/listener_output.h"
#include "tests/testing/recording_mailer.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::RecordingMailer;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// What the listener wrote on stderr, one string per write.
class Writes {
 public:
  StderrWriter writer() {
    return [this](absl::string_view text) {
      absl::MutexLock lock(&mu_);
      writes_.emplace_back(text);
    };
  }
  std::vector<std::string> get() {
    absl::MutexLock lock(&mu_);
    return writes_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> writes_ ABSL_GUARDED_BY(mu_);
};

// An event-log record without its timestamp.
std::string WithoutTime(const std::string& line) { return line.substr(line.find(' ') + 1); }

OutputSettings Settings() { return {"httpok", "", LogFormat::kText, false, ""}; }

OutgoingNotice Notice(std::string subject, std::string body, std::string reason_line = "") {
  OutgoingNotice notice;
  notice.subject = std::move(subject);
  notice.body = std::move(body);
  notice.reason_line = std::move(reason_line);
  return notice;
}

TEST(NotifierTest, ADeliveredNoticeIsDumpedAfterMailed) {
  Writes writes;
  ListenerOutput out(Settings(), writes.writer());
  RecordingMailer mailer;
  Notifier notifier(&mailer, "ops@example.com", &out, kNoticeQueueCapacity);
  ASSERT_TRUE(notifier.enabled());
  EXPECT_TRUE(notifier.Send(Notice("httpok: http://h/: bad status returned",
                                   "status contacting http://h/: 500 Internal Server Error\n"
                                   "web restarted")));
  notifier.Drain();
  EXPECT_THAT(writes.get(),
              ElementsAre("Mailed:\n\n"
                          "To: ops@example.com\n"
                          "Subject: httpok: http://h/: bad status returned\n"
                          "\n"
                          "status contacting http://h/: 500 Internal Server Error\n"
                          "web restarted\n"));
  ASSERT_EQ(mailer.messages().size(), 1u);
  EXPECT_EQ(mailer.messages()[0].to, "ops@example.com");
}

TEST(NotifierTest, ADeliveredNoticeWithoutDumpIsOneLine) {
  Writes writes;
  ListenerOutput out(Settings(), writes.writer());
  RecordingMailer mailer;
  Notifier notifier(&mailer, "ops@example.com", &out, kNoticeQueueCapacity);
  OutgoingNotice notice = Notice("memmon: process web:web restarted", "memmon.py restarted ...");
  notice.dump = false;
  EXPECT_TRUE(notifier.Send(std::move(notice)));
  notifier.Drain();
  EXPECT_THAT(writes.get(),
              ElementsAre("Mailed memmon: process web:web restarted to ops@example.com\n"));
  ASSERT_EQ(mailer.messages().size(), 1u);
  EXPECT_EQ(mailer.messages()[0].body, "memmon.py restarted ...");
}

TEST(NotifierTest, AFailedDeliverySaysWhyThenTheReasonLine) {
  Writes writes;
  ListenerOutput out(Settings(), writes.writer());
  RecordingMailer mailer;
  mailer.FailWith(absl::InternalError("sendmail command 'x' exited with status 1:\nno"));
  Notifier notifier(&mailer, "ops@example.com", &out, kNoticeQueueCapacity);
  std::atomic<int> failures{0};
  OutgoingNotice notice = Notice("s", "b", "Reason: httpok: http://h/: bad status returned (x)");
  notice.on_failure = [&failures] { ++failures; };
  ASSERT_TRUE(notifier.Send(std::move(notice)));
  ASSERT_TRUE(notifier.Send(Notice("t", "b")));  // no reason line
  notifier.Drain();
  EXPECT_THAT(writes.get(),
              ElementsAre("Failed to send mail: sendmail command 'x' exited with status 1: no\n",
                          "Reason: httpok: http://h/: bad status returned (x)\n",
                          "Failed to send mail: sendmail command 'x' exited with status 1: no\n"));
  EXPECT_EQ(failures, 1);
}

TEST(NotifierTest, NotEnabledWithoutAnAddressOrAMailer) {
  Writes writes;
  ListenerOutput out(Settings(), writes.writer());
  RecordingMailer mailer;
  Notifier no_to(&mailer, "", &out, kNoticeQueueCapacity);
  EXPECT_FALSE(no_to.enabled());
  EXPECT_FALSE(no_to.Send(Notice("s", "b")));
  Notifier no_mailer(nullptr, "ops@example.com", &out, kNoticeQueueCapacity);
  EXPECT_FALSE(no_mailer.enabled());
  EXPECT_FALSE(no_mailer.Send(Notice("s", "b")));
  no_mailer.Drain();
  no_mailer.Shutdown(absl::ZeroDuration(), nullptr);
  EXPECT_THAT(mailer.messages(), IsEmpty());
  EXPECT_THAT(writes.get(), IsEmpty());
}

TEST(NotifierTest, ShutdownDropsTheWaitingNoticesAndStopsTheDelivery) {
  Writes writes;
  ListenerOutput out(Settings(), writes.writer());
  RecordingMailer mailer;
  mailer.Block();
  Notifier notifier(&mailer, "ops@example.com", &out, kNoticeQueueCapacity);
  ASSERT_TRUE(notifier.Send(Notice("first", "1")));
  mailer.WaitUntilBlocked(1);  // being delivered
  ASSERT_TRUE(notifier.Send(Notice("second", "2")));
  ASSERT_TRUE(notifier.Send(Notice("third", "3")));
  int stops = 0;
  notifier.Shutdown(absl::ZeroDuration(), [&] {
    ++stops;
    mailer.Release();  // as killing the mail command ends its delivery
  });
  EXPECT_EQ(stops, 1);
  EXPECT_THAT(mailer.subjects(), ElementsAre("first"));
  std::vector<std::string> lines = writes.get();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(WithoutTime(lines[0]),
            "httpok reason=mail msg=\"mail dropped unsent: httpok is stopping\" subject=second\n");
  EXPECT_EQ(WithoutTime(lines[1]),
            "httpok reason=mail msg=\"mail dropped unsent: httpok is stopping\" subject=third\n");
  EXPECT_EQ(lines[2], "Mailed:\n\nTo: ops@example.com\nSubject: first\n\n1\n");
}

TEST(MakeMailerTest, SendmailUnlessSmtpIsGiven) {
  MailSettings settings;
  settings.sendmail = "/usr/sbin/sendmail -t -i";
  absl::StatusOr<std::unique_ptr<mailer::Mailer>> sendmail = MakeMailer(settings);
  ASSERT_THAT(sendmail, IsOk());
  EXPECT_NE(sendmail->get(), nullptr);

  settings.smtp = "smtp://127.0.0.1:25";
  settings.from = "httpok@example.com";
  absl::StatusOr<std::unique_ptr<mailer::Mailer>> smtp = MakeMailer(settings);
  ASSERT_THAT(smtp, IsOk());
  EXPECT_NE(smtp->get(), nullptr);
}

TEST(MakeMailerTest, ABadSmtpUrlNamesTheOptionAndMasksCredentials) {
  MailSettings settings;
  settings.smtp = "ftp://user:secret@mail.example.com/";
  settings.from = "httpok@example.com";
  EXPECT_THAT(MakeMailer(settings).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "option --smtp: SMTP URL 'ftp://***@mail.example.com/' must start with "
                       "smtp:// or smtps://"));
}

}  // namespace
}  // namespace kit
}  // namespace svl
