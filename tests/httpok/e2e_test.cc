// httpok end to end: a real supervisord runs httpok as an [eventlistener] on
// TICK_5 next to a web program the test makes healthy, failing (500), serving
// the wrong body or hung (a small python http.server reading its behaviour
// from a control file). Restarts must happen exactly when they should (the
// program's pid changes, and does not while healthy), `-E -p group:name` must
// select only that process of its group, and the sendmail stand-in must get
// the mail. One supervisord is shared by all phases (a TICK_5 comes every 5 s).

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/httpok/httpok_runner.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kWebScript[] = R"(import http.server, sys, time
port, control = int(sys.argv[1]), sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            mode = open(control).read().strip()
        except OSError:
            mode = 'ok'
        if mode == 'hang':
            time.sleep(3600)
            return
        status, body = {'500': (500, b'broken'), 'body': (200, b'something else')}.get(
            mode, (200, b'all is well'))
        self.send_response(status)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()
)";

class E2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::string> dir = MakeTestDir("e2e");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = new std::string(*dir);
    ASSERT_TRUE(WriteFile(*dir_ + "/web.py", kWebScript).ok());
    ASSERT_TRUE(WriteFile(*dir_ + "/web.ctl", "ok").ok());
    ASSERT_TRUE(WriteFile(*dir_ + "/web2.ctl", "500").ok());
    absl::StatusOr<int> port = PickFreePort();
    absl::StatusOr<int> port2 = PickFreePort();
    ASSERT_TRUE(port.ok() && port2.ok());
    url_ = new std::string(absl::StrCat("http://127.0.0.1:", *port, "/health"));
    const std::string url2 = absl::StrCat("http://127.0.0.1:", *port2, "/");
    const std::string bin = HttpOkBinary();
    const std::string config = absl::StrCat(
        "[program:web]\ncommand=/usr/bin/python3 ", *dir_, "/web.py ", *port, " ", *dir_,
        "/web.ctl\nstartsecs=1\n",
        "[program:web2]\ncommand=/usr/bin/python3 ", *dir_, "/web.py ", *port2, " ", *dir_,
        "/web2.ctl\nstartsecs=1\n",
        "[program:pair]\ncommand=/bin/sleep 3600\nprocess_name=%(program_name)s_%(process_num)d\n"
        "numprocs=2\nstartsecs=1\n",
        "[eventlistener:httpok]\ncommand=", bin, " -p web -b 'all is well' -t 2 -m ops@example.com",
        " -s 'cat - >> ", *dir_, "/mails.txt' ", *url_, "\nevents=TICK_5\nstderr_logfile=", *dir_,
        "/httpok.err\n",
        "[eventlistener:httpok_pair]\ncommand=", bin, " -E -p pair:pair_1 -t 2 ", url2,
        "\nevents=TICK_5\nstderr_logfile=", *dir_, "/httpok_pair.err\n");
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = sv->release();
    for (const char* name : {"web", "web2", "pair_0", "pair_1", "httpok", "httpok_pair"}) {
      ASSERT_TRUE(
          sv_->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"), absl::Seconds(20))
              .ok())
          << name;
    }
  }

  static void TearDownTestSuite() {
    delete sv_;
    sv_ = nullptr;
  }

  static int Pid(const std::string& name) {
    absl::StatusOr<std::string> out = sv_->Ctl({"pid", name});
    int pid = 0;
    if (!out.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*out), &pid)) return -1;
    return pid;
  }

  // Waits until httpok has been sent `n` more TICKs, so that the first of them
  // has been fully handled (a listener gets the next event only after its
  // RESULT).
  static void WaitForTicks(int n) {
    const int target = sv_->CountInLog("sent to listener httpok\n") + n;
    const absl::Time deadline = absl::Now() + absl::Seconds(5 * n + 20);
    while (sv_->CountInLog("sent to listener httpok\n") < target && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(200));
    }
    ASSERT_GE(sv_->CountInLog("sent to listener httpok\n"), target) << sv_->ReadLog();
  }

  // Sets the web program's behaviour, lets two TICKs pass, and returns
  // whether its pid changed. Then makes it healthy again.
  static bool RestartedAfter(const std::string& mode) {
    EXPECT_TRUE(WriteFile(*dir_ + "/web.ctl", mode).ok());
    const int before = Pid("web");
    WaitForTicks(2);
    const int after = Pid("web");
    EXPECT_TRUE(WriteFile(*dir_ + "/web.ctl", "ok").ok());
    WaitForTicks(1);
    EXPECT_GT(before, 0);
    EXPECT_GT(after, 0);
    return before != after;
  }

  static std::string Mails() {
    absl::StatusOr<std::string> mails = ReadFile(*dir_ + "/mails.txt");
    return mails.ok() ? *mails : "";
  }

  static std::string* dir_;
  static std::string* url_;
  static Supervisord* sv_;
};

std::string* E2eTest::dir_ = nullptr;
std::string* E2eTest::url_ = nullptr;
Supervisord* E2eTest::sv_ = nullptr;

TEST_F(E2eTest, HealthyProgramIsLeftAlone) {
  const int before = Pid("web");
  WaitForTicks(2);
  EXPECT_EQ(Pid("web"), before);
  EXPECT_THAT(Mails(), Not(HasSubstr("Subject:")));
}

TEST_F(E2eTest, FailingProgramIsRestartedAndMailed) {
  EXPECT_TRUE(RestartedAfter("500"));
  EXPECT_THAT(Mails(), HasSubstr(absl::StrCat("To: ops@example.com\nSubject: httpok: ", *url_,
                                              ": bad status returned\n\nstatus contacting ", *url_,
                                              ": 500 Internal Server Error\n"
                                              "Restarting selected processes ['web']\n"
                                              "web is in RUNNING state, restarting\n"
                                              "web restarted")));
}

TEST_F(E2eTest, WrongBodyIsRestarted) {
  EXPECT_TRUE(RestartedAfter("body"));
  EXPECT_THAT(Mails(), HasSubstr(absl::StrCat("\nSubject: httpok: ", *url_, ": bad body returned\n")));
}

TEST_F(E2eTest, HungProgramIsRestarted) {
  const size_t mails_before = Mails().size();
  EXPECT_TRUE(RestartedAfter("hang"));
  const std::string mails = Mails().substr(mails_before);
  EXPECT_THAT(mails, HasSubstr(absl::StrCat("\nSubject: httpok: ", *url_,
                                            ": bad status returned\n\nerror contacting ", *url_,
                                            ":\n\n ")));
}

TEST_F(E2eTest, GroupNameSelectsOnlyThatProcess) {
  // httpok_pair (-E -p pair:pair_1) sees web2 failing on every TICK.
  const int pair0 = Pid("pair:pair_0");
  const int pair1 = Pid("pair:pair_1");
  WaitForTicks(2);
  EXPECT_EQ(Pid("pair:pair_0"), pair0);
  EXPECT_NE(Pid("pair:pair_1"), pair1);
  absl::StatusOr<std::string> err = ReadFile(*dir_ + "/httpok_pair.err");
  ASSERT_TRUE(err.ok());
  EXPECT_THAT(*err, HasSubstr("Restarting selected processes ['pair:pair_1']\n"
                              "pair:pair_1 is in RUNNING state, restarting\n"
                              "pair:pair_1 restarted\n"
                              "Reason: httpok: "));
  EXPECT_THAT(*err, Not(HasSubstr("pair_0")));
}

}  // namespace
}  // namespace testing
}  // namespace svl
