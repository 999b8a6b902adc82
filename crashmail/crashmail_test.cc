#include "crashmail/crashmail.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mailer/message.h"
#include "protocol/event.h"
#include "tests/testing/recording_mailer.h"

namespace svl {
namespace crashmail {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kEmail[] = "chrism@plope.com";

protocol::Event MakeEvent(const std::string& eventname, const std::string& payload) {
  protocol::Event event;
  event.header.eventname = eventname;
  event.payload = payload;
  return event;
}

protocol::Event Exited(const std::string& name, const std::string& group, int expected,
                       int pid = 1) {
  return MakeEvent("PROCESS_STATE_EXITED",
                   absl::StrCat("expected:", expected, " processname:", name, " groupname:",
                                group, " from_state:RUNNING pid:", pid));
}

protocol::Event Tick() { return MakeEvent("TICK_5", "when:1796131945"); }

// A crashmail on a RecordingMailer, its stderr and a clock the test moves.
class CrashmailTest : public ::testing::Test {
 protected:
  void Start(CrashmailOptions options) {
    CrashmailDeps deps;
    deps.mailer = &mailer_;
    deps.write_stderr = [this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      absl::StrAppend(&err_, line);
    };
    deps.now = [this] {
      absl::MutexLock lock(&mu_);
      return now_;
    };
    deps.zone = absl::UTCTimeZone();
    crashmail_ = std::make_unique<Crashmail>(std::move(options), std::move(deps));
  }

  CrashmailOptions WithMail() {
    CrashmailOptions options;
    options.email = kEmail;
    return options;
  }

  void Handle(const protocol::Event& event) { EXPECT_EQ(crashmail_->HandleEvent(event), "OK"); }

  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

  std::string Err() {
    crashmail_->Drain();
    absl::MutexLock lock(&mu_);
    return err_;
  }

  std::vector<mailer::Message> Mails() {
    crashmail_->Drain();
    return mailer_.messages();
  }

  testing::RecordingMailer mailer_;
  absl::Mutex mu_;
  std::string err_;
  // 2026-12-01 13:32:25,266 UTC
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 13, 32, 25),
                                    absl::UTCTimeZone()) +
                    absl::Milliseconds(266);
  std::unique_ptr<Crashmail> crashmail_;
};

TEST_F(CrashmailTest, UnexpectedExitMailsUpstreamsSubjectAndBody) {
  CrashmailOptions options = WithMail();
  options.optional_header = "[foo]";
  Start(options);
  Handle(Exited("foo", "bar", 0));
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].to, kEmail);
  EXPECT_EQ(mails[0].subject, "[foo]: foo crashed at 2026-12-01 13:32:25,266");
  EXPECT_EQ(mails[0].body, "Process foo in group bar exited unexpectedly (pid 1) from state RUNNING");
  EXPECT_EQ(Err(),
            "unexpected exit, mailing\n"
            "Mailed:\n\n"
            "To: chrism@plope.com\n"
            "Subject: [foo]: foo crashed at 2026-12-01 13:32:25,266\n\n"
            "Process foo in group bar exited unexpectedly (pid 1) from state RUNNING\n");
}

TEST_F(CrashmailTest, WithoutOptionalHeaderTheSubjectKeepsItsLeadingSpace) {
  Start(WithMail());
  Handle(Exited("cat", "cat", 0, 1373));
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].subject, " cat crashed at 2026-12-01 13:32:25,266");
  EXPECT_EQ(mailer::FormatMessage(mails[0]),
            "To: chrism@plope.com\nSubject:  cat crashed at 2026-12-01 13:32:25,266\n\n"
            "Process cat in group cat exited unexpectedly (pid 1373) from state RUNNING");
}

TEST_F(CrashmailTest, ExpectedExitsAndOtherEventsAreLeftAlone) {
  Start(WithMail());
  Handle(Exited("foo", "bar", 1));
  Handle(MakeEvent("PROCESS_STATE", ""));
  Handle(MakeEvent("PROCESS_STATE_FATAL", "processname:foo groupname:bar from_state:BACKOFF"));
  Handle(Tick());
  EXPECT_THAT(Mails(), IsEmpty());
  EXPECT_EQ(Err(), "");
}

TEST_F(CrashmailTest, FixedProgramSelectsWhatItNames) {
  CrashmailOptions options = WithMail();
  options.programs = {"cat", "web:w_01", "workers:*"};
  Start(options);
  Handle(Exited("cat", "other", 0));     // bare name: any group
  Handle(Exited("w_01", "web", 0));      // group:name
  Handle(Exited("w_02", "web", 0));      // not named
  Handle(Exited("job_3", "workers", 0)); // group:*
  Handle(Exited("dog", "dog", 0));       // not named
  std::vector<std::string> subjects;
  for (const mailer::Message& m : Mails()) subjects.push_back(m.subject);
  EXPECT_THAT(subjects, ElementsAre(" cat crashed at 2026-12-01 13:32:25,266",
                                    " w_01 crashed at 2026-12-01 13:32:25,266",
                                    " job_3 crashed at 2026-12-01 13:32:25,266"));
}

TEST_F(CrashmailTest, FixedAnyMeansEveryProcessOverridingProgram) {
  CrashmailOptions options = WithMail();
  options.programs = {"cat"};
  options.any = true;
  Start(options);
  Handle(Exited("dog", "dog", 0));
  EXPECT_EQ(Mails().size(), 1);
}

TEST_F(CrashmailTest, NeitherProgramNorAnyMeansEveryProcess) {
  Start(WithMail());
  Handle(Exited("dog", "dog", 0));
  Handle(Exited("w_01", "web", 0));
  EXPECT_EQ(Mails().size(), 2);
}

TEST_F(CrashmailTest, FixedNoEmailMailsNothingAndSaysWhy) {
  Start(CrashmailOptions());
  Handle(Exited("foo", "bar", 0));
  EXPECT_THAT(Mails(), IsEmpty());
  EXPECT_EQ(Err(), "unexpected exit, not mailing (no -m)\n");
}

TEST_F(CrashmailTest, FixedPayloadWithoutExpectedOrPidIsOneLineNotACrash) {
  Start(WithMail());
  Handle(MakeEvent("PROCESS_STATE_EXITED", "processname:foo groupname:bar from_state:RUNNING pid:1"));
  Handle(MakeEvent("PROCESS_STATE_EXITED",
                   "processname:foo groupname:bar from_state:RUNNING expected:0"));
  Handle(MakeEvent("PROCESS_STATE_EXITED", "garbage"));
  EXPECT_THAT(Mails(), IsEmpty());
  const std::vector<std::string> lines = absl::StrSplit(Err(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3) << Err();
  EXPECT_THAT(lines[0], ::testing::HasSubstr("reason=payload"));
  EXPECT_THAT(lines[0], ::testing::HasSubstr("event not understood, not mailing"));
  EXPECT_THAT(lines[0], ::testing::HasSubstr("expected"));
  EXPECT_THAT(lines[1], ::testing::HasSubstr("pid"));
}

TEST_F(CrashmailTest, FixedCrLfInAProcessNameCannotBreakTheHeaders) {
  CrashmailOptions options = WithMail();
  options.optional_header = "host1";
  Start(options);
  Handle(Exited("evil\rBcc:victim@x", "g", 0));
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  const std::string text = mailer::FormatMessage(mails[0]);
  const std::vector<std::string> head =
      absl::StrSplit(text.substr(0, text.find("\n\n")), '\n');
  EXPECT_THAT(head, ElementsAre("To: chrism@plope.com",
                                "Subject: host1: evil Bcc:victim@x crashed at 2026-12-01 "
                                "13:32:25,266"));
}

TEST_F(CrashmailTest, MailFailureIsReportedAndTheListenerGoesOn) {
  Start(WithMail());
  mailer_.FailWith(absl::UnavailableError("sendmail exited 1"));
  Handle(Exited("foo", "bar", 0));
  EXPECT_EQ(Err(), "unexpected exit, mailing\nFailed to send mail: sendmail exited 1\n");
}

// --batch: a batch opens at its first crash and is mailed on the first
// event at or after its end.
class CrashmailBatchTest : public CrashmailTest {
 protected:
  void SetUp() override {
    CrashmailOptions options = WithMail();
    options.batch = absl::Minutes(5);
    options.optional_header = "host1";
    Start(options);
  }
};

TEST_F(CrashmailBatchTest, OneMailPerIntervalSentOnTheFirstTickAfterIt) {
  Handle(Tick());  // nothing gathered: nothing to send
  Handle(Exited("cat", "cat", 0, 10));
  Advance(absl::Seconds(30));
  Handle(Exited("w_01", "web", 0, 11));
  Handle(Tick());
  Advance(absl::Seconds(269));  // 299 s after the first crash
  Handle(Tick());
  EXPECT_THAT(Mails(), IsEmpty());
  Advance(absl::Seconds(1));
  Handle(Tick());
  std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].subject, "host1: 2 unexpected exits since 2026-12-01 13:32:25,266");
  EXPECT_EQ(mails[0].body,
            "2026-12-01 13:32:25,266 -- Process cat in group cat exited unexpectedly (pid 10) "
            "from state RUNNING\n"
            "2026-12-01 13:32:55,266 -- Process w_01 in group web exited unexpectedly (pid 11) "
            "from state RUNNING");
  Handle(Tick());
  Advance(absl::Minutes(10));
  Handle(Tick());
  EXPECT_EQ(Mails().size(), 1);  // the batch was emptied
  EXPECT_THAT(Err(), ::testing::StartsWith("unexpected exit, mailing with the next batch\n"
                                           "unexpected exit, mailing with the next batch\n"
                                           "Mailed:\n\nTo: chrism@plope.com\n"));
}

TEST_F(CrashmailBatchTest, AFlappingProgramIsOneLineWithACount) {
  Handle(Exited("web", "web", 0, 5));
  for (int i = 0; i < 37; ++i) {
    Advance(absl::Seconds(2));
    Handle(Exited("crasher", "crasher", 0, 100 + i));
  }
  Handle(Exited("w_01", "web", 0, 7));
  Advance(absl::Minutes(5));
  Handle(Tick());
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].subject, "host1: 39 unexpected exits since 2026-12-01 13:32:25,266");
  EXPECT_EQ(mails[0].body,
            "2026-12-01 13:32:25,266 -- Process web in group web exited unexpectedly (pid 5) "
            "from state RUNNING\n"
            "2026-12-01 13:33:39,266 -- crasher exited unexpectedly 37 times since "
            "2026-12-01 13:32:27,266\n"
            "2026-12-01 13:33:39,266 -- Process w_01 in group web exited unexpectedly (pid 7) "
            "from state RUNNING");
}

TEST_F(CrashmailBatchTest, AProcessOfAnotherGroupIsNamedGroupColonName) {
  Handle(Exited("w_01", "web", 0, 5));
  Handle(Exited("w_01", "web", 0, 6));
  Advance(absl::Minutes(5));
  Handle(Tick());
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].body,
            "2026-12-01 13:32:25,266 -- web:w_01 exited unexpectedly 2 times since "
            "2026-12-01 13:32:25,266");
}

TEST_F(CrashmailBatchTest, ABatchOfOneCrashIsUpstreamsMail) {
  Handle(Exited("cat", "cat", 0, 10));
  Advance(absl::Minutes(6));
  Handle(Tick());
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].subject, "host1: cat crashed at 2026-12-01 13:32:25,266");
  EXPECT_EQ(mails[0].body,
            "Process cat in group cat exited unexpectedly (pid 10) from state RUNNING");
}

TEST_F(CrashmailBatchTest, TheCountLineSpansTheProcesssOwnCrashesNotTheInterval) {
  // A batch can last longer than its interval (it waits for an event):
  // the line says when the process's crashes began, not `in the last 5
  // minutes`.
  Handle(Exited("dog", "dog", 0, 4));
  Advance(absl::Minutes(1));
  Handle(Exited("cat", "cat", 0, 5));
  Advance(absl::Minutes(3));
  Handle(Exited("cat", "cat", 0, 6));
  Advance(absl::Minutes(7));
  Handle(Tick());
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].body,
            "2026-12-01 13:32:25,266 -- Process dog in group dog exited unexpectedly (pid 4) "
            "from state RUNNING\n"
            "2026-12-01 13:36:25,266 -- cat exited unexpectedly 2 times since "
            "2026-12-01 13:33:25,266");
}

TEST_F(CrashmailBatchTest, ADueBatchIsMailedOnAnyEventNotOnlyOnATick) {
  Handle(Exited("cat", "cat", 0, 10));
  Advance(absl::Seconds(299));
  Handle(MakeEvent("PROCESS_STATE_RUNNING", "processname:dog groupname:dog from_state:STARTING"));
  EXPECT_THAT(Mails(), IsEmpty());
  Advance(absl::Seconds(1));
  Handle(MakeEvent("PROCESS_STATE_RUNNING", "processname:dog groupname:dog from_state:STARTING"));
  std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].subject, "host1: cat crashed at 2026-12-01 13:32:25,266");
}

TEST_F(CrashmailBatchTest, ACrashAfterTheIntervalMailsTheDueBatchAndOpensTheNext) {
  Handle(Exited("cat", "cat", 0, 10));
  Handle(Exited("cat", "cat", 0, 11));
  Advance(absl::Minutes(5));
  Handle(Exited("dog", "dog", 0, 12));
  std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].subject, "host1: 2 unexpected exits since 2026-12-01 13:32:25,266");
  EXPECT_EQ(mails[0].body,
            "2026-12-01 13:32:25,266 -- cat exited unexpectedly 2 times since "
            "2026-12-01 13:32:25,266");
  crashmail_->Shutdown(absl::Seconds(10), nullptr);
  mails = mailer_.messages();
  ASSERT_EQ(mails.size(), 2);
  EXPECT_EQ(mails[1].subject, "host1: dog crashed at 2026-12-01 13:37:25,266");
}

TEST_F(CrashmailBatchTest, AfterShutdownBeganNoEventIsAcknowledgedOrHandled) {
  Handle(Exited("cat", "cat", 0, 10));
  crashmail_->Shutdown(absl::Seconds(10), nullptr);
  EXPECT_EQ(crashmail_->HandleEvent(Exited("dog", "dog", 0, 11)), absl::nullopt);
  Advance(absl::Minutes(10));
  EXPECT_EQ(crashmail_->HandleEvent(Tick()), absl::nullopt);
  crashmail_->Shutdown(absl::Seconds(10), nullptr);
  const std::vector<mailer::Message> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_EQ(mails[0].subject, "host1: cat crashed at 2026-12-01 13:32:25,266");
  const std::vector<std::string> lines = absl::StrSplit(Err(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 7) << Err();  // 1, the Mailed: dump's 4, then 2
  EXPECT_THAT(lines[5], ::testing::HasSubstr("reason=stopping"));
  EXPECT_THAT(lines[5], ::testing::HasSubstr(
                            "PROCESS_STATE_EXITED left unacknowledged: crashmail is stopping"));
  EXPECT_THAT(lines[6], ::testing::HasSubstr("TICK_5 left unacknowledged"));
}

TEST_F(CrashmailTest, AfterShutdownBeganNoCrashIsAcknowledgedOrMailed) {
  Start(WithMail());
  crashmail_->Shutdown(absl::Seconds(10), nullptr);
  EXPECT_EQ(crashmail_->HandleEvent(Exited("dog", "dog", 0, 11)), absl::nullopt);
  EXPECT_THAT(Mails(), IsEmpty());
}

TEST_F(CrashmailBatchTest, ShutdownMailsTheBatch) {
  Handle(Exited("cat", "cat", 0, 10));
  Handle(Exited("dog", "dog", 0, 11));
  crashmail_->Shutdown(absl::Seconds(10), nullptr);
  EXPECT_EQ(mailer_.messages().size(), 1);
}

}  // namespace
}  // namespace crashmail
}  // namespace svl
