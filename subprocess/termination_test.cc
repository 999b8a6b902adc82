#include "subprocess/termination.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
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
#include "subprocess/subprocess.h"
#include "tests/testing/processes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace subprocess {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::MakeTestDir;
using ::svl::testing::ProcessesInGroup;
using ::svl::testing::ReadFile;
using ::svl::testing::WaitForPidFile;
using ::svl::testing::Zombies;

std::string StopLine(const char* prefix, int signo, int killed) {
  char buffer[200];
  const int length = FormatStopLine(prefix, signo, killed, buffer, sizeof buffer);
  return std::string(buffer, length);
}

TEST(FormatStopLineTest, SignalNameAndCount) {
  EXPECT_EQ(StopLine("httpok: ", SIGTERM, 1),
            "httpok: stopping on SIGTERM (killed 1 child process group)\n");
  EXPECT_EQ(StopLine("httpok: ", SIGINT, 0),
            "httpok: stopping on SIGINT (killed 0 child process groups)\n");
  EXPECT_EQ(StopLine("x: ", SIGHUP, 64), "x: stopping on SIGHUP (killed 64 child process groups)\n");
  EXPECT_EQ(StopLine("", SIGTERM, 1234567), "stopping on SIGTERM (killed 1234567 child process groups)\n");
}

TEST(FormatStopLineTest, CutToTheBuffer) {
  char buffer[12];
  EXPECT_EQ(FormatStopLine("httpok: ", SIGTERM, 1, buffer, sizeof buffer), 11);
  EXPECT_EQ(std::string(buffer), "httpok: sto");
}

// A forked helper that installs the handler, runs `children` commands (each
// `echo $$ > <dir>/<i>.pid; exec sleep 3600`) on threads of their own and
// waits for a signal, its stderr on a pipe. StartHelper() returns once the
// handler is installed.
struct Helper {
  pid_t pid = -1;
  int stderr_fd = -1;
};

Helper StartHelper(const std::string& dir, int children, bool spawn_loop = false) {
  int err[2], ready[2];
  if (pipe2(err, O_CLOEXEC) != 0) return {};
  if (pipe2(ready, O_CLOEXEC) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], STDERR_FILENO);
    if (!InstallTerminationHandler("helper").ok()) _exit(2);
    close(ready[1]);  // EOF: installed
    for (int i = 0; i < children; ++i) {
      std::thread([dir, i] {
        Command command;
        command.argv = {"/bin/sh", "-c",
                        absl::StrCat("echo $$ > ", dir, "/", i, ".pid; exec sleep 3600")};
        command.deadline = absl::Hours(1);
        (void)Run(command);
      }).detach();
    }
    if (spawn_loop) {
      // Children that start and end all the time: the signal may come in
      // the middle of a fork.
      std::thread([] {
        Command command;
        command.argv = {"/bin/true"};
        for (;;) (void)Run(command);
      }).detach();
    }
    for (;;) pause();
  }
  close(err[1]);
  close(ready[1]);
  if (pid < 0) {
    close(err[0]);
    close(ready[0]);
    return {};
  }
  char byte;
  while (read(ready[0], &byte, 1) < 0 && errno == EINTR) {
  }
  close(ready[0]);
  return {pid, err[0]};
}

std::string ReadAll(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

struct SignalCase {
  int signo;
  int children;
  std::string line;
};

class TerminationHandlerTest : public ::testing::TestWithParam<SignalCase> {};

TEST_P(TerminationHandlerTest, KillsAndReapsEveryChildGroupThenExits) {
  const SignalCase& c = GetParam();
  absl::StatusOr<std::string> dir = MakeTestDir("termination");
  ASSERT_THAT(dir.status(), IsOk());
  Helper helper = StartHelper(*dir, c.children);
  ASSERT_GT(helper.pid, 0);
  std::vector<pid_t> sleepers;
  for (int i = 0; i < c.children; ++i) {
    sleepers.push_back(WaitForPidFile(absl::StrCat(*dir, "/", i, ".pid"), kWaitTimeout));
    ASSERT_GT(sleepers.back(), 0);
    EXPECT_EQ(ProcessesInGroup(sleepers.back(), Zombies::kInclude).size(), 1u);
  }
  ASSERT_EQ(kill(helper.pid, c.signo), 0);
  int status = 0;
  ASSERT_EQ(waitpid(helper.pid, &status, 0), helper.pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 128 + c.signo);
  EXPECT_EQ(ReadAll(helper.stderr_fd), c.line);
  close(helper.stderr_fd);
  // The helper reaped them before exiting: not even a zombie is left.
  for (pid_t sleeper : sleepers) {
    EXPECT_THAT(ProcessesInGroup(sleeper, Zombies::kInclude), ::testing::IsEmpty());
    EXPECT_EQ(kill(-sleeper, 0), -1);
    EXPECT_EQ(errno, ESRCH);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Signals, TerminationHandlerTest,
    ::testing::Values(
        SignalCase{SIGTERM, 1, "helper: stopping on SIGTERM (killed 1 child process group)\n"},
        SignalCase{SIGINT, 0, "helper: stopping on SIGINT (killed 0 child process groups)\n"},
        SignalCase{SIGHUP, 3, "helper: stopping on SIGHUP (killed 3 child process groups)\n"}),
    [](const ::testing::TestParamInfo<SignalCase>& info) {
      return absl::StrCat(info.param.signo == SIGTERM  ? "Term"
                          : info.param.signo == SIGINT ? "Int"
                                                       : "Hup",
                          info.param.children);
    });

TEST(TerminationHandlerRaceTest, SignalDuringSpawnsStillKillsTheLongRunningChild) {
  for (int round = 0; round < 5; ++round) {
    absl::StatusOr<std::string> dir = MakeTestDir("termination_race");
    ASSERT_THAT(dir.status(), IsOk());
    Helper helper = StartHelper(*dir, 1, /*spawn_loop=*/true);
    ASSERT_GT(helper.pid, 0);
    const pid_t sleeper = WaitForPidFile(*dir + "/0.pid", kWaitTimeout);
    ASSERT_GT(sleeper, 0);
    ASSERT_EQ(kill(helper.pid, SIGTERM), 0);
    int status = 0;
    ASSERT_EQ(waitpid(helper.pid, &status, 0), helper.pid);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
    // The sleeper, and maybe a /bin/true caught mid-run.
    EXPECT_THAT(ReadAll(helper.stderr_fd),
                ::testing::AnyOf(
                    "helper: stopping on SIGTERM (killed 1 child process group)\n",
                    "helper: stopping on SIGTERM (killed 2 child process groups)\n"));
    close(helper.stderr_fd);
    EXPECT_THAT(ProcessesInGroup(sleeper, Zombies::kInclude), ::testing::IsEmpty()) << "round " << round;
  }
}

TEST(TerminationHandlerSigpipeTest, ClosedPipeGivesEpipe) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!InstallTerminationHandler("helper").ok()) _exit(2);
    int fds[2];
    if (pipe(fds) != 0) _exit(3);
    close(fds[0]);
    const bool epipe = write(fds[1], "x", 1) < 0 && errno == EPIPE;
    _exit(epipe ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace subprocess
}  // namespace svl
