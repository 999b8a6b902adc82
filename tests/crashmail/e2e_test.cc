// crashmail end to end: a real supervisord runs crashmail as an
// [eventlistener] on PROCESS_STATE_EXITED next to three programs: `fine`
// exits 0 (expected), `crasher` exits 3 a second later (unexpected:
// exitcodes=0), `missing` cannot start (FATAL). Only crasher's exit is
// mailed. supervisord hands a listener its events in order, so once
// crasher's mail is there, fine's exit was handled already.

#include <sys/stat.h>

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
  const std::string config = absl::StrCat(
      "[program:fine]\ncommand=/bin/sh -c 'sleep 1; exit 0'\nexitcodes=0\nstartsecs=0\n"
      "autorestart=false\n",
      "[program:crasher]\ncommand=/bin/sh -c 'sleep 2; exit 3'\nexitcodes=0\nstartsecs=0\n"
      "autorestart=false\n",
      "[program:missing]\ncommand=/nonexistent\nstartretries=0\n",
      "[eventlistener:crashmail]\ncommand=", ListenerBinary(kCrashmail),
      " -m ops@example.com -o e2e -s '/bin/sh ", *dir, "/sendmail.sh ", mails, "'\n",
      "events=PROCESS_STATE_EXITED\nstderr_logfile=", *dir, "/crashmail.err\n");
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
  ASSERT_TRUE(sv.ok()) << sv.status();

  absl::StatusOr<std::string> mail = WaitForFile(mails + "/mail.0", kWaitTimeout);
  ASSERT_TRUE(mail.ok()) << mail.status() << "\n" << (*sv)->ReadLog();
  EXPECT_THAT(*mail, MatchesRegex(absl::StrCat(
                         "To: ops@example\\.com\nSubject: e2e: crasher crashed at ", kAsctime,
                         "\n\nProcess crasher in group crasher exited unexpectedly \\(pid "
                         "[0-9]+\\) from state RUNNING")));
  EXPECT_THAT((*sv)->WaitForLog("exited: fine (exit status 0; expected)", kWaitTimeout), IsOk());
  EXPECT_THAT((*sv)->WaitForLog("gave up: missing entered FATAL state", kWaitTimeout), IsOk());
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
