// superlance's tests of the batch notifiers (test_crashmailbatch.py,
// test_fatalmailbatch.py, test_crashsms.py, test_process_state_monitor.py,
// test_process_state_email_monitor.py), run black-box against the real
// binaries and a real SMTP server. Upstream's fixture is `-t testTo@blah.com
// -f testFrom@blah.com -s 'Test Alert'`; the payload is upstream's, 69
// characters.
//
// Upstream ran one event per test and looked inside the monitor; here stdin
// is the events then EOF, and what the listener keeps is mailed at EOF. So
// "nothing sent yet" is shown by what the EOF mail holds: a line that came
// after the interval's TICK is in a second mail only if the TICK sent.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/batchmail/batch_harness.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr char kTo[] = "testTo@blah.com";
constexpr char kFrom[] = "testFrom@blah.com";
constexpr char kSubject[] = "Test Alert";

std::vector<std::string> UpstreamArgs() { return {"-t", kTo, "-f", kFrom, "-s", kSubject}; }

// upstream's fixture's mail with `lines`.
std::string UpstreamDelivery(std::vector<std::string> lines) {
  return DeliveryRegex({kFrom, {kTo}, kSubject, kTo, std::move(lines)});
}

// ---- test_crashmailbatch.py items 1-4, rerun by test_crashsms.py ----

struct ExitKind {
  const char* binary;
  std::string (*line)(absl::string_view group, absl::string_view name, int pid);
};

class ExitKindTest : public BatchMailTest, public ::testing::WithParamInterface<ExitKind> {};

TEST_P(ExitKindTest, GetProcessStateChangeMsgExpected) {
  RunResult r = Run(GetParam().binary, UpstreamArgs(), Exited(1));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(1));
  EXPECT_EQ(r.err, "");
  // Nothing kept: nothing to mail at EOF.
  EXPECT_THAT(Deliveries(0), IsEmpty());
}

TEST_P(ExitKindTest, GetProcessStateChangeMsgUnexpected) {
  RunResult r = Run(GetParam().binary, UpstreamArgs(), Exited(0));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(1));
  const std::string line = GetParam().line("bar", "foo", 58597);
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(line, "\n", DigestRegex(kTo, kFrom, kSubject, line))));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(UpstreamDelivery({line}))));
}

TEST_P(ExitKindTest, HandleEventExitExpected) {
  // The interval's TICK finds nothing to mail.
  RunResult r = Run(GetParam().binary, UpstreamArgs(), Exited(1) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(2));
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(Deliveries(0), IsEmpty());
}

TEST_P(ExitKindTest, HandleEventExitUnexpected) {
  std::unique_ptr<ListenerSession> session = Start(GetParam().binary, UpstreamArgs());
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Send(Exited(0)));
  ASSERT_TRUE(session->WaitForStderr("\n"));
  // Acknowledged: stderr is exactly the line, kept for the mail.
  const std::string line = GetParam().line("bar", "foo", 58597);
  EXPECT_THAT(session->err(), MatchesRegex(line + "\n"));
  RunResult r = session->Finish();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(1));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(UpstreamDelivery({line}))));
}

INSTANTIATE_TEST_SUITE_P(CrashmailbatchAndCrashsms, ExitKindTest,
                         ::testing::Values(ExitKind{kCrashmailbatch, &CrashLine},
                                           ExitKind{kCrashsms, &SmsLine}),
                         [](const ::testing::TestParamInfo<ExitKind>& info) {
                           return std::string(info.param.binary == kCrashsms ? "crashsms"
                                                                             : "crashmailbatch");
                         });

// ---- test_crashmailbatch.py item 5 ----

using CrashmailbatchTest = BatchMailTest;

TEST_F(CrashmailbatchTest, SetsDefaultSubjectWhenNone) {
  RunResult r = Run(kCrashmailbatch, {"-t", kTo, "-f", kFrom}, Exited(0) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(2));
  const std::string subject = "Crash alert from supervisord";
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(CrashLine(), "\n",
                                               DigestRegex(kTo, kFrom, subject, CrashLine()))));
  EXPECT_THAT(Deliveries(1),
              ElementsAre(MatchesRegex(DeliveryRegex({kFrom, {kTo}, subject, kTo, {CrashLine()}}))));
}

// ---- test_fatalmailbatch.py ----

using FatalmailbatchTest = BatchMailTest;

TEST_F(FatalmailbatchTest, GetProcessStateChangeMsg) {
  std::unique_ptr<ListenerSession> session = Start(kFatalmailbatch, UpstreamArgs());
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Send(Fatal()));
  ASSERT_TRUE(session->WaitForStderr("\n"));
  EXPECT_THAT(session->err(), MatchesRegex(FatalLine() + "\n"));
  RunResult r = session->Finish();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(1));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(UpstreamDelivery({FatalLine()}))));
}

TEST_F(FatalmailbatchTest, SetsDefaultSubjectWhenNone) {
  // An EXITED event is not fatalmailbatch's: ignored.
  RunResult r = Run(kFatalmailbatch, {"-t", kTo, "-f", kFrom}, Exited(0) + Fatal() + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(3));
  const std::string subject = "Fatal start alert from supervisord";
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(FatalLine(), "\n",
                                               DigestRegex(kTo, kFrom, subject, FatalLine()))));
  EXPECT_THAT(Deliveries(1),
              ElementsAre(MatchesRegex(DeliveryRegex({kFrom, {kTo}, subject, kTo, {FatalLine()}}))));
}

// ---- test_crashsms.py item 5 ----

using CrashsmsTest = BatchMailTest;

TEST_F(CrashsmsTest, SetsDefaultSubjectWhenNone) {
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom}, Exited(0) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(2));
  // No Subject header at all; the digest says None, as upstream's.
  EXPECT_THAT(r.err,
              MatchesRegex(absl::StrCat(SmsLine(), "\n", DigestRegex(kTo, kFrom, "None", SmsLine()))));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(
                                 DeliveryRegex({kFrom, {kTo}, absl::nullopt, kTo, {SmsLine()}}))));
}

// ---- test_process_state_monitor.py, through crashsms ----

using ProcessStateMonitorTest = BatchMailTest;

TEST_F(ProcessStateMonitorTest, GetTickSecsJunkIsAStartUpFailure) {
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom, "-e", "JUNK_60"}, Exited(0));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "crashsms: option -e: invalid TICK event name: 'JUNK_60' (TICK_5, TICK_60 or "
            "TICK_3600)\n");
  EXPECT_THAT(Deliveries(0), IsEmpty());
}

TEST_F(ProcessStateMonitorTest, GetTickSecsHourTickSendsAnHourInterval) {
  // -i 60 with TICK_3600: the first TICK is the whole interval, so the line
  // after it is in a second mail.
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom, "-e", "TICK_3600", "-i", "60"},
                    Exited(0, "a", "g", 1) + Tick("TICK_60") + Tick("TICK_3600") +
                        Exited(0, "b", "g", 2));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(4));
  EXPECT_THAT(Deliveries(2),
              ElementsAre(MatchesRegex(DeliveryRegex({kFrom, {kTo}, absl::nullopt, kTo,
                                                      {SmsLine("g", "a", 1)}})),
                          MatchesRegex(DeliveryRegex({kFrom, {kTo}, absl::nullopt, kTo,
                                                      {SmsLine("g", "b", 2)}}))));
}

TEST_F(ProcessStateMonitorTest, GetTickMinsFiveSecondTicksCountFiveSeconds) {
  // -i 0.5 is 30 s: five TICK_5 are 25 s, not yet; both lines in the EOF mail.
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom, "-e", "TICK_5", "-i", "0.5"},
                    Exited(0, "a", "g", 1) + Times(5, Tick("TICK_5")) + Exited(0, "b", "g", 2));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(7));
  EXPECT_THAT(Deliveries(1),
              ElementsAre(MatchesRegex(DeliveryRegex(
                  {kFrom, {kTo}, absl::nullopt, kTo, {SmsLine("g", "a", 1), SmsLine("g", "b", 2)}}))));
}

TEST_F(ProcessStateMonitorTest, HandleEventExit) {
  RunResult r = Run(kCrashsms, UpstreamArgs(), Exited(0));
  EXPECT_EQ(r.exit_code, 0);
  // The line on stderr, and the batch holds exactly it.
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(SmsLine(), "\n",
                                               DigestRegex(kTo, kFrom, kSubject, SmsLine()))));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(UpstreamDelivery({SmsLine()}))));
}

TEST_F(ProcessStateMonitorTest, HandleEventNonExit) {
  RunResult r = Run(kCrashsms, UpstreamArgs(), Fatal() + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(2));
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(Deliveries(0), IsEmpty());
}

TEST_F(ProcessStateMonitorTest, HandleEventTickIntervalExpired) {
  // Two lines, the interval's TICK: one mail with both, and the batch is
  // empty after it: the third line is alone in the EOF mail.
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom, "-s", kSubject, "-i", "1"},
                    Exited(0, "a", "g", 1) + Exited(0, "b", "g", 2) + Tick() +
                        Exited(0, "c", "g", 3));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(4));
  EXPECT_EQ(CountOccurrences(r.err, "Sending notification email:\n"), 2);
  EXPECT_THAT(Deliveries(2),
              ElementsAre(MatchesRegex(UpstreamDelivery({SmsLine("g", "a", 1), SmsLine("g", "b", 2)})),
                          MatchesRegex(UpstreamDelivery({SmsLine("g", "c", 3)}))));
}

TEST_F(ProcessStateMonitorTest, HandleEventTickIntervalNotExpired) {
  // -i 3: two TICK_60 are 2 minutes, no mail; both lines in the EOF mail.
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom, "-s", kSubject, "-i", "3"},
                    Exited(0, "a", "g", 1) + Times(2, Tick()) + Exited(0, "b", "g", 2));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(4));
  EXPECT_EQ(CountOccurrences(r.err, "Sending notification email:\n"), 1);
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(
                                 UpstreamDelivery({SmsLine("g", "a", 1), SmsLine("g", "b", 2)}))));
}

TEST_F(ProcessStateMonitorTest, HandleEventTickIntervalExpiresOnTheThirdTick) {
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom, "-s", kSubject, "-i", "3"},
                    Exited(0, "a", "g", 1) + Times(3, Tick()) + Exited(0, "b", "g", 2));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(5));
  EXPECT_THAT(Deliveries(2), ElementsAre(MatchesRegex(UpstreamDelivery({SmsLine("g", "a", 1)})),
                                         MatchesRegex(UpstreamDelivery({SmsLine("g", "b", 2)}))));
}

// ---- test_process_state_email_monitor.py, through crashmailbatch ----

using ProcessStateEmailMonitorTest = BatchMailTest;

TEST_F(ProcessStateEmailMonitorTest, ValidateCmdLineOptionsSingleToEmailOk) {
  RunResult r = Run(kCrashmailbatch, {"-t", "frog", "-f", "blah"}, Exited(0));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(DeliveryRegex(
                                 {"blah", {"frog"}, "Crash alert from supervisord", "frog",
                                  {CrashLine()}}))));
}

TEST_F(ProcessStateEmailMonitorTest, ValidateCmdLineOptionsMultiToEmailsOk) {
  RunResult r = Run(kCrashmailbatch, {"-t", "frog, log,dog", "-f", "blah"}, Exited(0));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(
                         CrashLine(), "\n",
                         DigestRegex("frog, log, dog", "blah", "Crash alert from supervisord",
                                     CrashLine()))));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(DeliveryRegex(
                                 {"blah", {"frog", "log", "dog"}, "Crash alert from supervisord",
                                  "frog, log, dog", {CrashLine()}}))));
}

TEST_F(ProcessStateEmailMonitorTest, SendEmailOk) {
  // Two lines to two recipients: upstream's whole as_string() layout.
  RunResult r = Run(kCrashmailbatch,
                    {"-t", "testTo@blah.com,testTo2@blah.com", "-f", kFrom, "-s", kSubject},
                    Exited(0, "a", "g", 1) + Exited(0, "b", "g", 2) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(3));
  EXPECT_THAT(Deliveries(1),
              ElementsAre(MatchesRegex(DeliveryRegex(
                  {kFrom, {"testTo@blah.com", "testTo2@blah.com"}, kSubject,
                   "testTo@blah.com, testTo2@blah.com", {CrashLine("g", "a", 1), CrashLine("g", "b", 2)}}))));
}

TEST_F(ProcessStateEmailMonitorTest, SendEmailException) {
  // Fixed (upstream bug 25): the failure is said, the digest is not written,
  // the line is kept; at EOF it is tried once more.
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_TRUE(refused.ok()) << refused.status();
  absl::StatusOr<std::unique_ptr<ListenerSession>> session = ListenerSession::Start(
      kCrashmailbatch,
      {"-t", kTo, "-f", kFrom, "-H", absl::StrCat("127.0.0.1:", (*refused)->port())}, Env());
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE((*session)->Send(Exited(0)));
  ASSERT_TRUE((*session)->Send(Tick()));
  ASSERT_TRUE((*session)->WaitForStderr("Failed to send notification email"));
  RunResult r = (*session)->Finish();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(2));
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(
                         CrashLine(), "\n",
                         "Error sending email: [^\n]+\n"
                         "Failed to send notification email: 1 line kept for the next one\n"
                         "Error sending email: [^\n]+\n"
                         "[^\n]*1 line was not mailed: crashmailbatch is stopping[^\n]*\n")));
  EXPECT_EQ(CountOccurrences(r.err, "Sending notification email"), 0);
}

TEST_F(ProcessStateEmailMonitorTest, SendBatchNotification) {
  RunResult r = Run(kCrashsms,
                    {"-t", "testTo@blah.com, testTo2@blah.com", "-f", kFrom, "-s", kSubject},
                    Exited(0, "a", "g", 1) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(
                         SmsLine("g", "a", 1), "\n",
                         DigestRegex("testTo@blah.com, testTo2@blah.com", kFrom, kSubject,
                                     SmsLine("g", "a", 1)))));
  EXPECT_EQ(Deliveries(1).size(), 1);
}

TEST_F(ProcessStateEmailMonitorTest, LogEmailWithBodyDigest) {
  // Two crashsms lines of 52 characters: the digest is the first 76 (the
  // first line, its '\n' and 23 characters of the second) plus "...".
  RunResult r = Run(kCrashsms, UpstreamArgs(), Exited(0, "a", "g", 1) + Exited(0, "b", "g", 2) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  const std::string digest_body =
      absl::StrCat(SmsLine("g", "a", 1), "\n", Quote("[g:b](2) exited unexpec..."));
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(SmsLine("g", "a", 1), "\n", SmsLine("g", "b", 2),
                                               "\n", DigestRegex(kTo, kFrom, kSubject, digest_body))));
  // The mail has the whole body.
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(UpstreamDelivery(
                                 {SmsLine("g", "a", 1), SmsLine("g", "b", 2)}))));
}

TEST_F(ProcessStateEmailMonitorTest, LogEmailWithoutBodyDigest) {
  // 76 code points exactly are logged whole: this line is 23 + 53 long.
  RunResult r = Run(kCrashmailbatch, UpstreamArgs(), Exited(0, "foo", "bar1234567", 12) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  const std::string line = CrashLine("bar1234567", "foo", 12);
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(line, "\n", DigestRegex(kTo, kFrom, kSubject, line))));
  EXPECT_EQ(Deliveries(1).size(), 1);
}

}  // namespace
}  // namespace testing
}  // namespace svl
