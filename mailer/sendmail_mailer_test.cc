#include "mailer/sendmail_mailer.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mailer/message.h"
#include "tests/testing/processes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace mailer {
namespace {

using ::svl::testing::CountOpenFds;
using ::svl::testing::IsGoneOrZombie;
using ::svl::testing::IsOk;
using ::svl::testing::MakeTestDir;
using ::svl::testing::ReadFile;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::SigpipePendingOrBlocked;
using ::svl::testing::StatusIs;
using ::svl::testing::WaitFor;
using ::svl::testing::WaitForPidFile;
using ::svl::testing::WriteFile;
using ::testing::EndsWith;
using ::testing::Eq;
using ::testing::HasSubstr;

constexpr size_t kLarge = 1 << 20;  // far above any pipe buffer

Message SmallMessage() {
  Message m;
  m.to = "ops@example.com";
  m.subject = "httpok: http://foo/bar: bad status returned";
  m.body = "error contacting http://foo/bar:\n\n foo";
  return m;
}

Message LargeMessage() {
  Message m = SmallMessage();
  m.body = std::string(kLarge, 'x');
  return m;
}

class SendmailMailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("sendmail");
    ASSERT_THAT(dir.status(), IsOk());
    dir_ = *dir;
    script_ = dir_ + "/fake_sendmail.sh";
    // The stand-in records its arguments (one a line) and its stdin.
    ASSERT_THAT(WriteFile(script_, absl::StrCat("#!/bin/sh\n"
                                                "printf '%s\\n' \"$@\" > '",
                                                dir_, "/args'\ncat > '", dir_,
                                                "/stdin'\n")),
                IsOk());
    ASSERT_EQ(chmod(script_.c_str(), 0755), 0);
  }

  std::string Recorded(absl::string_view name) {
    absl::StatusOr<std::string> text = ReadFile(absl::StrCat(dir_, "/", name));
    return text.ok() ? *text : "<missing: " + text.status().ToString() + ">";
  }

  std::string dir_;
  std::string script_;
};

TEST_F(SendmailMailerTest, DeliversHttpokLayoutOnStdinOnly) {
  SendmailMailer mailer(script_ + " -t -i", absl::Seconds(30));
  ASSERT_THAT(mailer.Send(SmallMessage()), IsOk());
  EXPECT_EQ(Recorded("stdin"),
            "To: ops@example.com\n"
            "Subject: httpok: http://foo/bar: bad status returned\n"
            "\n"
            "error contacting http://foo/bar:\n\n foo");
  EXPECT_EQ(Recorded("args"), "-t\n-i\n");
}

TEST_F(SendmailMailerTest, MessageDataNeverReachesTheCommandLine) {
  SendmailMailer mailer(script_ + " -t", absl::Seconds(30));
  Message m = SmallMessage();
  const std::string pwned = dir_ + "/pwned";
  m.to = absl::StrCat("a@x'; touch ", pwned, "; '");
  m.subject = absl::StrCat("$(touch ", pwned, ") `touch ", pwned, "`");
  m.body = absl::StrCat("\"; touch ", pwned);
  ASSERT_THAT(mailer.Send(m), IsOk());
  EXPECT_EQ(Recorded("args"), "-t\n");
  EXPECT_EQ(Recorded("stdin"), FormatMessage(m));
  struct stat st;
  EXPECT_EQ(stat(pwned.c_str(), &st), -1) << pwned << " was created";
}

TEST_F(SendmailMailerTest, HeaderInjectionGivesExactlyOneLinePerHeader) {
  SendmailMailer mailer(script_, absl::Seconds(30));
  Message m;
  m.to = "ops@example.com\r\nBcc: x@evil.example";
  m.subject = "down\r\nBcc: x@evil.example";
  m.body = "Bcc: in the body is just text";
  ASSERT_THAT(mailer.Send(m), IsOk());
  EXPECT_EQ(Recorded("stdin"),
            "To: ops@example.com  Bcc: x@evil.example\n"
            "Subject: down  Bcc: x@evil.example\n"
            "\n"
            "Bcc: in the body is just text");
}

TEST_F(SendmailMailerTest, LargeMessageArrivesIntact) {
  SendmailMailer mailer(script_, absl::Seconds(30));
  const Message m = LargeMessage();
  ASSERT_THAT(mailer.Send(m), IsOk());
  EXPECT_EQ(Recorded("stdin"), FormatMessage(m));
}

struct FailureCase {
  std::string name;
  std::string command;
  bool large;
  absl::Duration deadline;
  absl::StatusCode code;
  // The expected message after "sendmail command '<command>'".
  std::string suffix;
};

class SendmailFailureTest : public ::testing::TestWithParam<FailureCase> {};

TEST_P(SendmailFailureTest, FailsWithClearStatusAndLeaksNothing) {
  const FailureCase& c = GetParam();
  const int fds_before = CountOpenFds();
  SendmailMailer mailer(c.command, c.deadline);
  const absl::Status status =
      mailer.Send(c.large ? LargeMessage() : SmallMessage());
  EXPECT_THAT(status,
              StatusIs(c.code, Eq(absl::StrCat("sendmail command '", c.command,
                                               "'", c.suffix))));
  EXPECT_EQ(CountOpenFds(), fds_before);
  // An EPIPE never leaves a SIGPIPE pending nor the mask changed.
  EXPECT_FALSE(SigpipePendingOrBlocked());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SendmailFailureTest,
    ::testing::Values(
        FailureCase{"Exit1WithStderr",
                    "cat > /dev/null; echo 'mailbox full' >&2; exit 1", false,
                    absl::Seconds(30), absl::StatusCode::kInternal,
                    " exited with status 1: mailbox full"},
        FailureCase{"StdoutIsCapturedToo",
                    "cat > /dev/null; echo to-stdout; exit 2", false,
                    absl::Seconds(30), absl::StatusCode::kInternal,
                    " exited with status 2: to-stdout"},
        FailureCase{"DoesNotExist", "/nonexistent/sendmail -t -i", false,
                    absl::Seconds(30), absl::StatusCode::kInternal,
                    " exited with status 127: sh: 1: /nonexistent/sendmail: "
                    "not found"},
        FailureCase{"DoesNotExistLargeMessage", "/nonexistent/sendmail -t -i",
                    true, absl::Seconds(30), absl::StatusCode::kInternal,
                    " exited with status 127: sh: 1: /nonexistent/sendmail: "
                    "not found"},
        FailureCase{"Exit0WithoutReading", "exit 0", true, absl::Seconds(30),
                    absl::StatusCode::kInternal,
                    " closed its stdin before reading the message (EPIPE)"},
        FailureCase{"TrueWithoutReading", "true", true, absl::Seconds(30),
                    absl::StatusCode::kInternal,
                    " closed its stdin before reading the message (EPIPE)"},
        FailureCase{"ExitStatusWinsOverEpipe", "echo nope >&2; exit 3", true,
                    absl::Seconds(30), absl::StatusCode::kInternal,
                    " exited with status 3: nope"},
        FailureCase{"KilledBySignal", "kill -9 $$", false, absl::Seconds(30),
                    absl::StatusCode::kInternal,
                    " killed by signal 9 (Killed)"},
        FailureCase{"HangsAfterReading", "cat > /dev/null; sleep 1000", false,
                    absl::Seconds(1), absl::StatusCode::kDeadlineExceeded,
                    " was killed after 1s deadline"},
        // The deadline leaves the shell seconds to write "stuck" first.
        FailureCase{"HangsWithFullPipe", "echo stuck >&2; sleep 1000", true,
                    absl::Milliseconds(5500),
                    absl::StatusCode::kDeadlineExceeded,
                    " was killed after 5.5s deadline: stuck"}),
    [](const ::testing::TestParamInfo<FailureCase>& info) {
      return info.param.name;
    });

TEST(SendmailMailerOutputTest, KeepsTheFirst4KiBOfOutput) {
  const std::string command =
      "cat > /dev/null; head -c 10000 /dev/zero | tr '\\0' x >&2; exit 1";
  SendmailMailer mailer(command, absl::Seconds(30));
  EXPECT_THAT(mailer.Send(SmallMessage()),
              StatusIs(absl::StatusCode::kInternal,
                       Eq(absl::StrCat(
                           "sendmail command '", command,
                           "' exited with status 1: ", std::string(4096, 'x'),
                           " [output truncated]"))));
}

TEST(SendmailMailerInputTest, RejectsEmptyCommand) {
  SendmailMailer mailer("  ", absl::Seconds(30));
  EXPECT_THAT(mailer.Send(SmallMessage()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("sendmail command is empty")));
}

TEST(SendmailMailerInputTest, RejectsNulInCommand) {
  SendmailMailer mailer(std::string("cat\0x", 5), absl::Seconds(30));
  EXPECT_THAT(mailer.Send(SmallMessage()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("contains a NUL byte")));
}

TEST(SendmailMailerDeadlineTest, HangingCommandAndItsGroupAreKilled) {
  absl::StatusOr<std::string> dir = MakeTestDir("hang");
  ASSERT_THAT(dir.status(), IsOk());
  const std::string child_pid = *dir + "/child.pid";
  const std::string grandchild_pid = *dir + "/grandchild.pid";
  // The grandchild is in the command's process group; the shell execs sleep.
  const std::string command =
      absl::StrCat("sleep 1000 & echo $! > ", grandchild_pid, "; echo $$ > ",
                   child_pid, "; exec sleep 1000");
  const int fds_before = CountOpenFds();
  // The deadline leaves the shell seconds to write both pid files first.
  SendmailMailer mailer(command, absl::Seconds(5));
  EXPECT_THAT(mailer.Send(SmallMessage()),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       EndsWith("was killed after 5s deadline")));
  EXPECT_EQ(CountOpenFds(), fds_before);

  const pid_t child = WaitForPidFile(child_pid, kWaitTimeout);
  ASSERT_GT(child, 0);
  // The direct child has been reaped by Send().
  EXPECT_EQ(kill(child, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  // The grandchild got SIGKILL too; it is reaped by whoever inherited it, so
  // wait (generously) for that.
  const pid_t grandchild = WaitForPidFile(grandchild_pid, kWaitTimeout);
  ASSERT_GT(grandchild, 0);
  EXPECT_THAT(WaitFor([grandchild] { return IsGoneOrZombie(grandchild); }, kWaitTimeout,
                      "the grandchild to end"),
              IsOk())
      << "grandchild " << grandchild;
}

TEST(SendmailMailerSigpipeTest, IgnoredSigpipeIsNotInheritedAndSurvives) {
  // A caller that ignores SIGPIPE process-wide keeps it ignored, and the
  // command still starts with the default disposition.
  struct sigaction old_action;
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGPIPE, &ignore, &old_action), 0);
  absl::StatusOr<std::string> dir = MakeTestDir("sigpipe");
  ASSERT_THAT(dir.status(), IsOk());
  // SigIgn in /proc/self/status is a hex mask; SIGPIPE (13) is bit 12.
  const std::string command = absl::StrCat(
      "cat > /dev/null; grep SigIgn /proc/self/status > ", *dir, "/sigign");
  SendmailMailer mailer(command, absl::Seconds(30));
  EXPECT_THAT(mailer.Send(SmallMessage()), IsOk());
  absl::StatusOr<std::string> sigign = ReadFile(*dir + "/sigign");
  ASSERT_THAT(sigign.status(), IsOk());
  uint64_t ignored_mask = ~uint64_t{0};
  ASSERT_TRUE(absl::SimpleHexAtoi(
      absl::StripAsciiWhitespace(absl::StripPrefix(*sigign, "SigIgn:")),
      &ignored_mask))
      << *sigign;
  EXPECT_EQ(ignored_mask & (uint64_t{1} << (SIGPIPE - 1)), 0u) << *sigign;
  struct sigaction now;
  ASSERT_EQ(sigaction(SIGPIPE, &old_action, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_IGN);
}

}  // namespace
}  // namespace mailer
}  // namespace svl
