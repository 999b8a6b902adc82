// A watchdog never leaves a service down, never lets a notice stop the
// checks, and never restarts its own pool: the real httpok binary against a
// real supervisord. Each test has its own supervisord, directory and state
// directory. The tests wait on effects (a line on httpok's stderr, a line in
// supervisord's log, a request seen by the web server), each with a deadline
// far above what the step needs.

#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

using ::svl::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTick[] = "eventname:TICK_5 len:0\n";

// A program that ignores SIGTERM. Its stopwaitsecs is an hour: it stays
// STOPPING until the test kills it, as supervisord's SIGKILL would after
// stopwaitsecs; no scheduling delay can end a stop early.
constexpr char kIgnoresTermPy[] = R"py(import os, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
ready = os.path.join(sys.argv[1], 'ready.%d' % os.getpid())
open(ready + '.tmp', 'w').close()
os.rename(ready + '.tmp', ready)
while True:
    time.sleep(3600)
)py";


class WatchdogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("watchdog");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    ASSERT_TRUE(WriteFile(dir_ + "/ignores_term.py", kIgnoresTermPy).ok());
  }

  // Starts supervisord with `programs`, and a web server answering 500.
  void StartAll(const std::string& programs) {
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(programs);
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
    ASSERT_TRUE(web.ok()) << web.status();
    web_ = *std::move(web);
    web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  }

  std::string SlowWebProgram() const {
    return absl::StrCat("[program:web]\ncommand=/usr/bin/python3 ", dir_, "/ignores_term.py ",
                        dir_, "\nstartsecs=0\nstopwaitsecs=3600\n");
  }

  // Waits until web (pid `pid`) ignores SIGTERM: a SIGTERM before that
  // would end it at once.
  void WaitForWebReady(int pid) {
    ASSERT_THAT(WaitForFile(absl::StrCat(dir_, "/ready.", pid), kWaitTimeout).status(), IsOk());
  }

  // Ends web's stop (pid `pid`) as supervisord's SIGKILL would.
  void KillStoppingWeb(int pid) {
    ASSERT_THAT(sv_->WaitForLog(absl::StrCat("killing web (pid ", pid, ") with signal SIGTERM"),
                                kWaitTimeout),
                IsOk());
    ASSERT_EQ(kill(pid, SIGKILL), 0);
  }

  int Pid(const std::string& name) {
    absl::StatusOr<std::string> out = sv_->Ctl({"pid", name});
    int pid = 0;
    if (!out.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*out), &pid)) return -1;
    return pid;
  }

  std::string Status(const std::string& name) {
    absl::StatusOr<std::string> out = sv_->Ctl({"status", name});
    return out.ok() ? *out : out.status().ToString();
  }

  std::unique_ptr<ListenerSession> StartHttpOk(std::vector<std::string> args) {
    args.insert(args.begin(), {"--state-dir", dir_});
    args.push_back(web_->Url("/health"));
    absl::StatusOr<std::unique_ptr<ListenerSession>> session =
        ListenerSession::Start(kHttpOk, args, {{"SUPERVISOR_SERVER_URL", sv_->server_url()}});
    EXPECT_TRUE(session.ok()) << session.status();
    return session.ok() ? *std::move(session) : nullptr;
  }

  // The program was SIGKILLed, then spawned again: in that order in
  // supervisord's log (never a start while it was STOPPING).
  void ExpectStartedOnlyAfterTheKill(const std::string& name) {
    const std::string log = sv_->ReadLog();
    const size_t killed = log.find(absl::StrCat("stopped: ", name, " (terminated by SIGKILL)"));
    ASSERT_NE(killed, std::string::npos) << log;
    EXPECT_NE(log.find(absl::StrCat("spawned: '", name, "'"), killed), std::string::npos) << log;
  }

  std::string dir_;
  std::unique_ptr<Supervisord> sv_;
  std::unique_ptr<HttpServer> web_;
};

// web's stop outlasts the 30 s deadline of an XML-RPC call: upstream's
// blocking stopProcess times out while web is still STOPPING. httpok says so,
// watches it until it has stopped, then starts it.
TEST_F(WatchdogTest, FixedAStopSlowerThanTheRpcDeadlineEndsWithTheProgramRunning) {
  StartAll(SlowWebProgram());
  ASSERT_TRUE(sv_->WaitForLog("success: web entered RUNNING state", kWaitTimeout).ok());
  const int before = Pid("web");
  WaitForWebReady(before);
  std::unique_ptr<ListenerSession> s = StartHttpOk({"-p", "web"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  // The call's 30 s deadline, then the line, at once.
  ASSERT_TRUE(s->WaitForStderr("), waiting for it to stop\n", 1, absl::Seconds(30) + kWaitTimeout))
      << s->err();
  EXPECT_THAT(Status("web"), HasSubstr("STOPPING"));
  KillStoppingWeb(before);
  ASSERT_TRUE(s->WaitForStderr("web restarted\n", 1, kWaitTimeout)) << s->err();
  RunResult r = s->Finish();
  const int after = Pid("web");
  EXPECT_GT(after, 0);
  EXPECT_NE(after, before);
  EXPECT_THAT(Status("web"), HasSubstr("RUNNING"));
  ExpectStartedOnlyAfterTheKill("web");
  static const std::regex kCurlTimeout(
      R"(Operation timed out after \d+ milliseconds with \d+ bytes received \(curl error 28\))");
  EXPECT_EQ(std::regex_replace(r.err, kCurlTimeout, "<timeout>"),
            absl::StrCat("Restarting selected processes ['web']\n"
                         "web is in RUNNING state, restarting\n"
                         "web is slow to stop (XML-RPC call to ",
                         sv_->server_url(), ": <timeout>), waiting for it to stop\n",
                         "web restarted\n"
                         "Reason: httpok: ",
                         web_->Url("/health"), ": bad status returned (status contacting ",
                         web_->Url("/health"), ": 500 Internal Server Error)\n"));
}

// The same with --restart-timeout: a polled stop phase of 1 s.
TEST_F(WatchdogTest, FixedRestartTimeoutShorterThanTheStopEndsWithTheProgramRunning) {
  StartAll(SlowWebProgram());
  ASSERT_TRUE(sv_->WaitForLog("success: web entered RUNNING state", kWaitTimeout).ok());
  const int before = Pid("web");
  WaitForWebReady(before);
  std::unique_ptr<ListenerSession> s = StartHttpOk({"-p", "web", "--restart-timeout", "1"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("web is slow to stop (web still STOPPING after 1s), waiting for "
                               "it to stop\n",
                               1, kWaitTimeout))
      << s->err();
  EXPECT_THAT(Status("web"), HasSubstr("STOPPING"));
  KillStoppingWeb(before);
  ASSERT_TRUE(s->WaitForStderr("web restarted\n", 1, kWaitTimeout)) << s->err();
  RunResult r = s->Finish();
  EXPECT_NE(Pid("web"), before);
  EXPECT_THAT(Status("web"), HasSubstr("RUNNING"));
  ExpectStartedOnlyAfterTheKill("web");
  EXPECT_THAT(r.err, HasSubstr("web is in RUNNING state, restarting\n"
                               "web is slow to stop (web still STOPPING after 1s), waiting for "
                               "it to stop\n"
                               "web restarted\n"));
  EXPECT_THAT(r.err, Not(HasSubstr("Failed to")));
}

// httpok is killed while the program it stopped is still STOPPING: the next
// httpok (same state directory, same supervisord) finishes the restart.
TEST_F(WatchdogTest, FixedARestartCutShortByTheListenerIsFinishedByTheNextOne) {
  StartAll(SlowWebProgram());
  ASSERT_TRUE(sv_->WaitForLog("success: web entered RUNNING state", kWaitTimeout).ok());
  const int before = Pid("web");
  WaitForWebReady(before);
  std::unique_ptr<ListenerSession> s = StartHttpOk({"-p", "web"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  // supervisord has sent the stop signal: web is STOPPING, httpok waits.
  ASSERT_TRUE(sv_->WaitForLog(absl::StrCat("killing web (pid ", before, ") with signal SIGTERM"),
                              kWaitTimeout)
                  .ok());
  s.reset();  // SIGKILL, mid-restart
  KillStoppingWeb(before);
  ASSERT_TRUE(sv_->WaitForLog("stopped: web (terminated by SIGKILL)", kWaitTimeout).ok());
  EXPECT_THAT(Status("web"), HasSubstr("STOPPED"));

  // The URL still fails, but a program started by a finished restart is not
  // checked in the same round (it has had no time to come up).
  s = StartHttpOk({"-p", "web"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_EQ(r.err,
            "Finishing the restart of web, which was left stopped\n"
            "web restarted\n");
  EXPECT_EQ(web_->requests().size(), 1u);  // the first httpok's check only
  EXPECT_THAT(Status("web"), HasSubstr("RUNNING"));
  EXPECT_GT(Pid("web"), 0);
  EXPECT_NE(Pid("web"), before);
  // Done: a third httpok has nothing left to finish.
  web_->SetResponse(MakeResponse(200, "OK"));
  s = StartHttpOk({"-p", "web"});
  ASSERT_TRUE(s->Send(kTick));
  EXPECT_EQ(s->Finish().err, "");
}

// A sendmail that never returns: every TICK is still checked (and acted on)
// while the first mail hangs, which it does until its 30 s deadline.
TEST_F(WatchdogTest, FixedAHangingSendmailDoesNotStopTheChecks) {
  StartAll("[program:app]\ncommand=/bin/sleep 3600\nstartsecs=1\n");
  ASSERT_TRUE(sv_->WaitForLog("success: app entered RUNNING state", kWaitTimeout).ok());
  const std::string script = dir_ + "/hanging-sendmail";
  ASSERT_TRUE(WriteFile(script, absl::StrCat("#!/bin/sh\necho $$ >> ", dir_,
                                             "/sendmail.pids\nexec sleep 3600\n"))
                  .ok());
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  std::unique_ptr<ListenerSession> s =
      StartHttpOk({"-p", "app", "-m", "ops@example.com", "-s", script});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  absl::StatusOr<std::string> pids;
  ASSERT_TRUE(s->WaitForStderr("app restarted\n", 1, kWaitTimeout));
  for (size_t checks = 2; checks <= 4; ++checks) {
    ASSERT_TRUE(s->Send(kTick));
    ASSERT_TRUE(web_->WaitForRequests(checks, kWaitTimeout)) << checks;
    ASSERT_TRUE(s->WaitForStderr("app restarted\n", static_cast<int>(checks), kWaitTimeout));
  }
  // All four checks and restarts happened while the first sendmail was still
  // running (it hangs until its 30 s deadline): none of them waited for it.
  pids = WaitForFile(dir_ + "/sendmail.pids", kWaitTimeout);
  ASSERT_TRUE(pids.ok()) << pids.status();
  int first = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(
                                   std::vector<std::string>(absl::StrSplit(*pids, '\n'))[0]),
                               &first));
  EXPECT_EQ(kill(first, 0), 0) << "the first sendmail is gone: the checks waited for it";
  EXPECT_THAT(s->err(), Not(HasSubstr("Failed to send mail")));

  // EOF: the mails get a grace of 10 s, not 30 s each. The three still
  // waiting are dropped, the one being delivered is killed, and httpok
  // exits; no sendmail is left behind.
  RunResult r = s->Finish(kWaitTimeout);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(std::vector<std::string>(
                absl::StrSplit(r.err, "msg=\"mail dropped unsent: httpok is stopping\""))
                    .size(),
            4u)
      << r.err;
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("Failed to send mail: sendmail command '", script,
                                            "' killed by signal 9 (Killed)\n")));
  EXPECT_TRUE(IsGoneOrZombie(first));
}

// Two listeners in one pool (numprocs=2) with -a under supervisord's own
// TICK_5: each restarts web, neither restarts itself or its sibling.
TEST_F(WatchdogTest, FixedAnyInAListenerPoolNeverRestartsTheSiblings) {
  absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
  ASSERT_TRUE(web.ok());
  (*web)->SetResponse(MakeResponse(500, "Internal Server Error"));
  absl::StatusOr<std::string> dir = MakeTestDir("pool");
  ASSERT_TRUE(dir.ok());
  const std::string config = absl::StrCat(
      "[program:web]\ncommand=/bin/sleep 3600\nstartsecs=1\n"
      "[eventlistener:httpok]\ncommand=",
      ListenerBinary(kHttpOk), " --state-dir ", *dir, " -a -t 2 ", (*web)->Url("/h"),
      "\nevents=TICK_5\nnumprocs=2\nprocess_name=httpok_%(process_num)d\n"
      "stderr_logfile=",
      *dir, "/httpok_%(process_num)d.err\n");
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
  ASSERT_TRUE(sv.ok()) << sv.status();
  sv_ = *std::move(sv);
  for (const char* name : {"web", "httpok_0", "httpok_1"}) {
    ASSERT_TRUE(
        sv_->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"), kWaitTimeout)
            .ok())
        << name;
  }
  const int listener0 = Pid("httpok:httpok_0");
  const int listener1 = Pid("httpok:httpok_1");
  ASSERT_GT(listener0, 0);
  ASSERT_GT(listener1, 0);
  // supervisord hands each TICK_5 to one listener of the pool: wait until
  // the pool has acted on two of them (web restarted twice).
  const auto both_logs = [&dir] {
    std::string text;
    for (const char* name : {"httpok_0", "httpok_1"}) {
      absl::StatusOr<std::string> err = ReadFile(absl::StrCat(*dir, "/", name, ".err"));
      if (err.ok()) absl::StrAppend(&text, *err);
    }
    return text;
  };
  ASSERT_THAT(WaitFor(
                  [&both_logs] {
                    return std::vector<std::string>(absl::StrSplit(both_logs(), "web restarted\n"))
                               .size() >= 3;
                  },
                  kWaitTimeout, "two restarts of web by the pool"),
              IsOk())
      << both_logs();
  const std::string logs = both_logs();
  EXPECT_THAT(logs, HasSubstr("Restarting all running processes\n"
                              "web is in RUNNING state, restarting\n"
                              "web restarted\n"));
  EXPECT_THAT(logs, Not(HasSubstr("httpok_0")));
  EXPECT_THAT(logs, Not(HasSubstr("httpok_1")));
  EXPECT_EQ(Pid("httpok:httpok_0"), listener0);
  EXPECT_EQ(Pid("httpok:httpok_1"), listener1);
  EXPECT_THAT(sv_->ReadLog(), Not(HasSubstr("stopped: httpok_")));
}

}  // namespace
}  // namespace testing
}  // namespace svl
