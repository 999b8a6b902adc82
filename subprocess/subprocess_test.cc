#include "subprocess/subprocess.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "subprocess/child_registry.h"
#include "tests/testing/processes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace subprocess {
namespace {

using ::svl::testing::CountOpenFds;
using ::svl::testing::IsGoneOrZombie;
using ::svl::testing::IsOk;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::MakeTestDir;
using ::svl::testing::ReadFile;
using ::svl::testing::SigpipePendingOrBlocked;
using ::svl::testing::StatusIs;
using ::svl::testing::WaitFor;
using ::svl::testing::WaitForPidFile;
using ::svl::testing::WriteFile;
using ::testing::Eq;

Command Shell(const std::string& script, absl::Duration deadline = absl::Seconds(30)) {
  Command command;
  command.argv = {"/bin/sh", "-c", script};
  command.deadline = deadline;
  return command;
}

class SubprocessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("subprocess");
    ASSERT_THAT(dir.status(), IsOk());
    dir_ = *dir;
    fds_before_ = CountOpenFds();
  }
  void TearDown() override {
    // Every run leaves no descriptor, no registered child and no child.
    EXPECT_EQ(CountOpenFds(), fds_before_);
    EXPECT_EQ(RegisteredChildCount(), 0);
    errno = 0;
    EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
  }

  std::string dir_;
  int fds_before_ = 0;
};

TEST_F(SubprocessTest, CapturesStdoutAndTheExitStatus) {
  absl::StatusOr<Result> result = subprocess::Run(Shell("echo hello; echo ignored >&2; exit 3"));
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->output, "hello\n");
  EXPECT_FALSE(result->output_truncated);
  ASSERT_TRUE(WIFEXITED(result->wait_status));
  EXPECT_EQ(WEXITSTATUS(result->wait_status), 3);
  EXPECT_FALSE(result->timed_out);
  EXPECT_FALSE(result->stdin_epipe);
}

TEST_F(SubprocessTest, MergedStderrIsCapturedWithStdout) {
  Command command = Shell("echo one; echo two >&2; echo three");
  command.stderr_mode = StderrMode::kMergeWithStdout;
  absl::StatusOr<Result> result = subprocess::Run(command);
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->output, "one\ntwo\nthree\n");
}

TEST_F(SubprocessTest, NoShellArgvIsPassedAsIs) {
  Command command;
  command.argv = {"printf", "[%s]\\n", "a b", "$(id)", "'q'"};
  absl::StatusOr<Result> result = subprocess::Run(command);
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->output, "[a b]\n[$(id)]\n['q']\n");
  EXPECT_EQ(result->wait_status, 0);
}

TEST_F(SubprocessTest, StdinCarriesTheDataAndIsDevNullWithout) {
  Command with_data = Shell("cat");
  with_data.stdin_data = std::string(1 << 20, 'm');  // far above a pipe buffer
  absl::StatusOr<Result> result = subprocess::Run(with_data);
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->output.size(), 64u * 1024);  // the default max_output
  EXPECT_TRUE(result->output_truncated);
  EXPECT_FALSE(result->stdin_epipe);

  result = subprocess::Run(Shell("cat; echo done"));
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->output, "done\n");
}

TEST_F(SubprocessTest, OutputIsBoundedAndDrained) {
  Command command = Shell("head -c 200000 /dev/zero | tr '\\000' a; echo finished >&2");
  command.max_output = 1000;
  command.stderr_mode = StderrMode::kMergeWithStdout;
  absl::StatusOr<Result> result = subprocess::Run(command);
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->output, std::string(1000, 'a'));
  EXPECT_TRUE(result->output_truncated);
  EXPECT_EQ(result->wait_status, 0);  // it was never blocked on a full pipe
}

TEST_F(SubprocessTest, ChildLeadsItsOwnProcessGroupWithDefaultSignals) {
  // A caller that ignores SIGPIPE and blocks SIGUSR1: neither is inherited.
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old_action;
  ASSERT_EQ(sigaction(SIGPIPE, &ignore, &old_action), 0);
  sigset_t usr1, old_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &usr1, &old_mask), 0);
  // Fields 1 and 5 of /proc/<pid>/stat are the pid and the process group.
  absl::StatusOr<Result> group = subprocess::Run(
      Shell("read pid comm state ppid pgrp rest < /proc/$$/stat; echo $pid $pgrp"));
  Command grep;
  grep.argv = {"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"};
  absl::StatusOr<Result> signals = subprocess::Run(grep);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &old_action, nullptr);
  ASSERT_THAT(group.status(), IsOk());
  std::vector<std::string> ids = absl::StrSplit(absl::StripAsciiWhitespace(group->output), ' ');
  ASSERT_EQ(ids.size(), 2u) << group->output;
  EXPECT_EQ(ids[0], ids[1]) << "not a process group leader";
  ASSERT_THAT(signals.status(), IsOk());
  EXPECT_EQ(signals->output, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST_F(SubprocessTest, DeadlineKillsTheWholeGroupAndReaps) {
  const std::string child_pid = dir_ + "/child.pid";
  const std::string grandchild_pid = dir_ + "/grandchild.pid";
  const absl::Time start = absl::Now();
  absl::StatusOr<Result> result =
      subprocess::Run(Shell(absl::StrCat("sleep 1000 & echo $! > ", grandchild_pid, "; echo $$ > ",
                             child_pid, "; exec sleep 1000"),
                absl::Milliseconds(500)));
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_TRUE(result->timed_out);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(500));
  ASSERT_TRUE(WIFSIGNALED(result->wait_status));
  EXPECT_EQ(WTERMSIG(result->wait_status), SIGKILL);
  // The direct child was reaped (TearDown checks there is no child left).
  const pid_t child = WaitForPidFile(child_pid, kWaitTimeout);
  ASSERT_GT(child, 0);
  EXPECT_EQ(kill(child, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  // The grandchild got SIGKILL too; whoever inherited it reaps it.
  const pid_t grandchild = WaitForPidFile(grandchild_pid, kWaitTimeout);
  ASSERT_GT(grandchild, 0);
  EXPECT_THAT(WaitFor([&] { return IsGoneOrZombie(grandchild); }, kWaitTimeout, "grandchild gone"), IsOk()) << "grandchild " << grandchild;
}

TEST_F(SubprocessTest, ExitEndsTheRunEvenWhenAGrandchildHoldsTheOutput) {
  const std::string grandchild_pid = dir_ + "/grandchild.pid";
  absl::StatusOr<Result> result = subprocess::Run(Shell(
      absl::StrCat("echo before; sleep 1000 & echo $! > ", grandchild_pid, "; exit 4"),
      absl::Seconds(60)));
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_FALSE(result->timed_out);
  EXPECT_EQ(result->output, "before\n");
  ASSERT_TRUE(WIFEXITED(result->wait_status));
  EXPECT_EQ(WEXITSTATUS(result->wait_status), 4);
  const pid_t grandchild = WaitForPidFile(grandchild_pid, kWaitTimeout);
  ASSERT_GT(grandchild, 0);
  kill(grandchild, SIGKILL);
}

TEST_F(SubprocessTest, StdinEpipeIsReportedNotACrash) {
  Command command = Shell("exit 0");
  command.stdin_data = std::string(1 << 20, 'x');
  absl::StatusOr<Result> result = subprocess::Run(command);
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_TRUE(result->stdin_epipe);
  EXPECT_EQ(result->wait_status, 0);
  EXPECT_FALSE(SigpipePendingOrBlocked());
}

TEST_F(SubprocessTest, MissingProgramIsNotFound) {
  Command command;
  command.argv = {dir_ + "/no-such-program"};
  EXPECT_THAT(subprocess::Run(command).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       Eq(absl::StrCat("cannot run ", dir_,
                                       "/no-such-program: No such file or directory"))));
  command.argv = {"no-such-program-on-path", "arg"};
  command.description = "helper no-such-program-on-path";
  EXPECT_THAT(subprocess::Run(command).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       Eq("cannot run helper no-such-program-on-path: No such file or "
                          "directory")));
}

TEST_F(SubprocessTest, NotExecutableIsPermissionDenied) {
  const std::string path = dir_ + "/not-executable";
  ASSERT_THAT(WriteFile(path, "#!/bin/sh\n"), IsOk());
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  if (geteuid() == 0 && access(path.c_str(), X_OK) == 0) GTEST_SKIP() << "root may execute it";
  Command command;
  command.argv = {path};
  EXPECT_THAT(subprocess::Run(command).status(),
              StatusIs(absl::StatusCode::kPermissionDenied, Eq("cannot run " + path + ": Permission denied")));
}

TEST_F(SubprocessTest, ProgramCanDifferFromArgvZero) {
  Command command;
  command.argv = {"my-name", "-c", "echo $0"};
  command.program = "/bin/sh";
  absl::StatusOr<Result> result = subprocess::Run(command);
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->output, "my-name\n");
  command.program = dir_ + "/missing";
  EXPECT_THAT(subprocess::Run(command).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       Eq("cannot run " + dir_ + "/missing: No such file or directory")));
}

TEST_F(SubprocessTest, BadCommandsAreInvalid) {
  Command command;
  EXPECT_THAT(subprocess::Run(command).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, Eq("empty command")));
  command.argv = {""};
  EXPECT_THAT(subprocess::Run(command).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  command.argv = {"/bin/echo", std::string("a\0b", 3)};
  EXPECT_THAT(subprocess::Run(command).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("/bin/echo: an argument contains a NUL byte")));
}

// The parent-death signal: a process that runs a command through subprocess::Run() and
// is then SIGKILLed (no handler can run) takes the command with it.
TEST_F(SubprocessTest, ChildDiesWithItsParent) {
  const std::string pid_file = dir_ + "/sleep.pid";
  const pid_t helper = fork();
  ASSERT_GE(helper, 0);
  if (helper == 0) {
    Command command = Shell(absl::StrCat("echo $$ > ", pid_file, "; exec sleep 3600"),
                            absl::Hours(1));
    (void)subprocess::Run(command);
    _exit(0);
  }
  const pid_t sleeper = WaitForPidFile(pid_file, kWaitTimeout);
  ASSERT_GT(sleeper, 0);
  EXPECT_FALSE(IsGoneOrZombie(sleeper));
  ASSERT_EQ(kill(helper, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(helper, &status, 0), helper);
  EXPECT_THAT(WaitFor([&] { return IsGoneOrZombie(sleeper); }, kWaitTimeout, "sleeper gone"), IsOk()) << "the command outlived its parent";
}

}  // namespace
}  // namespace subprocess
}  // namespace svl
