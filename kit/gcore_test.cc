#include "kit/gcore.h"

#include <signal.h>
#include <spawn.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

extern char** environ;

namespace svl {
namespace kit {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// SplitShellWords()

struct SplitCase {
  std::string command;
  std::vector<std::string> words;
};

class SplitShellWordsTest : public ::testing::TestWithParam<SplitCase> {};

TEST_P(SplitShellWordsTest, SplitsLikeShWithoutExpansion) {
  EXPECT_THAT(SplitShellWords(GetParam().command), IsOkAndHolds(GetParam().words))
      << GetParam().command;
}

INSTANTIATE_TEST_SUITE_P(
    Commands, SplitShellWordsTest,
    ::testing::Values(
        SplitCase{"/usr/bin/gcore -o", {"/usr/bin/gcore", "-o"}},
        SplitCase{"", {}},
        SplitCase{" \t\n ", {}},
        SplitCase{"  gcore\t-o  ", {"gcore", "-o"}},
        SplitCase{"'/opt/my tools/gcore' -o", {"/opt/my tools/gcore", "-o"}},
        SplitCase{"\"/opt/my tools/gcore\" -o", {"/opt/my tools/gcore", "-o"}},
        SplitCase{"/opt/my\\ tools/gcore", {"/opt/my tools/gcore"}},
        SplitCase{"a'b'\"c\"d", {"abcd"}},
        SplitCase{"'' \"\" x", {"", "", "x"}},
        SplitCase{"'$HOME $(id) `id` \\n'", {"$HOME $(id) `id` \\n"}},
        SplitCase{"$HOME *.core ~", {"$HOME", "*.core", "~"}},
        SplitCase{"\"a\\\"b\\\\c\\$d\\`e\\nf\"", {"a\"b\\c$d`e\\nf"}},
        SplitCase{"\"it's\"", {"it's"}},
        SplitCase{"'say \"hi\"'", {"say \"hi\""}},
        SplitCase{"\\'x\\\"", {"'x\""}},
        SplitCase{"a\\\nb c", {"ab", "c"}},
        SplitCase{"gcore; rm -rf /", {"gcore;", "rm", "-rf", "/"}}));

TEST(SplitShellWordsErrorTest, RejectsUnterminatedQuotesAndTrailingBackslash) {
  EXPECT_THAT(SplitShellWords("gcore 'abc"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unterminated single quote at offset 6")));
  EXPECT_THAT(SplitShellWords("gcore \"abc"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unterminated double quote at offset 6")));
  EXPECT_THAT(SplitShellWords("\"abc\\\""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unterminated double quote")));
  EXPECT_THAT(SplitShellWords("gcore -o\\"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("trailing backslash")));
}

// ---------------------------------------------------------------------------
// RunGcore() with stand-in programs.

class RunGcoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = svl::testing::MakeTestDir("gcore");
    ASSERT_THAT(dir.status(), IsOk());
    dir_ = *dir;
  }

  // Writes an executable /bin/sh script and returns its path.
  std::string WriteScript(const std::string& name, const std::string& body) {
    std::string path = dir_ + "/" + name;
    EXPECT_THAT(svl::testing::WriteFile(path, "#!/bin/sh\n" + body), IsOk());
    EXPECT_EQ(chmod(path.c_str(), 0755), 0);
    return path;
  }

  std::string dir_;
};

TEST_F(RunGcoreTest, TrueGivesEmptyOutput) {
  EXPECT_THAT(RunGcore({"true"}, dir_ + "/core", 1, absl::Seconds(10)), IsOkAndHolds(""));
}

TEST_F(RunGcoreTest, ArgvIsWordsThenCorePathThenPidWithNoShell) {
  const std::string echo = WriteScript("echo-argv", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n");
  const std::string marker = dir_ + "/executed";
  // A process name that upstream's `sh -c` would have run.
  const std::string core_path = dir_ + "/group:x$(touch " + marker + ")`touch " + marker + "`";
  absl::StatusOr<std::vector<std::string>> words = SplitShellWords("'" + echo + "' -o 'two words'");
  ASSERT_THAT(words.status(), IsOk());

  EXPECT_THAT(RunGcore(*words, core_path, 4242, absl::Seconds(10)),
              IsOkAndHolds(absl::StrCat("[-o]\n[two words]\n[", core_path, "]\n[4242]\n")));
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the core path was run through a shell";
}

TEST_F(RunGcoreTest, StdinIsDevNull) {
  EXPECT_THAT(RunGcore({"/bin/sh", "-c", "cat; echo done"}, "core", 1, absl::Seconds(10)),
              IsOkAndHolds("done\n"));
}

TEST_F(RunGcoreTest, OutputIsCappedAndDrained) {
  // 200 000 bytes: more than a pipe holds, so the child must be drained.
  absl::StatusOr<std::string> output =
      RunGcore({"/bin/sh", "-c", "head -c 200000 /dev/zero | tr '\\000' a"}, "core", 1,
               absl::Seconds(30));
  ASSERT_THAT(output.status(), IsOk());
  EXPECT_EQ(*output, std::string(64 * 1024, 'a'));
}

TEST_F(RunGcoreTest, HangingCommandIsKilledAtTheDeadline) {
  // `sleep 1000 core 1` would reject its extra arguments; sh -c ignores them.
  EXPECT_THAT(RunGcore({"/bin/sh", "-c", "exec sleep 1000"}, "core", 1, absl::Milliseconds(300)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("did not finish within 300ms")));
  // The child was reaped: this test process has no child left.
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// True once `pid` is gone or a zombie (killed, not yet reaped by init).
bool ProcessEnded(pid_t pid) {
  absl::StatusOr<std::string> stat = svl::testing::ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!stat.ok()) return true;
  size_t paren = stat->rfind(')');
  return paren != std::string::npos && paren + 2 < stat->size() && (*stat)[paren + 2] == 'Z';
}

TEST_F(RunGcoreTest, DeadlineKillsTheWholeProcessGroup) {
  // The stand-in starts a grandchild (as gcore starts gdb) and records its pid
  // in "<core_path>.grandchild".
  const std::string script =
      WriteScript("spawner", "sleep 1000 &\necho $! > \"$1.grandchild\"\nwait\n");
  const std::string core_path = dir_ + "/core";
  // The deadline leaves the stand-in seconds to record its grandchild's pid
  // before it fires, even on a busy machine.
  EXPECT_THAT(RunGcore({script}, core_path, 1, absl::Seconds(5)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  absl::StatusOr<std::string> text = svl::testing::ReadFile(core_path + ".grandchild");
  ASSERT_THAT(text.status(), IsOk());
  int grandchild = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &grandchild)) << *text;
  EXPECT_THAT(svl::testing::WaitFor([grandchild] { return ProcessEnded(grandchild); },
                                    svl::testing::kWaitTimeout, "the grandchild to end"),
              IsOk())
      << "the grandchild survived the deadline";
}

TEST_F(RunGcoreTest, MissingProgramIsNotFound) {
  EXPECT_THAT(RunGcore({dir_ + "/no-such-gcore"}, "core", 1, absl::Seconds(10)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such-gcore")));
  EXPECT_THAT(RunGcore({"no-such-gcore-on-path"}, "core", 1, absl::Seconds(10)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such-gcore-on-path")));
}

TEST_F(RunGcoreTest, NotExecutableIsPermissionDenied) {
  const std::string path = dir_ + "/not-executable";
  ASSERT_THAT(svl::testing::WriteFile(path, "#!/bin/sh\n"), IsOk());
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  if (geteuid() == 0 && access(path.c_str(), X_OK) == 0) GTEST_SKIP() << "root may execute it";
  EXPECT_THAT(RunGcore({path}, "core", 1, absl::Seconds(10)),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(RunGcoreTest, NonZeroExitIsInternalWithTheStatus) {
  EXPECT_THAT(RunGcore({"/bin/sh", "-c", "echo partial; exit 3"}, "core", 1, absl::Seconds(10)),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("exited with status 3")));
}

TEST_F(RunGcoreTest, KilledBySignalIsInternal) {
  EXPECT_THAT(RunGcore({"/bin/sh", "-c", "kill -TERM $$"}, "core", 1, absl::Seconds(10)),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("killed by signal 15")));
}

TEST_F(RunGcoreTest, BadArgumentsAreInvalid) {
  EXPECT_THAT(RunGcore({}, "core", 1, absl::Seconds(1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty gcore command")));
  EXPECT_THAT(RunGcore({"true"}, "core", 1, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("deadline")));
}

// ---------------------------------------------------------------------------
// The real GNU gcore (gdb) on a sleeping child.

pid_t SpawnSleep() {
  char sleep_path[] = "/bin/sleep";
  char seconds[] = "1000";
  char* argv[] = {sleep_path, seconds, nullptr};
  pid_t pid = 0;
  return posix_spawn(&pid, sleep_path, nullptr, nullptr, argv, environ) == 0 ? pid : -1;
}

// Whether a process that is not `pid`'s ancestor may ptrace it (gdb, run by
// gcore, is such a process). 0 or the errno of PTRACE_SEIZE.
int PtraceErrorFromSibling(pid_t pid) {
  pid_t checker = fork();
  if (checker == 0) {
    // A tracer that exits is detached; nothing to undo.
    _exit(ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) == 0 ? 0 : errno);
  }
  if (checker < 0) return errno;
  int status = 0;
  while (waitpid(checker, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(RunGcoreTest, GnuGcoreWritesCorePathDotPid) {
  if (access("/usr/bin/gcore", X_OK) != 0) GTEST_SKIP() << "/usr/bin/gcore (gdb) is not installed";
  pid_t target = SpawnSleep();
  ASSERT_GT(target, 0);
  absl::Cleanup reap = [target] {
    kill(target, SIGKILL);
    waitpid(target, nullptr, 0);
  };
  if (int error = PtraceErrorFromSibling(target); error != 0) {
    GTEST_SKIP() << "ptrace is not permitted here (" << std::strerror(error)
                 << "), so gdb cannot attach";
  }
  const std::string core_path = dir_ + "/web";
  absl::StatusOr<std::string> output =
      RunGcore({"/usr/bin/gcore", "-o"}, core_path, target, absl::Seconds(120));
  ASSERT_THAT(output.status(), IsOk());
  struct stat info;
  const std::string core_file = absl::StrCat(core_path, ".", target);
  ASSERT_EQ(stat(core_file.c_str(), &info), 0) << core_file << " missing; gcore said: " << *output;
  EXPECT_GT(info.st_size, 0);
  EXPECT_THAT(*output, HasSubstr(core_file));  // "Saved corefile <path>.<pid>"
}

}  // namespace
}  // namespace kit
}  // namespace svl
