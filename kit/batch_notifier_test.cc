#include "kit/batch_notifier.h"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "mailer/message.h"
#include "protocol/event.h"
#include "tests/testing/recording_mailer.h"

namespace svl {
namespace kit {
namespace {

constexpr char kExited[] = "PROCESS_STATE_EXITED";

// The stub kind of upstream's process-state monitor tests: the line is the
// process and pid, for unexpected exits.
BatchKind TestKind() {
  BatchKind kind;
  kind.listener = "crashmailbatch";
  kind.handled_event = kExited;
  kind.default_subject = "Crash alert from supervisord";
  kind.line_for = [](const protocol::ProcessStatePayload& state,
                     const std::string& asctime) -> absl::optional<std::string> {
    if (*state.expected) return absl::nullopt;
    return absl::StrCat(asctime, " -- ", state.groupname, ":", state.processname, " ",
                        *state.pid);
  };
  return kind;
}

protocol::Event Event(const std::string& name, const std::string& payload) {
  protocol::Event event;
  event.header.eventname = name;
  event.payload = payload;
  return event;
}

protocol::Event Exited(const std::string& name, int pid, int expected = 0) {
  return Event(kExited, absl::StrCat("processname:", name, " groupname:", name,
                                     " from_state:RUNNING expected:", expected, " pid:", pid));
}

protocol::Event Tick(const std::string& name = "TICK_60") { return Event(name, "when:1"); }

class BatchNotifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<BatchNotifier> Make(BatchSettings settings, BatchKind kind = TestKind()) {
    BatchDeps deps;
    deps.mailer = &mailer_;
    deps.write_stderr = [this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      stderr_.append(line.data(), line.size());
    };
    deps.now = [this] {
      absl::MutexLock lock(&mu_);
      return now_;
    };
    deps.zone = absl::FixedTimeZone(3600);
    deps.message_id = [] { return std::string("<1.2.3@host>"); };
    return std::make_unique<BatchNotifier>(std::move(kind), std::move(settings), std::move(deps));
  }
  static BatchSettings Settings() {
    BatchSettings settings;
    settings.to = {"a@x", "b@y"};
    settings.from = "sv@z";
    return settings;
  }
  std::string Stderr() {
    absl::MutexLock lock(&mu_);
    return stderr_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Handle(BatchNotifier& notifier, const protocol::Event& event) {
    EXPECT_EQ(notifier.HandleEvent(event), absl::optional<std::string>("OK"));
  }

  testing::RecordingMailer mailer_;
  absl::Mutex mu_;
  std::string stderr_ ABSL_GUARDED_BY(mu_);
  // 2026-12-01 13:32:51.728 UTC: 14:32:51,728 in the test's zone.
  absl::Time now_ ABSL_GUARDED_BY(mu_) = absl::FromUnixMillis(1796131971728);
};

TEST_F(BatchNotifierTest, ExpectedExitKeepsNothingAndTheTickSendsNothing) {
  auto notifier = Make(Settings());
  Handle(*notifier, Exited("foo", 58597, /*expected=*/1));
  Handle(*notifier, Tick());
  notifier->Drain();
  EXPECT_EQ(Stderr(), "");
  EXPECT_TRUE(mailer_.messages().empty());
}

TEST_F(BatchNotifierTest, IntervalExpiredSendsOneMailOfTwoLines) {
  auto notifier = Make(Settings());
  Handle(*notifier, Exited("cat", 2766));
  Handle(*notifier, Exited("web", 77));
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 1u);
  const mailer::Message m = mailer_.messages()[0];
  EXPECT_TRUE(m.mime_text_plain);
  EXPECT_EQ(m.to, "a@x, b@y");
  EXPECT_EQ(m.from, "sv@z");
  EXPECT_EQ(m.subject, "Crash alert from supervisord");
  EXPECT_EQ(m.body, "2026-12-01 14:32:51,728 -- cat:cat 2766\n2026-12-01 14:32:51,728 -- web:web 77");
  EXPECT_EQ(m.message_id, "<1.2.3@host>");
  EXPECT_EQ(m.date, absl::FromUnixMillis(1796131971728));
  EXPECT_EQ(m.date_zone, absl::FixedTimeZone(3600));
  EXPECT_EQ(Stderr(),
            "2026-12-01 14:32:51,728 -- cat:cat 2766\n"
            "2026-12-01 14:32:51,728 -- web:web 77\n"
            "Sending notification email:\nTo: a@x, b@y\nFrom: sv@z\n"
            "Subject: Crash alert from supervisord\nBody:\n"
            // The body's first 76 code points: the digest.
            "2026-12-01 14:32:51,728 -- cat:cat 2766\n2026-12-01 14:32:51,728 -- web:web 7...\n");
  // The batch is empty afterwards: the next interval sends nothing.
  Handle(*notifier, Tick());
  notifier->Drain();
  EXPECT_EQ(mailer_.messages().size(), 1u);
}

TEST_F(BatchNotifierTest, IntervalNotExpired) {
  BatchSettings settings = Settings();
  settings.interval_seconds = 180;  // -i 3
  auto notifier = Make(settings);
  Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick());
  Handle(*notifier, Tick());
  notifier->Drain();
  EXPECT_TRUE(mailer_.messages().empty());
  Handle(*notifier, Tick());
  notifier->Drain();
  EXPECT_EQ(mailer_.messages().size(), 1u);
}

TEST_F(BatchNotifierTest, IntegerSecondsSendOnTheSixthTick5ForHalfAMinute) {
  BatchSettings settings = Settings();
  settings.tick_event = "TICK_5";
  settings.tick_seconds = 5;
  settings.interval_seconds = 30;  // -i 0.5: upstream needed 7 ticks
  auto notifier = Make(settings);
  Handle(*notifier, Exited("cat", 1));
  for (int tick = 1; tick <= 5; ++tick) Handle(*notifier, Tick("TICK_5"));
  notifier->Drain();
  EXPECT_TRUE(mailer_.messages().empty());
  Handle(*notifier, Tick("TICK_5"));
  notifier->Drain();
  EXPECT_EQ(mailer_.messages().size(), 1u);
}

TEST_F(BatchNotifierTest, OtherTicksAndEventsAreIgnored) {
  auto notifier = Make(Settings());
  Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick("TICK_5"));
  Handle(*notifier, Tick("TICK_3600"));
  Handle(*notifier, Event("PROCESS_STATE_FATAL", "processname:x groupname:x from_state:BACKOFF"));
  notifier->Drain();
  EXPECT_TRUE(mailer_.messages().empty());
  EXPECT_EQ(Stderr(), "2026-12-01 14:32:51,728 -- cat:cat 1\n");
}

TEST_F(BatchNotifierTest, UnsetSubjectIsNoneInTheDigestAndEmptyInTheMessage) {
  BatchKind kind = TestKind();
  kind.default_subject = absl::nullopt;
  auto notifier = Make(Settings(), kind);
  Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 1u);
  EXPECT_EQ(mailer_.messages()[0].subject, "");
  EXPECT_NE(Stderr().find("\nSubject: None\n"), std::string::npos) << Stderr();
}

TEST_F(BatchNotifierTest, ExplicitSubjectWins) {
  BatchSettings settings = Settings();
  settings.subject = "Test Alert";
  auto notifier = Make(settings);
  Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 1u);
  EXPECT_EQ(mailer_.messages()[0].subject, "Test Alert");
}

TEST_F(BatchNotifierTest, FailedSendKeepsTheLinesForTheNextInterval) {
  auto notifier = Make(Settings());
  mailer_.FailWith(absl::UnavailableError("SMTP delivery via smtp://h:1 failed: refused"));
  Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick());
  notifier->Drain();
  EXPECT_EQ(Stderr(),
            "2026-12-01 14:32:51,728 -- cat:cat 1\n"
            "Error sending email: SMTP delivery via smtp://h:1 failed: refused\n"
            "Failed to send notification email: 1 line kept for the next one\n");
  mailer_.FailWith(absl::OkStatus());
  Handle(*notifier, Exited("web", 2));
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 2u);
  EXPECT_EQ(mailer_.messages()[1].body,
            "2026-12-01 14:32:51,728 -- cat:cat 1\n2026-12-01 14:32:51,728 -- web:web 2");
}

TEST_F(BatchNotifierTest, AFailureCountsTheLinesGatheredDuringTheAttempt) {
  auto notifier = Make(Settings());
  mailer_.FailWith(absl::UnavailableError("timed out"));
  mailer_.Block();
  Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick());
  mailer_.WaitUntilBlocked(1);
  Handle(*notifier, Exited("web", 2));
  mailer_.Release();
  notifier->Drain();
  EXPECT_NE(Stderr().find("Error sending email: timed out\n"
                          "Failed to send notification email: 2 lines kept for the next one\n"),
            std::string::npos)
      << Stderr();
  mailer_.FailWith(absl::OkStatus());
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 2u);
  EXPECT_EQ(mailer_.messages()[1].body,
            "2026-12-01 14:32:51,728 -- cat:cat 1\n2026-12-01 14:32:51,728 -- web:web 2");
}

TEST_F(BatchNotifierTest, ABatchIsBoundedAndCountsWhatItLeftOut) {
  auto notifier = Make(Settings());
  for (size_t i = 0; i < kMaxBatchLines + 3; ++i) Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 1u);
  const std::string body = mailer_.messages()[0].body;
  EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), static_cast<long>(kMaxBatchLines));
  EXPECT_EQ(body.substr(body.rfind('\n') + 1),
            "... and 3 more lines, left out: a batch keeps at most 1000 lines (1 MiB)");
}

TEST_F(BatchNotifierTest, ABatchIsBoundedInBytesToo) {
  auto notifier = Make(Settings());
  const std::string huge(300 * 1024, 'x');  // a line of 600 KiB: group:name
  Handle(*notifier, Exited(huge, 1));
  Handle(*notifier, Exited(huge, 2));  // over 1 MiB with the first: left out
  Handle(*notifier, Exited("cat", 3));
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 1u);
  const std::string body = mailer_.messages()[0].body;
  EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), 2);
  EXPECT_NE(body.find(" -- cat:cat 3\n... and 1 more line, left out: a batch keeps at most 1000 "
                      "lines (1 MiB)"),
            std::string::npos);
}

TEST_F(BatchNotifierTest, LinesWaitWhileAMailIsInFlight) {
  auto notifier = Make(Settings());
  mailer_.Block();
  Handle(*notifier, Exited("cat", 1));
  Handle(*notifier, Tick());
  mailer_.WaitUntilBlocked(1);
  // The listener still answers at once.
  Handle(*notifier, Exited("web", 2));
  Handle(*notifier, Tick());
  EXPECT_NE(Stderr().find("the previous mail is still being sent: 1 line waits for the next "
                          "interval"),
            std::string::npos)
      << Stderr();
  mailer_.Release();
  notifier->Drain();
  Handle(*notifier, Tick());
  notifier->Drain();
  ASSERT_EQ(mailer_.messages().size(), 2u);
  EXPECT_EQ(mailer_.messages()[1].body, "2026-12-01 14:32:51,728 -- web:web 2");
}

TEST_F(BatchNotifierTest, ShutdownMailsTheBatchAndLeavesLaterEventsUnanswered) {
  auto notifier = Make(Settings());
  Handle(*notifier, Exited("cat", 1));
  bool stopped = false;
  notifier->Shutdown(absl::Seconds(30), [&] { stopped = true; });
  EXPECT_FALSE(stopped);
  ASSERT_EQ(mailer_.messages().size(), 1u);
  EXPECT_EQ(notifier->HandleEvent(Exited("web", 2)), absl::nullopt);
  EXPECT_NE(Stderr().find("PROCESS_STATE_EXITED left unacknowledged: crashmailbatch is stopping"),
            std::string::npos);
}

TEST_F(BatchNotifierTest, ShutdownGivesUpAHangingMailAfterItsGrace) {
  auto notifier = Make(Settings());
  mailer_.Block();
  Handle(*notifier, Exited("cat", 1));
  bool stopped = false;
  notifier->Shutdown(absl::Milliseconds(50), [&] {
    stopped = true;
    mailer_.Release();
  });
  EXPECT_TRUE(stopped);
  EXPECT_NE(Stderr().find("the mail being sent did not end within 50ms: 1 line was not mailed: "
                          "crashmailbatch is stopping"),
            std::string::npos)
      << Stderr();
}

TEST_F(BatchNotifierTest, UnreadablePayloadIsOneLineAndOk) {
  auto notifier = Make(Settings());
  Handle(*notifier, Event(kExited, "processname:cat groupname:cat from_state:RUNNING pid:1"));
  EXPECT_NE(Stderr().find("event not understood, not batched: "), std::string::npos) << Stderr();
  Handle(*notifier, Tick());
  notifier->Drain();
  EXPECT_TRUE(mailer_.messages().empty());
}

TEST_F(BatchNotifierTest, WarnsOnceWhenTheTickNeverComes) {
  auto notifier = Make(Settings());
  Handle(*notifier, Exited("cat", 1));
  Advance(absl::Hours(2));
  Handle(*notifier, Exited("cat", 2));
  Handle(*notifier, Exited("cat", 3));
  const std::string err = Stderr();
  const std::string warning = "no TICK_60 event for 2h: nothing is mailed until one comes";
  ASSERT_NE(err.find(warning), std::string::npos) << err;
  EXPECT_EQ(err.find(warning), err.rfind(warning));
}

TEST(DigestOfBodyTest, CutsAt76CodePoints) {
  EXPECT_EQ(DigestOfBody(std::string(80, 'a')), std::string(76, 'a') + "...");
  EXPECT_EQ(DigestOfBody(std::string(76, 'a')), std::string(76, 'a'));
  EXPECT_EQ(DigestOfBody(std::string(20, 'a')), std::string(20, 'a'));
  std::string accents;
  for (int i = 0; i < 77; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(DigestOfBody(accents), accents.substr(0, 152) + "...");
}

TEST(MessageIdNowTest, PythonShape) {
  const std::string id = MessageIdNow();
  ASSERT_GE(id.size(), 2u);
  EXPECT_EQ(id.front(), '<');
  EXPECT_EQ(id.back(), '>');
  EXPECT_NE(id.find(absl::StrCat(".", getpid(), ".")), std::string::npos) << id;
  EXPECT_NE(id.find('@'), std::string::npos) << id;
}

}  // namespace
}  // namespace kit
}  // namespace svl
