// httpok's issue-7 options end to end: the real httpok binary talking to a
// REAL supervisord (every RPC: getAllProcessInfo, getProcessInfo,
// stopProcess, startProcess) that runs the programs it restarts. Most tests
// feed the TICKs themselves over pipes (ListenerSession, one TICK at a time,
// waiting for the effect of each) instead of waiting 5 s per TICK_5: these
// options do not depend on supervisord's own tick timing. The web endpoint is
// an in-process HttpServer whose answer each test sets. Outcomes are exact:
// pids change or not, exact stderr (timestamps masked), exact mail subjects.
//
// Each test has its own supervisord, programs, web server and directory.
// Slow stops are not timed: slow_stop.py holds its stop until the test
// releases it (SIGUSR1), so a restart lasts exactly as long as a test needs.
//
// RealTicksTest is the one scenario driven by supervisord's own TICK_5: a
// restart of a program whose stop is held must not hold the listener:
// supervisord keeps sending it TICKs during the restart, the listener keeps
// acknowledging them and never enters the UNKNOWN state.

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/http_server.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/smtp_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

extern char** environ;

namespace svl {
namespace testing {
namespace {

// The binary under test, by its runfiles path.
constexpr char kHttpOk[] = "httpok/httpok";

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kTick[] = "eventname:TICK_5 len:0\n";
constexpr char kEmail[] = "ops@example.com";

// The EventLog timestamp, masked as <time>.
std::string MaskTimes(const std::string& text) {
  static const std::regex kTime(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  return std::regex_replace(text, kTime, "<time>");
}


// slow_stop.py DIR: a program whose stop lasts as long as the test wants.
// Ready (SIGTERM and SIGUSR1 blocked), it writes DIR/ready.<pid>; on SIGTERM
// it writes DIR/stopping.<pid> and exits 0 once it gets SIGUSR1 (sent before
// or after the SIGTERM), after 300 s at the latest.
constexpr char kSlowStopPy[] = R"py(import os, signal, sys
directory = sys.argv[1]
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGUSR1})

def mark(name):
    path = os.path.join(directory, '%s.%d' % (name, os.getpid()))
    open(path + '.tmp', 'w').close()
    os.rename(path + '.tmp', path)

mark('ready')
signal.sigwait({signal.SIGTERM})
mark('stopping')
signal.sigtimedwait({signal.SIGUSR1}, 300)
)py";

// The programs of every E2ePolicyTest (startsecs=0: RUNNING at once).
constexpr char kPrograms[] =
    "[program:a]\ncommand=/bin/sleep 3600\nstartsecs=0\n"
    "[program:b]\ncommand=/bin/sleep 3600\nstartsecs=0\n"
    "[program:grp]\ncommand=/bin/sleep 3600\nprocess_name=%(program_name)s_%(process_num)d\n"
    "numprocs=2\nstartsecs=0\n";

class E2ePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartWebAndDir());
    absl::StatusOr<std::unique_ptr<Supervisord>> sv =
        Supervisord::Start(absl::StrCat(kPrograms, ExtraPrograms()));
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    for (const char* name : {"a", "b", "grp_0", "grp_1"}) {
      ASSERT_THAT(
          sv_->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"), kWaitTimeout),
          IsOk());
    }
  }

  // More [program:x] sections for a derived fixture (which writes the files
  // they need into dir_).
  virtual std::string ExtraPrograms() { return ""; }

  // A fresh web server (url_ on it) and a fresh directory (dir_).
  void StartWebAndDir() {
    absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
    ASSERT_TRUE(web.ok()) << web.status();
    web_ = *std::move(web);
    url_ = web_->Url("/bar");
    absl::StatusOr<std::string> dir = MakeTestDir("policy");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
  }

  int Pid(const std::string& name) const {
    absl::StatusOr<std::string> out = sv_->Ctl({"pid", name});
    int pid = 0;
    if (!out.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*out), &pid)) return -1;
    return pid;
  }

  // Starts httpok with `args` + the URL, against the real supervisord.
  std::unique_ptr<ListenerSession> Start(std::vector<std::string> args,
                                       const std::string& url = "") {
    args.push_back(url.empty() ? url_ : url);
    absl::StatusOr<std::unique_ptr<ListenerSession>> session =
        ListenerSession::Start(kHttpOk, args, {{"SUPERVISOR_SERVER_URL", sv_->server_url()}});
    EXPECT_TRUE(session.ok()) << session.status();
    return session.ok() ? *std::move(session) : nullptr;
  }

  // The sendmail stand-in: appends each mail and a "====" line to mails.txt.
  std::vector<std::string> MailArgs() {
    return {"-m", kEmail, "-s", absl::StrCat("(cat -; printf '\\n====\\n') >> ", dir_, "/mails.txt")};
  }
  std::vector<std::string> Mails() {
    absl::StatusOr<std::string> text = ReadFile(dir_ + "/mails.txt");
    if (!text.ok()) return {};
    std::vector<std::string> mails = absl::StrSplit(*text, "\n====\n");
    mails.pop_back();  // after the last separator
    return mails;
  }

  // Sends one TICK and waits until the web server has seen `requests` checks.
  bool TickAndWaitForCheck(ListenerSession& session, size_t requests) {
    if (!session.Send(kTick)) return false;
    const absl::Status checked = WaitFor([&] { return web_->requests().size() >= requests; },
                                         kWaitTimeout, absl::StrCat(requests, " checks"));
    EXPECT_THAT(checked, IsOk());
    return checked.ok();
  }

  std::unique_ptr<Supervisord> sv_;
  std::unique_ptr<HttpServer> web_;
  std::string url_;
  std::string dir_;
};

// E2ePolicyTest with slowp, a program whose stop the test holds and releases.
class E2eSlowStopTest : public E2ePolicyTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2ePolicyTest::SetUp());
    ASSERT_THAT(sv_->WaitForLog("success: slowp entered RUNNING state", kWaitTimeout), IsOk());
    ASSERT_THAT(WaitForSlowpReady(Pid("slowp")), IsOk());
  }

  // A stop still held when the test ends would hold supervisord's shutdown.
  void TearDown() override {
    if (sv_ == nullptr) return;
    const int pid = Pid("slowp");
    if (pid > 0) ReleaseStop(pid);
  }

  std::string ExtraPrograms() override {
    EXPECT_THAT(WriteFile(dir_ + "/slow_stop.py", kSlowStopPy), IsOk());
    return absl::StrCat("[program:slowp]\ncommand=/usr/bin/python3 ", dir_, "/slow_stop.py ", dir_,
                        "\nstartsecs=1\nstopwaitsecs=600\n");
  }

  // Waits until slowp `pid` blocks its signals (before that a SIGTERM kills it).
  absl::Status WaitForSlowpReady(int pid) const {
    return WaitForFile(absl::StrCat(dir_, "/ready.", pid), kWaitTimeout).status();
  }
  // Waits until slowp `pid` got its SIGTERM and holds its stop.
  absl::Status WaitForStopHeld(int pid) const {
    return WaitForFile(absl::StrCat(dir_, "/stopping.", pid), kWaitTimeout).status();
  }
  // Lets slowp `pid` finish its stop (now, or as soon as it gets SIGTERM).
  static void ReleaseStop(int pid) { kill(pid, SIGUSR1); }
};

std::string ActLines(const std::string& namespec) {
  return absl::StrCat(namespec, " is in RUNNING state, restarting\n", namespec, " restarted\n");
}

TEST_F(E2ePolicyTest, FailuresActsOnlyOnTheNthConsecutiveFailure) {
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  const int before = Pid("a");
  std::unique_ptr<ListenerSession> s = Start({"-p", "a", "--failures", "3"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("failures=1/3\n"));
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("failures=2/3\n"));
  EXPECT_EQ(Pid("a"), before);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_NE(Pid("a"), before);
  const std::string waiting = absl::StrCat(
      "<time> httpok reason=status=500 url=", url_,
      " msg=\"check failed, not acting before --failures 3\" failures=");
  EXPECT_EQ(MaskTimes(r.err),
            absl::StrCat(waiting, "1/3\n", waiting, "2/3\n",
                         "Restarting selected processes ['a']\n", ActLines("a"),
                         "Reason: httpok: ", url_, ": bad status returned (status contacting ",
                         url_, ": 500 Internal Server Error)\n"));
  EXPECT_EQ(r.out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
}

TEST_F(E2ePolicyTest, SuccessesKeepsTheStreakAcrossOneGoodCheck) {
  // 500, 200, 500 with --failures 2: the good check in between clears the
  // count with --successes 1 (the default), not with --successes 2.
  for (const char* successes : {"1", "2"}) {
    ASSERT_NO_FATAL_FAILURE(StartWebAndDir());
    const int before = Pid("a");
    std::unique_ptr<ListenerSession> s =
        Start({"-p", "a", "--failures", "2", "--successes", successes});
    ASSERT_NE(s, nullptr);
    web_->SetResponse(MakeResponse(500, "Internal Server Error"));
    ASSERT_TRUE(TickAndWaitForCheck(*s, 1));
    web_->SetResponse(MakeResponse(200, "OK"));
    ASSERT_TRUE(TickAndWaitForCheck(*s, 2));
    web_->SetResponse(MakeResponse(500, "Internal Server Error"));
    ASSERT_TRUE(TickAndWaitForCheck(*s, 3));
    RunResult r = s->Finish();
    if (std::string(successes) == "1") {
      EXPECT_EQ(Pid("a"), before);
      EXPECT_THAT(r.err, Not(HasSubstr("Restarting")));
    } else {
      EXPECT_NE(Pid("a"), before);
      EXPECT_THAT(r.err, HasSubstr(absl::StrCat("Restarting selected processes ['a']\n",
                                                ActLines("a"))));
    }
  }
}

TEST_F(E2ePolicyTest, GraceLeavesARecentlyStartedProcessAlone) {
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  const int before = Pid("a");
  std::vector<std::string> args = {"-p", "a", "--grace", "3600"};
  for (const std::string& arg : MailArgs()) args.push_back(arg);
  std::unique_ptr<ListenerSession> s = Start(args);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(TickAndWaitForCheck(*s, 1));
  RunResult r = s->Finish();
  EXPECT_EQ(Pid("a"), before);
  static const std::regex kSeconds("started [0-9]+s ago");
  EXPECT_EQ(std::regex_replace(MaskTimes(r.err), kSeconds, "started Ns ago"),
            absl::StrCat("Restarting selected processes ['a']\n"
                         "a started Ns ago, within --grace, NOT restarting\n"
                         "<time> httpok reason=mail url=",
                         url_, " msg=\"mail not sent: no process was restarted\"\n"));
  EXPECT_THAT(Mails(), SizeIs(0));
}

TEST_F(E2ePolicyTest, MaxRestartsGivesUpOnceAndResumesAfterAManualRestart) {
  web_->SetResponse(MakeResponse(503, "Service Unavailable"));
  std::vector<std::string> args = {"-p", "a", "--max-restarts", "1", "--restart-window", "3600"};
  for (const std::string& arg : MailArgs()) args.push_back(arg);
  std::unique_ptr<ListenerSession> s = Start(args);
  ASSERT_NE(s, nullptr);
  const int pid0 = Pid("a");
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("a restarted\n"));
  ASSERT_TRUE(s->WaitForStderr("Mailed:"));
  const int pid1 = Pid("a");
  EXPECT_NE(pid1, pid0);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("giving up until it recovers\n"));
  ASSERT_TRUE(s->WaitForStderr("Mailed:", 2));
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("mail not sent: no process was restarted"));
  EXPECT_EQ(Pid("a"), pid1);
  // Someone else restarts it: the budget starts afresh.
  ASSERT_TRUE(sv_->Ctl({"restart", "a"}).ok());
  const int pid2 = Pid("a");
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("a restarted\n", 2));
  RunResult r = s->Finish();
  EXPECT_NE(Pid("a"), pid2);

  const std::vector<std::string> mails = Mails();
  ASSERT_THAT(mails, SizeIs(3));
  EXPECT_EQ(mails[0], absl::StrCat("To: ops@example.com\nSubject: httpok: ", url_,
                                   ": bad status returned\n\nstatus contacting ", url_,
                                   ": 503 Service Unavailable\n"
                                   "Restarting selected processes ['a']\n"
                                   "a is in RUNNING state, restarting\na restarted"));
  EXPECT_EQ(mails[1], absl::StrCat("To: ops@example.com\nSubject: httpok: ", url_,
                                   ": gave up restarting a\n\nstatus contacting ", url_,
                                   ": 503 Service Unavailable\n"
                                   "Restarting selected processes ['a']\n"
                                   "a was restarted 1 times within --restart-window, giving up "
                                   "until it recovers"));
  EXPECT_THAT(mails[2], HasSubstr("\na restarted"));
  EXPECT_THAT(MaskTimes(r.err),
              HasSubstr(absl::StrCat("Restarting selected processes ['a']\n"
                                     "<time> httpok reason=status=503 url=",
                                     url_,
                                     " msg=\"a given up (restart budget spent), NOT restarting\" "
                                     "process=a\n<time> httpok reason=mail url=",
                                     url_, " msg=\"mail not sent: no process was restarted\"\n")));
}

TEST_F(E2ePolicyTest, DryRunSaysWhatItWouldDoAndDoesNothing) {
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  const int before = Pid("a");
  std::vector<std::string> args = {"-p", "a", "--dry-run"};
  for (const std::string& arg : MailArgs()) args.push_back(arg);
  std::unique_ptr<ListenerSession> s = Start(args);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_EQ(Pid("a"), before);
  const std::string lines =
      "[dry-run] Restarting selected processes ['a']\n"
      "[dry-run] a is in RUNNING state, would restart";
  const std::string mail =
      absl::StrCat("To: ops@example.com\nSubject: [dry-run] httpok: ", url_,
                   ": bad status returned\n\nstatus contacting ", url_,
                   ": 500 Internal Server Error\n", lines);
  EXPECT_EQ(r.err, absl::StrCat(lines, "\nMailed:\n\n", mail, "\n"));
  EXPECT_THAT(Mails(), ElementsAre(mail));
}

TEST_F(E2ePolicyTest, GroupWildcardRestartsEveryProcessOfTheGroup) {
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  const int a = Pid("a"), g0 = Pid("grp:grp_0"), g1 = Pid("grp:grp_1");
  std::unique_ptr<ListenerSession> s = Start({"-p", "grp:*"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_EQ(Pid("a"), a);
  EXPECT_NE(Pid("grp:grp_0"), g0);
  EXPECT_NE(Pid("grp:grp_1"), g1);
  EXPECT_EQ(r.err, absl::StrCat("Restarting selected processes ['grp:*']\n", ActLines("grp:grp_0"),
                                ActLines("grp:grp_1"), "Reason: httpok: ", url_,
                                ": bad status returned (status contacting ", url_,
                                ": 500 Internal Server Error)\n"));

  // -E: no process of the group RUNNING, no check.
  ASSERT_TRUE(sv_->Ctl({"stop", "grp:*"}).ok());
  s = Start({"-E", "-p", "grp:*"});
  ASSERT_TRUE(s->Send(kTick));
  r = s->Finish();
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(web_->requests().size(), 1u);
  ASSERT_TRUE(sv_->Ctl({"start", "grp:*"}).ok());
  s = Start({"-E", "-p", "grp:*"});
  ASSERT_TRUE(s->Send(kTick));
  r = s->Finish();
  EXPECT_EQ(web_->requests().size(), 2u);
}

TEST_F(E2ePolicyTest, NotBodyRestartsWhenTheTextIsPresent) {
  web_->SetResponse(MakeResponse(200, "OK", "database: ERROR"));
  const int before = Pid("b");
  std::unique_ptr<ListenerSession> s = Start({"-p", "b", "--not-body", "ERROR"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  const int after = Pid("b");
  EXPECT_NE(after, before);
  EXPECT_EQ(r.err, absl::StrCat("Restarting selected processes ['b']\n", ActLines("b"),
                                "Reason: httpok: ", url_,
                                ": bad body returned (status contacting ", url_, ": 200 OK)\n"));
  web_->SetResponse(MakeResponse(200, "OK", "database: fine"));
  s = Start({"-p", "b", "--not-body", "ERROR"});
  ASSERT_TRUE(s->Send(kTick));
  r = s->Finish();
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Pid("b"), after);
}

TEST_F(E2ePolicyTest, MethodHeaderAndUserAreSent) {
  web_->SetHandler([](const HttpRequest& request) {
    const bool good = request.method == "HEAD" && request.Header("X-Probe") == "yes" &&
                      request.Header("Authorization") == "Basic b3BzOnMzY3JldA==";
    return good ? MakeResponse(200, "OK", "") : MakeResponse(400, "Bad Request");
  });
  const int before = Pid("b");
  std::unique_ptr<ListenerSession> s = Start({"-p", "b", "--method", "HEAD", "--header",
                                            "X-Probe: yes", "--user", "ops:s3cret",
                                            "--connect-timeout", "2"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(Pid("b"), before);
  ASSERT_EQ(web_->requests().size(), 1u);
  EXPECT_EQ(web_->requests()[0].method, "HEAD");
  // Without them the same endpoint fails and b is restarted.
  s = Start({"-p", "b"});
  ASSERT_TRUE(s->Send(kTick));
  r = s->Finish();
  EXPECT_THAT(r.err, HasSubstr("b restarted\nReason: "));
  EXPECT_NE(Pid("b"), before);
}

TEST_F(E2ePolicyTest, RedirectsAndStatusRanges) {
  web_->SetHandler([](const HttpRequest& request) {
    if (request.target == "/ok") return MakeResponse(200, "OK");
    HttpResponse moved = MakeResponse(302, "Found");
    moved.headers = {{"Location", "/ok"}};
    return moved;
  });
  const std::string url = web_->Url("/moved");
  const int before = Pid("b");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"-p", "b", "--max-redirects", "1"},
        std::vector<std::string>{"-p", "b", "-c", "200-399"}}) {
    std::unique_ptr<ListenerSession> s = Start(args, url);
    ASSERT_TRUE(s->Send(kTick));
    EXPECT_EQ(s->Finish().err, "") << args[2];
  }
  EXPECT_EQ(Pid("b"), before);
  ASSERT_EQ(web_->requests().size(), 3u);  // moved + ok, then moved alone
  EXPECT_EQ(web_->requests()[1].target, "/ok");
  // Upstream's default: not followed, 302 is not 200.
  std::unique_ptr<ListenerSession> s = Start({"-p", "b"}, url);
  ASSERT_TRUE(s->Send(kTick));
  EXPECT_THAT(s->Finish().err, HasSubstr(absl::StrCat("b restarted\nReason: httpok: ", url,
                                                      ": bad status returned (status contacting ",
                                                      url, ": 302 Found)\n")));
  EXPECT_NE(Pid("b"), before);
}

TEST_F(E2ePolicyTest, CredentialsNeverAppearInLogsOrMails) {
  for (const char* format : {"text", "json"}) {
    ASSERT_NO_FATAL_FAILURE(StartWebAndDir());
    web_->SetResponse(MakeResponse(500, "Internal Server Error"));
    const std::string url_now = absl::StrCat("http://ops:s3cret@127.0.0.1:", web_->port(), "/bar");
    const std::string shown_now = absl::StrCat("http://***@127.0.0.1:", web_->port(), "/bar");
    std::vector<std::string> args = {"-p", "b", "--log-format", format, "--user", "root:hunter2"};
    for (const std::string& arg : MailArgs()) args.push_back(arg);
    std::unique_ptr<ListenerSession> s = Start(args, url_now);
    ASSERT_TRUE(s->Send(kTick));
    RunResult r = s->Finish();
    const std::vector<std::string> mails = Mails();
    ASSERT_THAT(mails, SizeIs(1)) << r.err;
    EXPECT_THAT(mails[0], HasSubstr(absl::StrCat("Subject: httpok: ", shown_now, ": bad status")));
    for (const std::string& text : {r.err, mails[0]}) {
      EXPECT_THAT(text, HasSubstr(shown_now)) << format;
      EXPECT_THAT(text, Not(HasSubstr("s3cret"))) << format;
      EXPECT_THAT(text, Not(HasSubstr("hunter2"))) << format;
    }
    // The server got the credentials (--user wins over the URL's).
    ASSERT_EQ(web_->requests().size(), 1u);
    EXPECT_EQ(web_->requests()[0].Header("Authorization"), "Basic cm9vdDpodW50ZXIy");
  }
}

TEST_F(E2ePolicyTest, NotifyOnceMailsTheIncidentAndTheRecovery) {
  std::vector<std::string> args = {"-p", "b", "--notify-once"};
  for (const std::string& arg : MailArgs()) args.push_back(arg);
  const int before = Pid("b");
  std::unique_ptr<ListenerSession> s = Start(args);
  ASSERT_NE(s, nullptr);
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("Mailed:"));
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("mail not sent"));
  web_->SetResponse(MakeResponse(200, "OK"));
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("Mailed:", 2));
  ASSERT_TRUE(s->Send(kTick));  // still healthy: nothing more
  RunResult r = s->Finish();
  EXPECT_NE(Pid("b"), before);
  EXPECT_EQ(web_->requests().size(), 4u);
  EXPECT_EQ(MaskTimes(r.err).find("b restarted\n<time> httpok reason=status=500 url="),
            std::string::npos);
  EXPECT_THAT(MaskTimes(r.err),
              HasSubstr(absl::StrCat("b restarted\n<time> httpok reason=mail url=", url_,
                                     " msg=\"mail not sent: --notify-once, this incident was "
                                     "mailed\"\n")));
  const std::vector<std::string> mails = Mails();
  ASSERT_THAT(mails, SizeIs(2));
  EXPECT_THAT(mails[0], HasSubstr(absl::StrCat("Subject: httpok: ", url_, ": bad status returned\n")));
  EXPECT_EQ(mails[1], absl::StrCat("To: ops@example.com\nSubject: httpok: ", url_,
                                   ": recovered\n\nstatus contacting ", url_, ": 200 OK"));
}

TEST_F(E2ePolicyTest, LogFormatTextAddsAReasonCodedLinePerFailedCheck) {
  web_->SetResponse(MakeResponse(503, "Service Unavailable"));
  std::unique_ptr<ListenerSession> s = Start({"-p", "b", "--log-format", "text", "-n", "edge1"});
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_EQ(MaskTimes(r.err),
            absl::StrCat("<time> httpok[edge1] reason=status=503 url=", url_,
                         " msg=\"check failed: status contacting ", url_,
                         ": 503 Service Unavailable\" failures=1/1\n"
                         "Restarting selected processes ['b']\n",
                         ActLines("b"), "Reason: httpok [edge1]: ", url_,
                         ": bad status returned (status contacting ", url_,
                         ": 503 Service Unavailable)\n"));
  // A refused connection has its own reason code.
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_TRUE(refused.ok()) << refused.status();
  const std::string closed = (*refused)->Url("/");
  s = Start({"-p", "nothing", "--log-format", "text", "-t", "0.5", "--retry-interval", "0.1"},
            closed);
  ASSERT_TRUE(s->Send(kTick));
  r = s->Finish();
  EXPECT_THAT(MaskTimes(r.err), ::testing::StartsWith(absl::StrCat(
                                    "<time> httpok reason=refused url=", closed,
                                    " msg=\"check failed: error contacting ", closed, ": ")));
}

TEST_F(E2ePolicyTest, LogFormatJsonMakesEveryStderrLineJson) {
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  std::vector<std::string> args = {"-p", "b", "--log-format", "json"};
  for (const std::string& arg : MailArgs()) args.push_back(arg);
  std::unique_ptr<ListenerSession> s = Start(args);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  const std::string head = absl::StrCat("{\"time\":\"<time>\",\"reason\":\"status=500\",\"url\":\"",
                                        url_, "\",\"msg\":\"");
  const std::string mail = absl::StrCat(
      "To: ops@example.com\\nSubject: httpok: ", url_, ": bad status returned\\n\\n"
      "status contacting ", url_, ": 500 Internal Server Error\\n"
      "Restarting selected processes ['b']\\nb is in RUNNING state, restarting\\nb restarted");
  EXPECT_EQ(MaskTimes(r.err),
            absl::StrCat(head, "check failed: status contacting ", url_,
                         ": 500 Internal Server Error\",\"failures\":\"1/1\"}\n",
                         head, "Restarting selected processes ['b']\"}\n",
                         head, "b is in RUNNING state, restarting\"}\n",
                         head, "b restarted\"}\n",
                         head, "Mailed:\\n\\n", mail, "\"}\n"));
}

TEST_F(E2ePolicyTest, StaleTicksReplayedAfterAStallAreCoalesced) {
  // Ten TICK_60 with when: 10 min ago .. 1 min ago, back to back, as
  // supervisord replays them after a stall: one check. (TICK_60: ticks are
  // back to back within half a period, 30 s, far more than sending them can
  // take on a busy machine; TICK_5's 2.5 s would not be.)
  std::unique_ptr<ListenerSession> s = Start({"-p", "b"});
  ASSERT_NE(s, nullptr);
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  for (int i = 10; i >= 1; --i) {
    const std::string payload = absl::StrCat("when:", now - 60 * i);
    ASSERT_TRUE(s->Send(absl::StrCat("eventname:TICK_60 len:", payload.size(), "\n", payload)));
  }
  RunResult r = s->Finish();
  EXPECT_EQ(web_->requests().size(), 1u);
  std::vector<std::string> lines = absl::StrSplit(MaskTimes(r.err), '\n');
  ASSERT_THAT(lines, SizeIs(10));  // nine lines and the empty rest
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(lines[i], absl::StrCat("<time> httpok reason=stale url=", url_,
                                     " msg=\"TICK skipped: replayed after a stall, covered by the "
                                     "last check\" tick=TICK_60 when=",
                                     now - 60 * (9 - i)));
  }
}

TEST_F(E2ePolicyTest, TicksDuringACheckAreAcknowledgedDeferredThenSkipped) {
  // The first check is held in the server until the test has sent the other
  // two TICKs; every later check is answered at once.
  struct FirstCheckGate {
    absl::Notification entered;
    absl::Notification release;
    std::atomic<int> checks{0};
  };
  auto gate = std::make_shared<FirstCheckGate>();
  web_->SetHandler([gate](const HttpRequest&) {
    if (gate->checks++ == 0) {
      gate->entered.Notify();
      gate->release.WaitForNotificationWithTimeout(kWaitTimeout);
    }
    return MakeResponse(200, "OK");
  });
  absl::Cleanup release_on_failure = [gate] {
    if (!gate->release.HasBeenNotified()) gate->release.Notify();
  };
  std::unique_ptr<ListenerSession> s = Start({"-p", "b"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(gate->entered.WaitForNotificationWithTimeout(kWaitTimeout));
  ASSERT_TRUE(s->Send(kTick));  // during the check: deferred, runs after it
  ASSERT_TRUE(s->Send(kTick));  // one is already deferred: skipped
  gate->release.Notify();
  RunResult r = s->Finish();
  EXPECT_EQ(r.out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  EXPECT_EQ(web_->requests().size(), 2u);
  EXPECT_EQ(MaskTimes(r.err),
            absl::StrCat("<time> httpok reason=busy url=", url_,
                         " msg=\"TICK skipped: a check or restart is in progress and one more is "
                         "queued\" tick=TICK_5\n"));
}

TEST_F(E2eSlowStopTest, RestartTimeoutPollsInsteadOfBlocking) {
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  const int before = Pid("slowp");
  // slowp's stop, held until released here, ends within --restart-timeout 60:
  // restarted.
  std::unique_ptr<ListenerSession> s = Start({"-p", "slowp", "--restart-timeout", "60"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_THAT(WaitForStopHeld(before), IsOk());
  ReleaseStop(before);
  RunResult r = s->Finish();
  const int after = Pid("slowp");
  EXPECT_NE(after, before);
  EXPECT_GT(after, 0);
  EXPECT_EQ(r.err, absl::StrCat("Restarting selected processes ['slowp']\n", ActLines("slowp"),
                                "Reason: httpok: ", url_, ": bad status returned (status contacting ",
                                url_, ": 500 Internal Server Error)\n"));
  // A stop held past --restart-timeout 1: httpok says so at once, keeps
  // watching, and starts slowp once it has stopped (never left stopped).
  ASSERT_THAT(WaitForSlowpReady(after), IsOk());
  s = Start({"-p", "slowp", "--restart-timeout", "1"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  const std::string slow = "slowp is slow to stop (slowp still STOPPING after 1s), waiting for it "
                           "to stop\n";
  ASSERT_TRUE(s->WaitForStderr(slow, 1, kWaitTimeout)) << s->err();
  EXPECT_EQ(Pid("slowp"), after);  // not started while it is STOPPING
  ASSERT_THAT(WaitForStopHeld(after), IsOk());
  ReleaseStop(after);
  r = s->Finish();
  EXPECT_THAT(r.err, ::testing::StartsWith(absl::StrCat(
                         "Restarting selected processes ['slowp']\n"
                         "slowp is in RUNNING state, restarting\n",
                         slow)));
  EXPECT_THAT(r.err, Not(HasSubstr("Failed to stop")));
  EXPECT_THAT(r.err, Not(HasSubstr("not started")));
  // (Its start phase, startsecs=1 against 1 s, may end RUNNING or STARTING:
  // either way supervisord has started it.)
  EXPECT_THAT(WaitFor([&] { return Pid("slowp") > 0 && Pid("slowp") != after; }, kWaitTimeout,
                      "slowp started again"),
              IsOk());
  EXPECT_EQ(sv_->CountInLog("stopped: slowp (exit status 0)"), 2);
}

TEST_F(E2eSlowStopTest, SupervisordTickDuringARestartIsSkipped) {
  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  const int before = Pid("slowp");
  std::unique_ptr<ListenerSession> s = Start({"-p", "slowp"});
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_TRUE(s->WaitForStderr("slowp is in RUNNING state, restarting\n"));
  ASSERT_THAT(WaitForStopHeld(before), IsOk());
  // slowp holds its stop; a dated TICK now is acknowledged at once...
  const std::string payload = absl::StrCat("when:", absl::ToUnixSeconds(absl::Now()));
  ASSERT_TRUE(s->Send(absl::StrCat("eventname:TICK_5 len:", payload.size(), "\n", payload)));
  EXPECT_FALSE(s->WaitForStderr("slowp restarted\n", 1, absl::ZeroDuration()));
  ReleaseStop(before);
  // ... and skipped once the restart is done (no check right after it).
  RunResult r = s->Finish();
  EXPECT_NE(Pid("slowp"), before);
  EXPECT_EQ(web_->requests().size(), 1u);
  EXPECT_EQ(MaskTimes(r.err),
            absl::StrCat("Restarting selected processes ['slowp']\n", ActLines("slowp"),
                         "Reason: httpok: ", url_, ": bad status returned (status contacting ",
                         url_, ": 500 Internal Server Error)\n"
                         "<time> httpok reason=busy url=", url_,
                         " msg=\"TICK skipped: it arrived during a restart\" tick=TICK_5\n"));
}

// ---- SMTP ----

TEST_F(E2ePolicyTest, SmtpDeliversThroughTheSmtpTransport) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start();
  ASSERT_TRUE(smtp.ok()) << smtp.status();

  web_->SetResponse(MakeResponse(500, "Internal Server Error"));
  std::unique_ptr<ListenerSession> s =
      Start({"-p", "b", "-m", kEmail, "--smtp", (*smtp)->url(),
             "--mail-from", "httpok@example.com"});
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_THAT(r.err, HasSubstr("b restarted\nMailed:\n\nTo: ops@example.com\nSubject: httpok: "));
  const std::vector<std::string> mails = (*smtp)->Received();
  ASSERT_FALSE(mails.empty()) << r.err;
  const std::string& mail = mails[0];
  EXPECT_THAT(mail, ::testing::StartsWith("MAIL FROM:httpok@example.com\nRCPT TO:ops@example.com\n"));
  EXPECT_THAT(mail, HasSubstr(absl::StrCat("Subject: httpok: ", url_, ": bad status returned")));
  EXPECT_THAT(mail, HasSubstr("b is in RUNNING state, restarting"));
}

// ---- mTLS ----

// Runs argv (no shell) and waits; true when it exits 0.
bool RunCommand(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// An HTTPS server that requires a client certificate signed by ca.pem.
constexpr char kMtlsServerPy[] = R"py(
import http.server, os, ssl, sys
cert, key, ca, port_file = sys.argv[1:5]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.verify_mode = ssl.CERT_REQUIRED
context.load_verify_locations(ca)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
)py";

TEST_F(E2ePolicyTest, ClientCertificateForMutualTls) {
  const std::string d = dir_;
  const std::string openssl = "/usr/bin/openssl";
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                       "-nodes"};
  auto req = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {openssl, "req"};
    argv.insert(argv.end(), ec.begin(), ec.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  };
  ASSERT_TRUE(req({"-x509", "-keyout", d + "/ca.key", "-out", d + "/ca.pem", "-days", "2", "-subj",
                   "/CN=svl test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                   "keyUsage=critical,keyCertSign,cRLSign"}));
  ASSERT_TRUE(WriteFile(d + "/server.ext", "subjectAltName=DNS:localhost\n").ok());
  ASSERT_TRUE(WriteFile(d + "/client.ext", "extendedKeyUsage=clientAuth\n").ok());
  for (const std::string who : {"server", "client"}) {
    ASSERT_TRUE(req({"-new", "-keyout", d + "/" + who + ".key", "-out", d + "/" + who + ".csr",
                     "-subj", "/CN=" + who}));
    ASSERT_TRUE(RunCommand({openssl, "x509", "-req", "-in", d + "/" + who + ".csr", "-CA",
                            d + "/ca.pem", "-CAkey", d + "/ca.key", "-CAcreateserial", "-out",
                            d + "/" + who + ".pem", "-days", "2", "-extfile",
                            d + "/" + who + ".ext"}));
  }
  std::vector<std::string> argv_s = {"/usr/bin/python3", "-c", kMtlsServerPy, d + "/server.pem",
                                     d + "/server.key", d + "/ca.pem", d + "/port"};
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t server = -1;
  ASSERT_EQ(posix_spawn(&server, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  struct Killer {
    pid_t pid;
    ~Killer() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } killer{server};
  absl::StatusOr<std::string> port = WaitForFile(d + "/port", kWaitTimeout);
  ASSERT_THAT(port, IsOk()) << "the python mTLS server did not start";
  const std::string url = absl::StrCat("https://localhost:", *port, "/");

  const int before = Pid("b");
  std::unique_ptr<ListenerSession> s =
      Start({"-p", "b", "--cacert", d + "/ca.pem", "--client-cert", d + "/client.pem",
             "--client-key", d + "/client.key"},
            url);
  ASSERT_TRUE(s->Send(kTick));
  EXPECT_EQ(s->Finish().err, "");
  EXPECT_EQ(Pid("b"), before);
  // Without the client certificate the server refuses us. (With TLS 1.3 the
  // refusal comes after the handshake, and libcurl reports it as a
  // connection error, not a TLS one: the reason code is `error`.)
  s = Start({"-p", "b", "--cacert", d + "/ca.pem", "--log-format", "text"}, url);
  ASSERT_TRUE(s->Send(kTick));
  RunResult r = s->Finish();
  EXPECT_THAT(MaskTimes(r.err), ::testing::StartsWith("<time> httpok reason="));
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat(" msg=\"check failed: error contacting ", url, ": ")));
  EXPECT_THAT(r.err, HasSubstr("b restarted\n"));
  EXPECT_NE(Pid("b"), before);
}

// ---- Real TICK_5 from supervisord ----

TEST(RealTicksTest, SlowRestartNeverHoldsTheListener) {
  absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
  ASSERT_TRUE(web.ok());
  const std::string url = (*web)->Url("/h");
  absl::StatusOr<std::string> dir = MakeTestDir("realticks");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(WriteFile(*dir + "/slow_stop.py", kSlowStopPy).ok());
  const std::string config = absl::StrCat(
      "[program:slow]\ncommand=/usr/bin/python3 ", *dir, "/slow_stop.py ", *dir,
      "\nstartsecs=1\nstopwaitsecs=600\n", "[eventlistener:httpok]\ncommand=",
      ListenerBinary(kHttpOk),
      " -p slow -t 30 ", url, "\nevents=TICK_5\nstderr_logfile=", *dir, "/httpok.err\n");
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
  ASSERT_TRUE(sv.ok()) << sv.status();
  for (const char* name : {"slow", "httpok"}) {
    ASSERT_THAT((*sv)->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"),
                                  kWaitTimeout),
                IsOk());
  }
  const auto ctl = [&](const std::string& command) {
    absl::StatusOr<std::string> out = (*sv)->Ctl({command, "slow"});
    return out.ok() ? std::string(absl::StripAsciiWhitespace(*out)) : "";
  };
  int before = 0;
  ASSERT_TRUE(absl::SimpleAtoi(ctl("pid"), &before));
  ASSERT_GT(before, 0);
  // A stop still held when the test ends would hold supervisord's shutdown.
  absl::Cleanup release_at_end = [&] {
    int pid = 0;
    if (absl::SimpleAtoi(ctl("pid"), &pid) && pid > 0) kill(pid, SIGUSR1);
  };
  ASSERT_THAT(WaitForFile(absl::StrCat(*dir, "/ready.", before), kWaitTimeout), IsOk());

  // The next check fails, every later one passes: exactly one restart.
  auto failures_left = std::make_shared<std::atomic<int>>(1);
  (*web)->SetHandler([failures_left](const HttpRequest&) {
    return (*failures_left)-- > 0 ? MakeResponse(500, "Internal Server Error") : MakeResponse(200, "OK");
  });
  // The restart has begun: slow got its SIGTERM and holds its stop.
  ASSERT_THAT(WaitForFile(absl::StrCat(*dir, "/stopping.", before), kWaitTimeout), IsOk());
  EXPECT_THAT(ctl("status"), HasSubstr("STOPPING"));
  // While it is held, supervisord's TICK_5s must still be sent and
  // acknowledged (the listener is READY), not buffered: the first one is
  // deferred, the second is skipped with a `busy` line at once.
  const std::string err_path = *dir + "/httpok.err";
  ASSERT_THAT(WaitForFileContaining(err_path, "is in progress and one more is queued\" tick=TICK_5\n",
                                    kWaitTimeout),
              IsOk());
  EXPECT_THAT(ctl("status"), HasSubstr("STOPPING"));
  kill(before, SIGUSR1);
  // The restart ends; the TICK deferred during it is skipped, not checked.
  absl::StatusOr<std::string> err = WaitForFileContaining(
      err_path, "msg=\"TICK skipped: it arrived during a restart\" tick=TICK_5\n", kWaitTimeout);
  ASSERT_THAT(err, IsOk());
  EXPECT_THAT(ctl("status"), HasSubstr("RUNNING"));
  int after = 0;
  ASSERT_TRUE(absl::SimpleAtoi(ctl("pid"), &after));
  EXPECT_GT(after, 0);
  EXPECT_NE(after, before);
  // The listener goes on checking: a later TICK_5 makes a (passing) check.
  ASSERT_THAT(WaitFor([&] { return (*web)->requests().size() >= 2; }, kWaitTimeout,
                      "a check after the restart"),
              IsOk());

  const std::string log = (*sv)->ReadLog();
  EXPECT_THAT(log, Not(HasSubstr("UNKNOWN")));
  EXPECT_THAT(log, Not(HasSubstr("overflowed")));
  err = ReadFile(err_path);
  ASSERT_TRUE(err.ok());
  // The TICKs sent during the restart are skipped with `busy` lines.
  static const std::regex kBusy(".* reason=busy .*\n");
  // Exactly one restart.
  EXPECT_EQ(std::regex_replace(*err, kBusy, ""), "Restarting selected processes ['slow']\n"
                  "slow is in RUNNING state, restarting\n"
                  "slow restarted\n"
                  "Reason: httpok: " + url +
                      ": bad status returned (status contacting " + url +
                      ": 500 Internal Server Error)\n");
}

}  // namespace
}  // namespace testing
}  // namespace svl
