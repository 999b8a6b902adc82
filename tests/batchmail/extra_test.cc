// The batch notifiers' behaviour that superlance's tests leave out, black-box
// against the real binaries and a real SMTP server: the command line
// (optparse's help bytes and errors, the start-up order), `-s ''`, empty
// recipient items, TICK_5 arithmetic, a non-ASCII body, a refused SMTP port
// keeping the batch, the EOF mail, the password kept out of stderr, and the
// Date's zone. The upstream bugs fixed are named in each test.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
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
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kTo[] = "ops@example.com";
constexpr char kFrom[] = "sv@example.com";
constexpr char kCrashSubject[] = "Crash alert from supervisord";

// optparse's help for `program`, upstream's part (956 bytes for
// crashmailbatch).
std::string UpstreamHelp(absl::string_view program) {
  return absl::StrCat(
      "Usage: ", program,
      " [options]\n"
      "\n"
      "Options:\n"
      "  -h, --help            show this help message and exit\n"
      "  -i INTERVAL, --interval=INTERVAL\n"
      "                        batch interval in minutes (defaults to 1 minute)\n"
      "  -t TO_EMAILS, --toEmail=TO_EMAILS\n"
      "                        destination email address(es) - comma separated\n"
      "  -f FROM_EMAIL, --fromEmail=FROM_EMAIL\n"
      "                        source email address\n"
      "  -s SUBJECT, --subject=SUBJECT\n"
      "                        email subject\n"
      "  -H SMTP_HOST, --smtpHost=SMTP_HOST\n"
      "                        SMTP server hostname or address\n"
      "  -e EVENTNAME, --tickEvent=EVENTNAME\n"
      "                        TICK event name (defaults to TICK_60)\n"
      "  -u SMTP_USER, --userName=SMTP_USER\n"
      "                        SMTP server user name (defaults to nothing)\n"
      "  -p SMTP_PASSWORD, --password=SMTP_PASSWORD\n"
      "                        SMTP server password (defaults to nothing)\n"
      "  --tls                 Use Transport Layer Security (TLS), default to False\n");
}

// ---- the command line and the start-up order ----

using BatchCommandLineTest = BatchMailTest;

TEST_F(BatchCommandLineTest, HelpIsUpstreamsBytesThenTheAdditions) {
  EXPECT_EQ(UpstreamHelp("crashmailbatch").size(), 956);
  EXPECT_EQ(UpstreamHelp("crashsms").size(), 950);
  for (const char* binary : {kCrashmailbatch, kFatalmailbatch, kCrashsms}) {
    const std::string program(absl::string_view(binary).substr(absl::string_view(binary).find('/') + 1));
    // -h ends the parsing where it is reached: what follows is not looked at.
    RunResult r = RunRaw(binary, {"-t", kTo, "-h", "-x"}, "");
    EXPECT_EQ(r.exit_code, 0) << binary;
    EXPECT_THAT(r.out, StartsWith(UpstreamHelp(program))) << binary;
    EXPECT_GT(r.out.size(), UpstreamHelp(program).size()) << binary;  // the additions
    EXPECT_EQ(r.err, "") << binary;
  }
}

TEST_F(BatchCommandLineTest, OptparseErrorsExitTwo) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"-x"}, "no such option: -x"},
      {{"-t", kTo, "-f", kFrom, "-i", "abc"}, "option -i: invalid floating-point value: 'abc'"},
      {{"--interval=abc"}, "option --interval: invalid floating-point value: 'abc'"},
      {{"-f", kFrom, "-t"}, "-t option requires 1 argument"},
      {{"--toEmail"}, "--toEmail option requires 1 argument"},
      {{"--t=x"}, "ambiguous option: --t (--tickEvent, --tls, --toEmail?)"},
      {{"--tls=1"}, "--tls option does not take a value"},
      // Fixed (upstream bug: nan never sent, a negative interval always).
      {{"-i", "nan"}, "option -i: 'nan' is not a number of minutes > 0"},
      // Fixed: upstream failed at the first mail.
      {{"-H", "localhost:x"}, "option -H: invalid port: 'x' (not a number 1-65535)"},
  };
  for (const Case& c : cases) {
    RunResult r = RunRaw(kFatalmailbatch, c.args, Fatal());
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_EQ(r.out, "") << c.message;
    EXPECT_EQ(r.err, absl::StrCat("Usage: fatalmailbatch [options]\n\nfatalmailbatch: error: ",
                                  c.message, "\n"));
  }
}

TEST_F(BatchCommandLineTest, MissingToOrFromPrintsTheHelpAndExitsOne) {
  const RunResult help = RunRaw(kCrashsms, {"-h"}, "");
  ASSERT_THAT(help.out, StartsWith(UpstreamHelp("crashsms")));
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"-t", kTo},
      {"-f", kFrom},
      {"-t", "", "-f", kFrom},
      {"-t", kTo, "-f", ""},
      // Fixed (upstream bug 29): only empty items, so no recipient at all.
      {"-t", " , ,", "-f", kFrom},
  };
  for (const std::vector<std::string>& args : cases) {
    RunResult r = RunRaw(kCrashsms, args, Exited(0));
    EXPECT_EQ(r.exit_code, 1) << args.size();
    EXPECT_EQ(r.out, help.out) << args.size();
    EXPECT_EQ(r.err, "") << args.size();
  }
  EXPECT_THAT(Deliveries(0), IsEmpty());
}

TEST_F(BatchCommandLineTest, NotUnderSupervisordExitsOne) {
  // Before -e is looked at, as upstream.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-t", kTo, "-f", kFrom},
        std::vector<std::string>{"-t", kTo, "-f", kFrom, "-e", "JUNK_60"}}) {
    RunResult r = RunRaw(kCrashmailbatch, args, Exited(0), {{"TZ", "UTC"}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "Must run as a supervisor event listener\n");
  }
}

TEST_F(BatchCommandLineTest, BadTickEventIsOneLineAndExitOne) {
  // Fixed (upstream bug 27): TICK_5_x was taken and never matched.
  for (const char* tick : {"JUNK_60", "TICK_5_x", "TICK_x", "TICK_120"}) {
    RunResult r = Run(kFatalmailbatch, {"-t", kTo, "-f", kFrom, "-e", tick}, Fatal());
    EXPECT_EQ(r.exit_code, 1) << tick;
    EXPECT_EQ(r.out, "") << tick;
    EXPECT_EQ(r.err, absl::StrCat("fatalmailbatch: option -e: invalid TICK event name: '", tick,
                                  "' (TICK_5, TICK_60 or TICK_3600)\n"));
  }
  EXPECT_THAT(Deliveries(0), IsEmpty());
}

// ---- the mail ----

class BatchMailExtraTest : public BatchMailTest {
 protected:
  // Runs crashmailbatch under TZ=`tz` and checks its mail: the Date has
  // `offset`, and the line's clock (`seconds_east` of UTC) and the Date both
  // fall within the run.
  void ExpectMailInZone(const std::string& tz, const std::string& offset, int seconds_east);
};

TEST_F(BatchMailExtraTest, EmptySubjectMeansNoSubjectHeader) {
  RunResult r = Run(kCrashmailbatch, {"-t", kTo, "-f", kFrom, "-s", ""}, Exited(0) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(2));
  EXPECT_THAT(r.err,
              MatchesRegex(absl::StrCat(CrashLine(), "\n", DigestRegex(kTo, kFrom, "", CrashLine()))));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(
                                 DeliveryRegex({kFrom, {kTo}, absl::nullopt, kTo, {CrashLine()}}))));
}

TEST_F(BatchMailExtraTest, FixedEmptyRecipientItemsAreDropped) {
  // Upstream bug 29: `RCPT TO:<>` and `To: a@x, , b@y, `.
  RunResult r = Run(kCrashmailbatch, {"-t", "a@x,, b@y, ", "-f", kFrom}, Exited(0) + Tick());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(
                         CrashLine(), "\n", DigestRegex("a@x, b@y", kFrom, kCrashSubject, CrashLine()))));
  EXPECT_THAT(Deliveries(1), ElementsAre(MatchesRegex(DeliveryRegex(
                                 {kFrom, {"a@x", "b@y"}, kCrashSubject, "a@x, b@y", {CrashLine()}}))));
}

TEST_F(BatchMailExtraTest, FixedTickFiveHalfMinuteSendsOnTheSixthTick) {
  // Upstream bug 26: 0.5 minutes of TICK_5 sent on the 7th tick. The line
  // after the 6th is in a second mail only if the 6th sent.
  RunResult r = Run(kCrashsms, {"-t", kTo, "-f", kFrom, "-e", "TICK_5", "-i", "0.5"},
                    Exited(0, "a", "g", 1) + Times(6, Tick("TICK_5")) + Exited(0, "b", "g", 2));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(8));
  EXPECT_THAT(Deliveries(2), ElementsAre(MatchesRegex(DeliveryRegex(
                                             {kFrom, {kTo}, absl::nullopt, kTo, {SmsLine("g", "a", 1)}})),
                                         MatchesRegex(DeliveryRegex(
                                             {kFrom, {kTo}, absl::nullopt, kTo, {SmsLine("g", "b", 2)}}))));
}

TEST_F(BatchMailExtraTest, TickFiveIntervalStartsOverAfterASend) {
  std::unique_ptr<ListenerSession> session =
      Start(kCrashsms, {"-t", kTo, "-f", kFrom, "-e", "TICK_5", "-i", "0.5"});
  ASSERT_NE(session, nullptr);
  ASSERT_TRUE(session->Send(Exited(0, "a", "g", 1)));
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(session->Send(Tick("TICK_5")));
  ASSERT_TRUE(session->WaitForStderr("Sending notification email:\n", 1));
  // Five more TICK_5 are 25 s of the new interval: b waits for c.
  ASSERT_TRUE(session->Send(Exited(0, "b", "g", 2)));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(session->Send(Tick("TICK_5")));
  ASSERT_TRUE(session->Send(Exited(0, "c", "g", 3)));
  ASSERT_TRUE(session->Send(Tick("TICK_5")));
  ASSERT_TRUE(session->WaitForStderr("Sending notification email:\n", 2));
  RunResult r = session->Finish();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(15));
  EXPECT_EQ(CountOccurrences(r.err, "Sending notification email:\n"), 2);  // nothing left at EOF
  EXPECT_THAT(Deliveries(2),
              ElementsAre(MatchesRegex(DeliveryRegex(
                              {kFrom, {kTo}, absl::nullopt, kTo, {SmsLine("g", "a", 1)}})),
                          MatchesRegex(DeliveryRegex({kFrom, {kTo}, absl::nullopt, kTo,
                                                      {SmsLine("g", "b", 2), SmsLine("g", "c", 3)}}))));
}

TEST_F(BatchMailExtraTest, NonAsciiProcessNameGivesABase64Body) {
  // Ten 'é': the line is 76 code points (86 bytes), so the digest shows it
  // whole: it counts code points, not bytes.
  std::string accents;
  for (int i = 0; i < 10; ++i) accents += "\xc3\xa9";
  RunResult r = Run(kCrashmailbatch, {"-t", kTo, "-f", kFrom}, Exited(0, accents, "g", 2766));
  EXPECT_EQ(r.exit_code, 0);
  const std::string line = CrashLine("g", accents, 2766);
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(line, "\n",
                                               DigestRegex(kTo, kFrom, kCrashSubject, line))));
  const std::vector<std::string> mails = Deliveries(1);
  ASSERT_EQ(mails.size(), 1);
  // 86 bytes are 116 base64 characters: a line of 76, a line of 40 ending "=".
  EXPECT_THAT(mails[0],
              MatchesRegex(absl::StrCat(
                  "MAIL FROM:", Quote(kFrom), "\nRCPT TO:", Quote(kTo),
                  "\n\n"
                  "Content-Type: text/plain; charset=\"utf-8\"\r\n"
                  "MIME-Version: 1\\.0\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "Subject: ",
                  kCrashSubject, "\r\nFrom: ", Quote(kFrom), "\r\nTo: ", Quote(kTo), "\r\nDate: ",
                  kDateWithoutZone, "\\+0000\r\nMessage-ID: ", kMessageId,
                  "\r\n\r\n[A-Za-z0-9+/]{76}\r\n[A-Za-z0-9+/]{39}=\r\n")));
  const size_t body_at = mails[0].find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos);
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(
      absl::StrReplaceAll(mails[0].substr(body_at + 4), {{"\r\n", ""}}), &decoded));
  EXPECT_THAT(decoded, MatchesRegex(line));
}

TEST_F(BatchMailExtraTest, FixedRefusedPortKeepsTheBatchForTheNextInterval) {
  // Upstream bug 25: the batch was dropped and the digest said it was sent.
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_TRUE(refused.ok()) << refused.status();
  absl::StatusOr<std::unique_ptr<ListenerSession>> session = ListenerSession::Start(
      kCrashsms,
      {"-t", kTo, "-f", kFrom, "-i", "1", "-H", absl::StrCat("127.0.0.1:", (*refused)->port())},
      Env());
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE((*session)->Send(Exited(0, "a", "g", 1)));
  ASSERT_TRUE((*session)->Send(Tick()));
  ASSERT_TRUE((*session)->WaitForStderr("1 line kept for the next one\n"));
  // The next interval tries again, with both intervals' lines.
  ASSERT_TRUE((*session)->Send(Exited(0, "b", "g", 2)));
  ASSERT_TRUE((*session)->Send(Tick()));
  ASSERT_TRUE((*session)->WaitForStderr("2 lines kept for the next one\n"));
  // At EOF, once more; then they are given up, and said so.
  RunResult r = (*session)->Finish();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(4));
  const std::string error = "Error sending email: [^\n]*[Cc]onnect[^\n]*\n";
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(
                         SmsLine("g", "a", 1), "\n", error,
                         "Failed to send notification email: 1 line kept for the next one\n",
                         SmsLine("g", "b", 2), "\n", error,
                         "Failed to send notification email: 2 lines kept for the next one\n", error,
                         "[^\n]*2 lines were not mailed: crashsms is stopping[^\n]*\n")));
  EXPECT_EQ(CountOccurrences(r.err, "Sending notification email"), 0);
}

TEST_F(BatchMailExtraTest, LinesKeptAtEofAreMailed) {
  // Fixed (upstream bug 35): EOF was a traceback and the batch was lost.
  RunResult r = Run(kFatalmailbatch, {"-t", kTo, "-f", kFrom, "-i", "60"},
                    Fatal() + Times(3, Tick()));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, Acks(4));
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat(
                         FatalLine(), "\n",
                         DigestRegex(kTo, kFrom, "Fatal start alert from supervisord", FatalLine()))));
  EXPECT_THAT(Deliveries(1),
              ElementsAre(MatchesRegex(DeliveryRegex({kFrom, {kTo}, "Fatal start alert from supervisord",
                                                      kTo, {FatalLine()}}))));
}

TEST_F(BatchMailExtraTest, PasswordNeverInStderr) {
  constexpr char kPassword[] = "Pa55-w0rd-s3cr3t";
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_TRUE(refused.ok()) << refused.status();
  const std::string refused_host = absl::StrCat("127.0.0.1:", (*refused)->port());
  struct Case {
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;
  };
  std::vector<std::pair<std::string, std::string>> env_with_password = Env();
  env_with_password.push_back({"SMTP_PASSWORD", kPassword});
  const std::vector<Case> cases = {
      // The server offers no STARTTLS, which a login requires.
      {{"-u", "user", "-p", kPassword, "-H", Host()}, Env()},
      {{"-u", "user", "-H", Host()}, env_with_password},
      {{"-u", "user", "-p", kPassword, "--allow-plaintext-auth", "-H", refused_host}, Env()},
      {{"-u", "user", "-p", kPassword, "--log-format", "json", "-H", refused_host}, Env()},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"-t", kTo, "-f", kFrom};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = RunRaw(kCrashsms, args, Exited(0) + Tick(), c.env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("Error sending email")) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr(kPassword))) << r.err;
  }
  EXPECT_THAT(Deliveries(0), IsEmpty());
}

// ---- the Date's zone (fixed, upstream bug 28: always -0000 while the lines
// were local) ----

// The times a delivery's Date header and its first body line give, the line
// read in `line_zone`.
struct MailTimes {
  absl::Time date;
  absl::Time line;
};

// The start of `t`'s second (the lines and the Date show whole seconds).
absl::Time WholeSecond(absl::Time t) { return absl::FromUnixSeconds(absl::ToUnixSeconds(t)); }

MailTimes TimesOf(const std::string& delivery, absl::TimeZone line_zone) {
  MailTimes times;
  const size_t date_at = delivery.find("\r\nDate: ");
  const size_t body_at = delivery.find("\r\n\r\n");
  EXPECT_NE(date_at, std::string::npos);
  EXPECT_NE(body_at, std::string::npos);
  if (date_at == std::string::npos || body_at == std::string::npos) return times;
  const std::string date =
      delivery.substr(date_at + 8, delivery.find("\r\n", date_at + 8) - (date_at + 8));
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%a, %d %b %Y %H:%M:%S %z", date, &times.date, &error))
      << date << ": " << error;
  const std::string line_time = delivery.substr(body_at + 4, 19);
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M:%S", line_time, line_zone, &times.line, &error))
      << line_time << ": " << error;
  return times;
}

void BatchMailExtraTest::ExpectMailInZone(const std::string& tz, const std::string& offset,
                                          int seconds_east) {
  const absl::Time before = absl::Now();
  RunResult r = Run(kCrashmailbatch, {"-t", kTo, "-f", kFrom}, Exited(0),
                    {{"SUPERVISOR_SERVER_URL", "unix:///nonexistent/supervisor.sock"}, {"TZ", tz}});
  const absl::Time after = absl::Now();
  EXPECT_EQ(r.exit_code, 0);
  const std::vector<std::string> mails = Deliveries(1);
  ASSERT_THAT(mails, ElementsAre(MatchesRegex(DeliveryRegex(
                         {kFrom, {kTo}, kCrashSubject, kTo, {CrashLine()}, offset}))))
      << "TZ=" << tz;
  const MailTimes times = TimesOf(mails[0], absl::FixedTimeZone(seconds_east));
  EXPECT_GE(times.line, WholeSecond(before)) << "TZ=" << tz;
  EXPECT_LE(times.line, after) << "TZ=" << tz;
  EXPECT_GE(times.date, WholeSecond(before)) << "TZ=" << tz;
  EXPECT_LE(times.date, after) << "TZ=" << tz;
}

TEST_F(BatchMailExtraTest, DateInUtcSaysPlusZero) { ExpectMailInZone("UTC", "+0000", 0); }

TEST_F(BatchMailExtraTest, DateInANamedZoneHasItsOffsetAndAgreesWithTheLines) {
  ExpectMailInZone("Asia/Kolkata", "+0530", 5 * 3600 + 30 * 60);
}

// A POSIX TZ string (no zone file) is honoured as libc's localtime (and
// upstream's lines) honour it.
TEST_F(BatchMailExtraTest, DateInAPosixTzHasItsOffsetAndAgreesWithTheLines) {
  ExpectMailInZone("<+0530>-5:30", "+0530", 5 * 3600 + 30 * 60);
}

}  // namespace
}  // namespace testing
}  // namespace svl
