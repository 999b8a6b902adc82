// crashmail end to end: a real supervisord runs crashmail as an
// [eventlistener] on PROCESS_STATE (every state change, FATAL included) next
// to three programs: `fine` exits 0 (expected), `missing` cannot start
// (FATAL), and `crasher` exits 3 (unexpected: exitcodes=0) once the test
// has seen both in supervisord's log and releases it. Only crasher's exit is
// mailed. supervisord hands a listener its events in order, so once
// crasher's mail is there, fine's and missing's events were handled already.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::MatchesRegex;

constexpr char kCrashmail[] = "crashmail/crashmail";
constexpr char kAsctime[] = "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}";

TEST(CrashmailE2eTest, OnlyTheUnexpectedExitIsMailed) {
  absl::StatusOr<std::string> dir = MakeTestDir("crashmail-e2e");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string mails = *dir + "/mails";
  // Each mail in its own file, written aside and renamed.
  ASSERT_THAT(WriteFile(*dir + "/sendmail.sh",
                        "n=0\n"
                        "while [ -e \"$1/mail.$n\" ]; do n=$((n + 1)); done\n"
                        "cat > \"$1/.mail.$n\" && mv \"$1/.mail.$n\" \"$1/mail.$n\"\n"),
              IsOk());
  ASSERT_EQ(mkdir(mails.c_str(), 0755), 0);
  // crasher waits on this until the test writes to it.
  const std::string release = *dir + "/release";
  ASSERT_EQ(mkfifo(release.c_str(), 0600), 0);
  const std::string config = absl::StrCat(
      "[program:fine]\ncommand=/bin/sh -c 'exit 0'\nexitcodes=0\nstartsecs=0\n"
      "autorestart=false\n",
      "[program:crasher]\ncommand=/bin/sh -c 'read line < ", release,
      "; exit 3'\nexitcodes=0\nstartsecs=0\nautorestart=false\n",
      "[program:missing]\ncommand=/nonexistent\nstartretries=0\n",
      "[eventlistener:crashmail]\ncommand=", ListenerBinary(kCrashmail),
      " -m ops@example.com -o e2e -s '/bin/sh ", *dir, "/sendmail.sh ", mails, "'\n",
      "events=PROCESS_STATE\nstderr_logfile=", *dir, "/crashmail.err\n");
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
  ASSERT_TRUE(sv.ok()) << sv.status();

  // supervisord logs a state change in the step that queues its event:
  // crasher's exit, released after both lines, is queued after fine's EXITED
  // and missing's FATAL.
  ASSERT_THAT((*sv)->WaitForLog("exited: fine (exit status 0; expected)", kWaitTimeout), IsOk());
  ASSERT_THAT((*sv)->WaitForLog("gave up: missing entered FATAL state", kWaitTimeout), IsOk());
  int fd = -1;  // opens once crasher waits on the other end
  ASSERT_THAT(WaitFor([&] { return (fd = open(release.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; },
                      kWaitTimeout, "crasher reading its release"),
              IsOk());
  ASSERT_EQ(write(fd, "\n", 1), 1);
  close(fd);

  absl::StatusOr<std::string> mail = WaitForFile(mails + "/mail.0", kWaitTimeout);
  ASSERT_TRUE(mail.ok()) << mail.status() << "\n" << (*sv)->ReadLog();
  EXPECT_THAT(*mail, MatchesRegex(absl::StrCat(
                         "To: ops@example\\.com\nSubject: e2e: crasher crashed at ", kAsctime,
                         "\n\nProcess crasher in group crasher exited unexpectedly \\(pid "
                         "[0-9]+\\) from state RUNNING")));
  EXPECT_FALSE(ReadFile(mails + "/mail.1").ok());
  absl::StatusOr<std::string> err =
      WaitForFileContaining(*dir + "/crashmail.err", "from state RUNNING\n", kWaitTimeout);
  ASSERT_TRUE(err.ok()) << err.status();
  EXPECT_THAT(*err, MatchesRegex(absl::StrCat(
                        "unexpected exit, mailing\nMailed:\n\nTo: ops@example\\.com\n"
                        "Subject: e2e: crasher crashed at ",
                        kAsctime,
                        "\n\nProcess crasher in group crasher exited unexpectedly \\(pid "
                        "[0-9]+\\) from state RUNNING\n")));
}

}  // namespace
}  // namespace testing
}  // namespace svl
