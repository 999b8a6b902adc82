// superlance/tests/test_crashmail.py, run black-box against the real
// crashmail binary, and the extra cases of crashmail's fixed bugs. Upstream's
// fixture is `-m chrism@plope.com -o '[foo]' -s <capture>`; here the capture
// is a sendmail stand-in that keeps each mail in its own file, stdin is the
// event(s) then EOF, and SUPERVISOR_SERVER_URL is set (crashmail only checks
// that it is).
//
// Deliberate differences from upstream, asserted by the tests:
//   - upstream's test-mode lines (`non-exited event`, `expected exit`) are
//     not written: stderr stays empty;
//   - the `Mailed:` dump ends with a newline;
//   - after the event and EOF stdout is READY\nRESULT 2\nOKREADY\n, exit 0.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr char kCrashmail[] = "crashmail/crashmail";
constexpr char kStdout[] = "READY\nRESULT 2\nOKREADY\n";
constexpr char kEmail[] = "chrism@plope.com";
// supervisor's get_asctime(), as a regex.
constexpr char kAsctime[] = "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}";

// One event: its header line and payload.
std::string Event(const std::string& eventname, const std::string& payload) {
  return absl::StrCat("ver:3.0 server:supervisor serial:1 pool:crashmail poolserial:1 eventname:",
                      eventname, " len:", payload.size(), "\n", payload);
}

std::string Exited(int expected, const std::string& name = "foo",
                   const std::string& group = "bar") {
  return Event("PROCESS_STATE_EXITED",
               absl::StrCat("expected:", expected, " processname:", name, " groupname:", group,
                            " from_state:RUNNING pid:1"));
}

class CrashmailUpstreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("crashmail-upstream");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    mail_dir_ = dir_ + "/mails";
    ASSERT_EQ(mkdir(mail_dir_.c_str(), 0755), 0);
    // Each mail goes to the next free mail_dir_/mail.N, written aside and
    // renamed so that a test never reads half a mail.
    sendmail_ = dir_ + "/sendmail.sh";
    ASSERT_TRUE(WriteFile(sendmail_,
                          "n=0\n"
                          "while [ -e \"$1/mail.$n\" ]; do n=$((n + 1)); done\n"
                          "cat > \"$1/.mail.$n\" && mv \"$1/.mail.$n\" \"$1/mail.$n\"\n")
                    .ok());
  }

  std::string Sendmail() const { return absl::StrCat("/bin/sh ", sendmail_, " ", mail_dir_); }

  static std::vector<std::pair<std::string, std::string>> Env() {
    return {{"SUPERVISOR_SERVER_URL", "unix:///nonexistent/supervisor.sock"}};
  }

  // Runs crashmail with exactly `args`.
  static RunResult RunRaw(const std::vector<std::string>& args, const std::string& input,
                          const std::vector<std::pair<std::string, std::string>>& env = Env()) {
    absl::StatusOr<RunResult> result = RunListener(kCrashmail, args, env, input);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RunResult{};
  }

  // upstream's fixture plus `args`.
  RunResult RunUpstream(const std::string& input, std::vector<std::string> args = {}) {
    std::vector<std::string> full = {"-m", kEmail, "-o", "[foo]", "-s", Sendmail()};
    full.insert(full.end(), args.begin(), args.end());
    return RunRaw(full, input);
  }

  std::vector<std::string> Mails() const {
    std::vector<std::string> mails;
    for (int n = 0;; ++n) {
      absl::StatusOr<std::string> mail = ReadFile(absl::StrCat(mail_dir_, "/mail.", n));
      if (!mail.ok()) return mails;
      mails.push_back(*mail);
    }
  }

  std::string dir_;
  std::string mail_dir_;
  std::string sendmail_;
};

// ---- superlance/tests/test_crashmail.py ----

TEST_F(CrashmailUpstreamTest, RunforeverNotProcessStateExited) {
  RunResult r = RunUpstream(Event("PROCESS_STATE", ""));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(Mails(), IsEmpty());
}

TEST_F(CrashmailUpstreamTest, RunforeverExpectedExit) {
  RunResult r = RunUpstream(Exited(1));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(Mails(), IsEmpty());
}

TEST_F(CrashmailUpstreamTest, RunforeverUnexpectedExit) {
  RunResult r = RunUpstream(Exited(0));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  const std::string mail_regex = absl::StrCat(
      "To: chrism@plope\\.com\nSubject: \\[foo\\]: foo crashed at ", kAsctime,
      "\n\nProcess foo in group bar exited unexpectedly \\(pid 1\\) from state RUNNING");
  EXPECT_THAT(r.err, MatchesRegex(absl::StrCat("unexpected exit, mailing\nMailed:\n\n",
                                               mail_regex, "\n")));
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_THAT(mails[0], MatchesRegex(mail_regex));
}

// ---- the fixed bugs and the rest of upstream's behaviour ----

TEST_F(CrashmailUpstreamTest, SubjectWithoutOptionalHeaderKeepsTwoSpaces) {
  RunResult r = RunRaw({"-m", kEmail, "-s", Sendmail()}, Exited(0, "cat", "cat"));
  EXPECT_EQ(r.out, kStdout);
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_THAT(mails[0], MatchesRegex(absl::StrCat("To: chrism@plope\\.com\nSubject:  cat crashed at ",
                                                  kAsctime, "\n\n.*")));
}

TEST_F(CrashmailUpstreamTest, FixedProgramSelectsTheProcessesItNames) {
  RunResult r = RunUpstream(
      absl::StrCat(Exited(0, "foo", "bar"), Exited(0, "cat", "cat"), Exited(0, "w_01", "web"),
                   Exited(0, "w_02", "web"), Exited(0, "j", "jobs")),
      {"-p", "cat", "-p", "web:w_01", "-p", "jobs:*"});
  EXPECT_EQ(r.out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n"
                   "RESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 3);
  EXPECT_THAT(mails[0], HasSubstr("Process cat in group cat"));
  EXPECT_THAT(mails[1], HasSubstr("Process w_01 in group web"));
  EXPECT_THAT(mails[2], HasSubstr("Process j in group jobs"));
}

TEST_F(CrashmailUpstreamTest, FixedAnyOverridesProgram) {
  RunResult r = RunUpstream(Exited(0, "foo", "bar"), {"-p", "cat", "-a"});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(Mails().size(), 1);
}

TEST_F(CrashmailUpstreamTest, FixedNoEmailMailsNothingAndSaysWhy) {
  RunResult r = RunRaw({"-s", Sendmail()}, Exited(0));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "unexpected exit, not mailing (no -m)\n");
  EXPECT_THAT(Mails(), IsEmpty());
}

TEST_F(CrashmailUpstreamTest, FixedPayloadWithoutExpectedIsOneLineAndOk) {
  RunResult r = RunUpstream(
      Event("PROCESS_STATE_EXITED", "processname:foo groupname:bar from_state:RUNNING pid:1"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_THAT(r.err, MatchesRegex("[^\n]*reason=payload[^\n]*expected[^\n]*\n"));
  EXPECT_THAT(Mails(), IsEmpty());
}

TEST_F(CrashmailUpstreamTest, FixedPayloadWithoutPidIsOneLineAndOk) {
  RunResult r = RunUpstream(Event("PROCESS_STATE_EXITED",
                                  "processname:foo groupname:bar from_state:RUNNING expected:0"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_THAT(r.err, MatchesRegex("[^\n]*reason=payload[^\n]*pid[^\n]*\n"));
  EXPECT_THAT(Mails(), IsEmpty());
}

TEST_F(CrashmailUpstreamTest, FixedPositionalArgumentIsRejected) {
  RunResult r = RunRaw({"http://localhost/", "-m", kEmail}, Exited(0));
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, ::testing::StartsWith(
                         "crashmail: unexpected argument 'http://localhost/'\nusage: crashmail"));
}

TEST_F(CrashmailUpstreamTest, FixedMailCommandOutputNeverReachesTheProtocol) {
  const std::string file = dir_ + "/mail.txt";
  RunResult r = RunRaw({"-m", kEmail, "-s", absl::StrCat("echo hi; cat > ", file)},
                       absl::StrCat(Exited(0), Exited(0)));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  absl::StatusOr<std::string> mail = ReadFile(file);
  ASSERT_TRUE(mail.ok()) << mail.status();
  EXPECT_THAT(*mail, HasSubstr("Process foo in group bar exited unexpectedly"));
}

TEST_F(CrashmailUpstreamTest, NotUnderSupervisordExitsZeroWithUpstreamsLine) {
  RunResult r = RunRaw({"-m", kEmail}, Exited(0), {});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "crashmail must be run as a supervisor event listener\n");
}

TEST_F(CrashmailUpstreamTest, FixedEofExitsZeroQuietly) {
  RunResult r = RunUpstream("");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "READY\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CrashmailUpstreamTest, GetoptErrorIsUsageAnd255) {
  RunResult r = RunRaw({"-x"}, "");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, ::testing::StartsWith("crashmail: option -x not recognized\nusage: crashmail"));
}

TEST_F(CrashmailUpstreamTest, HelpAndVersionOnStdout) {
  RunResult help = RunRaw({"-p", "x", "-h", "--batch", "0"}, "", {});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, ::testing::StartsWith("usage: crashmail [options]\n"));
  EXPECT_EQ(help.err, "");
  RunResult version = RunRaw({"--version"}, "", {});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "crashmail (svlisten) 0.1.0\n");
}

// --batch: the batch is one mail, sent when its interval is over (which
// event sends it, on which clock, is crashmail_test's: it sets the time) and
// when crashmail stops. Here the TICK comes long before the hour is over.
TEST_F(CrashmailUpstreamTest, BatchIsOneMailWithACountLineForARepeatedCrash) {
  RunResult r = RunUpstream(absl::StrCat(Exited(0, "cat", "cat"), Exited(0, "cat", "cat"),
                                         Exited(0, "foo", "bar"), Event("TICK_5", "when:1")),
                            {"--batch", "3600"});
  EXPECT_EQ(r.exit_code, 0);
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_THAT(mails[0],
              MatchesRegex(absl::StrCat(
                  "To: chrism@plope\\.com\nSubject: \\[foo\\]: 3 unexpected exits since ",
                  kAsctime, "\n\n", kAsctime, " -- cat exited unexpectedly 2 times since ",
                  kAsctime, "\n", kAsctime,
                  " -- Process foo in group bar exited unexpectedly \\(pid 1\\) from state "
                  "RUNNING")));
}

TEST_F(CrashmailUpstreamTest, BatchIsMailedAtEof) {
  RunResult r = RunUpstream(absl::StrCat(Exited(0, "cat", "cat"), Exited(0, "dog", "dog")),
                            {"--batch", "3600"});
  EXPECT_EQ(r.exit_code, 0);
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_THAT(mails[0], HasSubstr("Subject: [foo]: 2 unexpected exits since "));
}

TEST_F(CrashmailUpstreamTest, BatchIsMailedOnSigterm) {
  absl::StatusOr<std::unique_ptr<ListenerSession>> session = ListenerSession::Start(
      kCrashmail, {"-m", kEmail, "-o", "[foo]", "-s", Sendmail(), "--batch", "3600"}, Env());
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE((*session)->Send(Exited(0, "cat", "cat")));
  ASSERT_TRUE((*session)->Send(Exited(0, "dog", "dog")));
  ASSERT_EQ(kill((*session)->pid(), SIGTERM), 0);
  ASSERT_TRUE((*session)->WaitForStderr("crashmail: stopping on SIGTERM"));
  RunResult r = (*session)->Finish();
  EXPECT_EQ(r.exit_code, 143);
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_THAT(mails[0], HasSubstr("Subject: [foo]: 2 unexpected exits since "));
  EXPECT_THAT(r.err, HasSubstr("Mailed:\n"));
}

// While a stop signal's batch goes out, the event loop still reads: an event
// read then gets no answer, so supervisord keeps it for the next crashmail
// (acknowledged, its crash would be in no mail).
TEST_F(CrashmailUpstreamTest, FixedAnEventReadWhileStoppingIsNotAcknowledged) {
  // The mail command writes the mail, then holds the stop until released.
  const std::string release = dir_ + "/release";
  ASSERT_EQ(mkfifo(release.c_str(), 0600), 0);
  absl::StatusOr<std::unique_ptr<ListenerSession>> session = ListenerSession::Start(
      kCrashmail,
      {"-m", kEmail, "-o", "[foo]", "-s", absl::StrCat(Sendmail(), "; read line < ", release),
       "--batch", "3600"},
      Env());
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE((*session)->Send(Exited(0, "cat", "cat")));
  ASSERT_EQ(kill((*session)->pid(), SIGTERM), 0);
  ASSERT_TRUE(WaitForFile(mail_dir_ + "/mail.0", kWaitTimeout).ok());  // the stop began
  // No answer is awaited: the stderr line says the event was read.
  (*session)->Send(Exited(0, "dog", "dog"), absl::ZeroDuration());
  ASSERT_TRUE((*session)->WaitForStderr("PROCESS_STATE_EXITED left unacknowledged"));
  // Without a reader (the mail grace ran out), the mail command is gone.
  const int fd = open(release.c_str(), O_WRONLY | O_NONBLOCK);
  if (fd >= 0) {
    EXPECT_EQ(write(fd, "\n", 1), 1);
    close(fd);
  }
  RunResult r = (*session)->Finish();
  EXPECT_EQ(r.exit_code, 143);
  EXPECT_EQ(r.out, kStdout);  // cat's answer only
  const std::vector<std::string> mails = Mails();
  ASSERT_EQ(mails.size(), 1);
  EXPECT_THAT(mails[0], HasSubstr("Process cat in group cat exited unexpectedly"));
  EXPECT_THAT(r.err, HasSubstr("reason=stopping"));
  EXPECT_THAT(r.err, HasSubstr("crashmail: stopping on SIGTERM"));
}

}  // namespace
}  // namespace testing
}  // namespace svl
