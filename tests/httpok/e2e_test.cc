// httpok end to end: a real supervisord runs httpok as an [eventlistener] on
// TICK_5 next to a program, `web`, whose health URL the test serves (an
// in-process HttpServer, bound to port 0, that the test makes healthy,
// failing (500), serving the wrong body or hung). Restarts must happen
// exactly when they should (the program's pid changes, and does not while
// healthy), `-E -p group:name` must select only that process of its group,
// and the sendmail stand-in must get the mail.
//
// Each test has its own supervisord, programs, server and directory, and
// waits for effects (a line in httpok's stderr log, a mail, a number of
// checks the server saw), never for a number of TICKs.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/http_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

// The binary under test, by its runfiles path.
constexpr char kHttpOk[] = "httpok/httpok";

using ::testing::HasSubstr;
using ::testing::Not;


class E2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
    ASSERT_TRUE(web.ok()) << web.status();
    web_ = *std::move(web);
    web_->SetResponse(MakeResponse(200, "OK", "all is well"));
    url_ = web_->Url("/health");
    absl::StatusOr<std::string> dir = MakeTestDir("e2e");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
  }

  // `web` (the watched program) and httpok watching url_ with `-t timeout`;
  // mails are appended to mails.txt.
  std::string WebAndHttpOk(const std::string& timeout) const {
    return absl::StrCat("[program:web]\ncommand=/bin/sleep 3600\nstartsecs=1\n",
                        "[eventlistener:httpok]\ncommand=", ListenerBinary(kHttpOk),
                        " -p web -b 'all is well' -t ", timeout, " -m ops@example.com",
                        " -s 'cat - >> ", dir_, "/mails.txt' ", url_,
                        "\nevents=TICK_5\nstderr_logfile=", dir_, "/httpok.err\n");
  }

  // Starts supervisord with `config` and waits until each of `programs` is
  // RUNNING.
  void StartSupervisord(const std::string& config, const std::vector<std::string>& programs) {
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    for (const std::string& name : programs) {
      ASSERT_THAT(
          sv_->WaitForLog(absl::StrCat("success: ", name, " entered RUNNING state"), kWaitTimeout),
          IsOk());
    }
  }

  int Pid(const std::string& name) const {
    absl::StatusOr<std::string> out = sv_->Ctl({"pid", name});
    int pid = 0;
    if (!out.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*out), &pid)) return -1;
    return pid;
  }

  // Waits until httpok's stderr log (written by supervisord) contains
  // `needle` and returns the log.
  absl::StatusOr<std::string> WaitForErr(const std::string& needle,
                                         const std::string& log = "httpok.err") const {
    return WaitForFileContaining(dir_ + "/" + log, needle, kWaitTimeout);
  }

  std::string Mails() const {
    absl::StatusOr<std::string> mails = ReadFile(dir_ + "/mails.txt");
    return mails.ok() ? *mails : "";
  }

  // Makes web's health check answer `response`, waits until httpok has
  // restarted web, and returns whether web's pid changed.
  bool RestartedAfter(const HttpResponse& response) {
    const int before = Pid("web");
    EXPECT_GT(before, 0);
    web_->SetResponse(response);
    // httpok writes this line once the restart is done (with -m, in the
    // "Mailed:" copy of the mail).
    EXPECT_THAT(WaitForErr("web restarted"), IsOk());
    const int after = Pid("web");
    EXPECT_GT(after, 0);
    return before != after;
  }

  std::unique_ptr<HttpServer> web_;
  std::string url_;
  std::string dir_;
  std::unique_ptr<Supervisord> sv_;
};

TEST_F(E2eTest, HealthyProgramIsLeftAlone) {
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(WebAndHttpOk("30"), {"web", "httpok"}));
  const int before = Pid("web");
  ASSERT_GT(before, 0);
  // httpok runs one check (and its restart and mail, if any) at a time: once
  // the third check has reached the server, the first two are fully handled.
  ASSERT_THAT(WaitFor([&] { return web_->requests().size() >= 3; }, kWaitTimeout,
                      "three health checks"),
              IsOk());
  EXPECT_EQ(Pid("web"), before);
  EXPECT_THAT(Mails(), Not(HasSubstr("Subject:")));
}

TEST_F(E2eTest, FailingProgramIsRestartedAndMailed) {
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(WebAndHttpOk("30"), {"web", "httpok"}));
  EXPECT_TRUE(RestartedAfter(MakeResponse(500, "Internal Server Error", "broken")));
  EXPECT_THAT(WaitForFileContaining(
                  dir_ + "/mails.txt",
                  absl::StrCat("To: ops@example.com\nSubject: httpok: ", url_,
                               ": bad status returned\n\nstatus contacting ", url_,
                               ": 500 Internal Server Error\n"
                               "Restarting selected processes ['web']\n"
                               "web is in RUNNING state, restarting\n"
                               "web restarted"),
                  kWaitTimeout),
              IsOk());
}

TEST_F(E2eTest, WrongBodyIsRestarted) {
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(WebAndHttpOk("30"), {"web", "httpok"}));
  EXPECT_TRUE(RestartedAfter(MakeResponse(200, "OK", "something else")));
  EXPECT_THAT(WaitForFileContaining(
                  dir_ + "/mails.txt",
                  absl::StrCat("\nSubject: httpok: ", url_, ": bad body returned\n"), kWaitTimeout),
              IsOk());
}

TEST_F(E2eTest, HungProgramIsRestarted) {
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(WebAndHttpOk("2"), {"web", "httpok"}));
  HttpResponse hang;
  hang.action = HttpResponse::Action::kHang;
  EXPECT_TRUE(RestartedAfter(hang));
  EXPECT_THAT(WaitForFileContaining(dir_ + "/mails.txt",
                                    absl::StrCat("\nSubject: httpok: ", url_,
                                                 ": bad status returned\n\nerror contacting ",
                                                 url_, ":\n\n "),
                                    kWaitTimeout),
              IsOk());
}

TEST_F(E2eTest, GroupNameSelectsOnlyThatProcess) {
  const std::string url = web_->Url("/");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(
      absl::StrCat("[program:pair]\ncommand=/bin/sleep 3600\n"
                   "process_name=%(program_name)s_%(process_num)d\nnumprocs=2\nstartsecs=1\n",
                   "[eventlistener:httpok_pair]\ncommand=", ListenerBinary(kHttpOk),
                   " -E -p pair:pair_1 -t 30 ", url, "\nevents=TICK_5\nstderr_logfile=", dir_,
                   "/httpok_pair.err\n"),
      {"pair_0", "pair_1", "httpok_pair"}));
  const int pair0 = Pid("pair:pair_0");
  const int pair1 = Pid("pair:pair_1");
  ASSERT_GT(pair0, 0);
  ASSERT_GT(pair1, 0);
  // httpok_pair (-E -p pair:pair_1) now sees its URL failing on every TICK.
  web_->SetResponse(MakeResponse(500, "Internal Server Error", "broken"));
  absl::StatusOr<std::string> err =
      WaitForErr("pair:pair_1 restarted\nReason: httpok: ", "httpok_pair.err");
  ASSERT_THAT(err, IsOk());
  EXPECT_THAT(*err, HasSubstr("Restarting selected processes ['pair:pair_1']\n"
                              "pair:pair_1 is in RUNNING state, restarting\n"
                              "pair:pair_1 restarted\n"
                              "Reason: httpok: "));
  EXPECT_THAT(*err, Not(HasSubstr("pair_0")));
  EXPECT_EQ(Pid("pair:pair_0"), pair0);
  const int pair1_after = Pid("pair:pair_1");
  EXPECT_GT(pair1_after, 0);
  EXPECT_NE(pair1_after, pair1);
}

}  // namespace
}  // namespace testing
}  // namespace svl
