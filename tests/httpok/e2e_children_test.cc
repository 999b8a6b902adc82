// Children die with their listener: a real supervisord runs httpok as an
// [eventlistener] on TICK_5 against a URL that answers 500, so a check fails
// and httpok starts a sendmail (-s) or gcore (-g) stand-in that records its
// pid and sleeps. `supervisorctl stop httpok` then sends httpok SIGTERM:
// httpok must kill the stand-in's whole process group, reap it, write one
// stderr line and exit 143, leaving nothing behind.
//
// Also: a closed stdout (supervisord gone) ends httpok with one stderr line
// and exit status 1, not a silent SIGPIPE death.

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/http_server.h"
#include "tests/testing/processes.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

// The binary under test, by its runfiles path.
constexpr char kHttpOk[] = "httpok/httpok";

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct ChildCase {
  std::string name;
  // The httpok options that make it start the stand-in at <dir>/child.sh;
  // "DIR" is replaced by the test directory.
  std::string options;
};

class ChildrenDieWithHttpOkTest : public ::testing::TestWithParam<ChildCase> {};

TEST_P(ChildrenDieWithHttpOkTest, StopKillsTheChildGroupBeforeHttpOkExits) {
  absl::StatusOr<std::string> dir = MakeTestDir("children");
  ASSERT_THAT(dir.status(), IsOk());
  const std::string pid_file = *dir + "/child.pid";
  const std::string script = *dir + "/child.sh";
  ASSERT_THAT(WriteFile(script, absl::StrCat("#!/bin/sh\necho $$ > ", pid_file,
                                             "\nexec sleep 3600\n")),
              IsOk());
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  ASSERT_EQ(mkdir((*dir + "/cores").c_str(), 0755), 0);

  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
  ASSERT_THAT(server.status(), IsOk());
  (*server)->SetHandler([](const HttpRequest&) {
    HttpResponse response;
    response.status = 500;
    response.reason = "Internal Server Error";
    response.body = "broken";
    return response;
  });

  const std::string options = absl::StrReplaceAll(GetParam().options, {{"DIR", *dir}});
  const std::string err_log = *dir + "/httpok.err";
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(absl::StrCat(
      "[program:web]\ncommand=/bin/sleep 3600\nstartsecs=1\n",
      "[eventlistener:httpok]\ncommand=", ListenerBinary(kHttpOk), " -p web -t 2 ", options, " ",
      (*server)->Url("/health"), "\nevents=TICK_5\nstderr_logfile=", err_log, "\n"));
  ASSERT_THAT(sv.status(), IsOk());
  ASSERT_THAT((*sv)->WaitForLog("success: web entered RUNNING state", absl::Seconds(30)), IsOk());

  // A TICK_5 comes within 5 s; the check fails and httpok starts the child.
  const pid_t child = WaitForPidFile(pid_file, kWaitTimeout);
  ASSERT_GT(child, 0) << "no child started; httpok's stderr:\n"
                      << ReadFile(err_log).value_or("<none>");
  // The child leads its own process group (the sendmail command runs under
  // `sh -c`, so the script is sh's child, in sh's group).
  const pid_t group = ProcessGroupOf(child);
  ASSERT_GT(group, 0);
  ASSERT_NE(group, getpgrp());
  ASSERT_THAT(ProcessesInGroup(group, Zombies::kExclude), ::testing::Contains(child));

  absl::StatusOr<std::string> stopped = (*sv)->Ctl({"stop", "httpok"});
  ASSERT_THAT(stopped.status(), IsOk());
  EXPECT_THAT(*stopped, HasSubstr("httpok: stopped"));
  ASSERT_THAT((*sv)->WaitForLog("stopped: httpok", absl::Seconds(30)), IsOk());
  EXPECT_THAT((*sv)->ReadLog(), HasSubstr("stopped: httpok (exit status 143)"));

  // Killed before httpok exited: no live process of the group is left, and
  // httpok reaped its direct child, the group leader (not even a zombie).
  EXPECT_THAT(ProcessesInGroup(group, Zombies::kExclude), IsEmpty());
  EXPECT_THAT(ProcStatFields(group), IsEmpty()) << "the group leader was not reaped";
  // The killed grandchildren are reaped by whoever inherited them: then no
  // process at all, zombies included, is left in the group.
  EXPECT_THAT(WaitFor([group] { return kill(-group, 0) == -1 && errno == ESRCH; }, kWaitTimeout,
                      "an empty process group"),
              IsOk());

  EXPECT_THAT(WaitForFileContaining(err_log, "httpok: stopping on SIGTERM", kWaitTimeout),
              IsOkAndHolds(EndsWith("httpok: stopping on SIGTERM (killed 1 child process group)\n")));
}

INSTANTIATE_TEST_SUITE_P(
    Children, ChildrenDieWithHttpOkTest,
    ::testing::Values(ChildCase{"Sendmail", "-m ops@example.com -s DIR/child.sh"},
                      ChildCase{"Gcore", "-g DIR/child.sh -d DIR/cores"}),
    [](const ::testing::TestParamInfo<ChildCase>& info) { return info.param.name; });

TEST(ClosedStdoutTest, OneLineAndExitStatusOne) {
  absl::StatusOr<RunResult> result = RunListenerWithClosedStdout(kHttpOk,
      {"-p", "web", "http://127.0.0.1:9/"},
      {{"SUPERVISOR_SERVER_URL", "unix:///nonexistent/supervisor.sock"}});
  ASSERT_THAT(result.status(), IsOk());
  EXPECT_EQ(result->exit_code, 1) << "-1: killed by a signal; stderr: " << result->err;
  EXPECT_EQ(result->err, "httpok: cannot write to supervisord (stdout): Broken pipe\n");
}

}  // namespace
}  // namespace testing
}  // namespace svl
