// Every test of superlance/tests/test_httpok.py (httpok-upstream.md §5), run
// black-box against the real httpok binary: a real HTTP server on loopback
// (its URL replaces upstream's http://foo/bar in the expected bytes), upstream's
// dummy supervisord as a real XML-RPC server (FakeSupervisor: same processes,
// same order, same faults; the RPC calls it records are compared), the
// sendmail stand-in `cat - > FILE`, and stdin = one event then EOF.
//
// Deliberate differences from upstream, each by issue 5:
//   - stdout is READY\nRESULT 2\nOKREADY\n (we say READY again before EOF);
//   - RPC: a healthy eager TICK makes no call (upstream: getAllProcessInfo),
//     the not-eager gate asks getProcessInfo per -p entry, and acting asks
//     getProcessInfo per -p entry too (the whole list only for -a, group:*
//     and a bare name that is not `name:name`, such as baz_01 or FAILED);
//   - the processes found one by one are treated in supervisord's order
//     (group, then name: bar before foo), which the dummy's table is not in;
//   - "the request raises" is a refused connection (a closed local port); the
//     error text after "error contacting URL:\n\n " is ours (one line);
//   - without -m a `Reason: ...` line follows the action lines.
// Then one test per upstream bug fixed (Fixed*).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_supervisor.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/http_server.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/thread_syscall.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

// The binary under test, by its runfiles path.
constexpr char kHttpOk[] = "httpok/httpok";

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kTick[] = "eventname:TICK len:0\n";
constexpr char kStdout[] = "READY\nRESULT 2\nOKREADY\n";
constexpr char kEmail[] = "chrism@plope.com";

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n');
}

// The error text httpok wrote after "error contacting <url>:\n\n " (one line).
std::string ErrorText(const std::string& err, const std::string& url) {
  const std::string marker = absl::StrCat("error contacting ", url, ":\n\n ");
  size_t at = err.find(marker);
  if (at == std::string::npos) return "<no error text>";
  at += marker.size();
  return err.substr(at, err.find('\n', at) - at);
}

class UpstreamTest : public ::testing::Test {
 protected:
  void SetUp() override { StartSupervisor(UpstreamFixture()); }

  void StartSupervisor(std::vector<FakeProcess> processes) {
    absl::StatusOr<std::unique_ptr<FakeSupervisor>> sv = FakeSupervisor::Start(std::move(processes));
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
    ASSERT_TRUE(web.ok()) << web.status();
    web_ = *std::move(web);
    url_ = web_->Url("/bar");
    absl::StatusOr<std::string> dir = MakeTestDir("upstream");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    mail_file_ = dir_ + "/mail.txt";
    absl::StatusOr<std::unique_ptr<RefusedPort>> closed = RefusedPort::Bind();
    ASSERT_TRUE(closed.ok()) << closed.status();
    closed_ = *std::move(closed);
  }

  // A URL on a port that refuses connections while the test runs.
  std::string ClosedUrl() const { return closed_->Url("/bar"); }

  void Respond(int status, const std::string& reason, const std::string& body = "OK") {
    HttpResponse response;
    response.status = status;
    response.reason = reason;
    response.body = body;
    web_->SetResponse(response);
  }

  // Runs httpok with `args` (the URL is appended) and the sendmail stand-in.
  RunResult Run(std::vector<std::string> args, const std::string& url,
                const std::string& input = kTick,
                std::vector<std::pair<std::string, std::string>> env = {}) {
    std::vector<std::string> full = {"-s", absl::StrCat("cat - > ", mail_file_)};
    full.insert(full.end(), args.begin(), args.end());
    full.push_back(url);
    env.push_back({"SUPERVISOR_SERVER_URL", sv_->url()});
    absl::StatusOr<RunResult> result = RunListener(kHttpOk, full, env, input);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RunResult{};
  }

  // Starts httpok like Run(), for a test that acts while it runs.
  std::unique_ptr<ListenerSession> StartSession(std::vector<std::string> args,
                                              const std::string& url) {
    std::vector<std::string> full = {"-s", absl::StrCat("cat - > ", mail_file_)};
    full.insert(full.end(), args.begin(), args.end());
    full.push_back(url);
    absl::StatusOr<std::unique_ptr<ListenerSession>> session =
        ListenerSession::Start(kHttpOk, full, {{"SUPERVISOR_SERVER_URL", sv_->url()}});
    EXPECT_TRUE(session.ok()) << session.status();
    return session.ok() ? *std::move(session) : nullptr;
  }

  // Waits until httpok pauses (nanosleep) before retrying a refused
  // connection: then at least one attempt was refused.
  static absl::Status WaitForRefusedAttempt(const ListenerSession& session) {
    return WaitFor([&] { return AnyThreadSleeping(session.pid()); }, kWaitTimeout,
                   "httpok to pause after a refused connection");
  }

  std::string Mail() {
    absl::StatusOr<std::string> mail = ReadFile(mail_file_);
    return mail.ok() ? *mail : "<no mail>";
  }
  bool Mailed() { return ReadFile(mail_file_).ok(); }

  std::unique_ptr<FakeSupervisor> sv_;
  std::unique_ptr<HttpServer> web_;
  std::string url_;
  std::string dir_;
  std::string mail_file_;
  std::unique_ptr<RefusedPort> closed_;
};

// 1-4: upstream's listProcesses() is the not-eager gate here.
TEST_F(UpstreamTest, ListProcessesNoPrograms) {
  RunResult r = Run({"-E"}, url_);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(web_->requests(), IsEmpty());
  EXPECT_THAT(sv_->calls(), IsEmpty());
}

TEST_F(UpstreamTest, ListProcessesWRunningProgramsDefaultState) {
  RunResult r = Run({"-E", "-p", "foo"}, url_);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(web_->requests().size(), 1u);
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('foo')"));
}

TEST_F(UpstreamTest, ListProcessesWNonRunningProgramsDefaultState) {
  // bar (FATAL) is found, just not RUNNING.
  Respond(500, "Internal Server Error");
  RunResult r = Run({"-p", "bar"}, url_);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, absl::StrCat("Restarting selected processes ['bar']\n"
                                "bar not in RUNNING state, NOT restarting\n"
                                "Reason: httpok: ", url_, ": bad status returned (status contacting ",
                                url_, ": 500 Internal Server Error)\n"));
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('bar')"));
}

TEST_F(UpstreamTest, ListProcessesWNonRunningProgramsRunningState) {
  RunResult r = Run({"-E", "-p", "bar"}, url_);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(web_->requests(), IsEmpty());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('bar')"));
}

TEST_F(UpstreamTest, RunforeverEagerNotatick) {
  RunResult r = Run({"-p", "foo", "-p", "bar", "-p", "baz_01"}, url_, "eventname:NOTATICK len:0\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_THAT(web_->requests(), IsEmpty());
}

TEST_F(UpstreamTest, RunforeverDoesntActIfStatusIsExpected) {
  for (const auto& [status, reason] : {std::pair<int, std::string>{200, "OK"}, {201, "Created"}}) {
    Respond(status, reason);
    RunResult r = Run({"-p", "foo", "-c", "200", "-c", "201"}, url_);
    EXPECT_EQ(r.out, kStdout);
    EXPECT_EQ(r.err, "");
  }
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_FALSE(Mailed());
}

TEST_F(UpstreamTest, RunforeverActsIfStatusIsUnexpected) {
  Respond(500, "Internal Server Error");
  RunResult r = Run({"-p", "foo", "-m", kEmail}, url_);
  EXPECT_EQ(r.out, kStdout);
  const std::string mail = absl::StrCat(
      "To: chrism@plope.com\nSubject: httpok: ", url_, ": bad status returned\n\n",
      "status contacting ", url_, ": 500 Internal Server Error\n",
      "Restarting selected processes ['foo']\nfoo is in RUNNING state, restarting\nfoo restarted");
  EXPECT_EQ(r.err, absl::StrCat("Restarting selected processes ['foo']\n"
                                "foo is in RUNNING state, restarting\n"
                                "foo restarted\n"
                                "Mailed:\n\n",
                                mail, "\n"));
  EXPECT_EQ(Mail(), mail);
  EXPECT_EQ(Lines(mail).size(), 7u);
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getProcessInfo('foo')", "stopProcess('foo')", "startProcess('foo')"));
}

TEST_F(UpstreamTest, RunforeverDoesntActIfInbodyIsPresent) {
  Respond(200, "OK", "It works");
  RunResult r = Run({"-p", "foo", "-b", "works", "-m", kEmail}, url_);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_FALSE(Mailed());
}

TEST_F(UpstreamTest, RunforeverActsIfInbodyIsntPresent) {
  Respond(200, "OK", "Some kind of error");
  RunResult r = Run({"-p", "foo", "-b", "works", "-m", kEmail}, url_);
  EXPECT_EQ(r.out, kStdout);
  const std::string mail = absl::StrCat(
      "To: chrism@plope.com\nSubject: httpok: ", url_, ": bad body returned\n\n",
      "status contacting ", url_, ": 200 OK\n",
      "Restarting selected processes ['foo']\nfoo is in RUNNING state, restarting\nfoo restarted");
  EXPECT_EQ(r.err, absl::StrCat("Restarting selected processes ['foo']\n"
                                "foo is in RUNNING state, restarting\n"
                                "foo restarted\n"
                                "Mailed:\n\n",
                                mail, "\n"));
  EXPECT_EQ(Mail(), mail);
  EXPECT_EQ(Lines(mail).size(), 7u);
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getProcessInfo('foo')", "stopProcess('foo')", "startProcess('foo')"));
}

// The common shape of the "request raises" cases: the action lines, then the
// Mailed: dump of a mail made of the subject, the error and the same lines.
void ExpectActed(const RunResult& r, const std::string& mail_text, const std::string& url,
                 const std::string& subject, const std::string& lines, size_t mail_lines) {
  EXPECT_EQ(r.out, kStdout);
  const std::string error = ErrorText(r.err, url);
  EXPECT_THAT(error, ::testing::Not(HasSubstr("\n")));
  EXPECT_NE(error, "");
  const std::string mail = absl::StrCat("To: chrism@plope.com\nSubject: ", subject, "\n\n",
                                        "error contacting ", url, ":\n\n ", error, "\n", lines);
  EXPECT_EQ(r.err, absl::StrCat(lines, "\nMailed:\n\n", mail, "\n"));
  EXPECT_EQ(mail_text, mail);
  EXPECT_EQ(Lines(mail).size(), mail_lines);
}

TEST_F(UpstreamTest, RunforeverEagerErrorOnRequestSome) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-p", "foo", "-p", "bar", "-p", "baz_01", "-p", "notexisting", "-m", kEmail,
                     "-t", "1"},
                    url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting selected processes ['foo', 'bar', 'baz_01', 'notexisting']\n"
              "foo is in RUNNING state, restarting\n"
              "foo restarted\n"
              "bar not in RUNNING state, NOT restarting\n"
              "baz:baz_01 not in RUNNING state, NOT restarting\n"
              "Programs not restarted because they did not exist: ['notexisting']",
              12);
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getProcessInfo('foo')", "getProcessInfo('bar')",
                          "getProcessInfo('baz_01')", "getAllProcessInfo()",
                          "stopProcess('foo')", "startProcess('foo')"));
}

TEST_F(UpstreamTest, RunforeverEagerErrorOnRequestAny) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-a", "-m", kEmail, "-t", "1"}, url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting all running processes\n"
              "foo is in RUNNING state, restarting\n"
              "foo restarted\n"
              "bar not in RUNNING state, NOT restarting\n"
              "baz:baz_01 not in RUNNING state, NOT restarting",
              11);
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getAllProcessInfo()", "stopProcess('foo')", "startProcess('foo')"));
}

TEST_F(UpstreamTest, RunforeverEagerErrorOnProcessStop) {
  StartSupervisor(UpstreamFailFixture());
  const std::string url = ClosedUrl();
  RunResult r = Run({"-p", "FAILED", "-m", kEmail, "-t", "1"}, url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting selected processes ['FAILED']\n"
              "foo:FAILED is in RUNNING state, restarting\n"
              "Failed to stop process foo:FAILED: <Fault 30: 'FAILED'>\n"
              "foo:FAILED restarted",
              10);
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('FAILED')", "getAllProcessInfo()", "stopProcess('foo:FAILED')",
                                        "startProcess('foo:FAILED')"));
}

TEST_F(UpstreamTest, RunforeverEagerErrorOnProcessStart) {
  StartSupervisor(UpstreamFailFixture());
  const std::string url = ClosedUrl();
  RunResult r = Run({"-p", "SPAWN_ERROR", "-m", kEmail, "-t", "1"}, url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting selected processes ['SPAWN_ERROR']\n"
              "foo:SPAWN_ERROR is in RUNNING state, restarting\n"
              "Failed to start process foo:SPAWN_ERROR: <Fault 50: 'SPAWN_ERROR'>",
              9);
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('SPAWN_ERROR')", "getAllProcessInfo()", "stopProcess('foo:SPAWN_ERROR')",
                                        "startProcess('foo:SPAWN_ERROR')"));
}

TEST_F(UpstreamTest, RunforeverEagerGcore) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-p", "foo", "-p", "bar", "-p", "baz_01", "-p", "notexisting", "-m", kEmail,
                     "-t", "1", "-g", "true", "-d", dir_},
                    url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting selected processes ['foo', 'bar', 'baz_01', 'notexisting']\n"
              "gcore output for foo:\n"
              "\n"
              " \n"
              "foo is in RUNNING state, restarting\n"
              "foo restarted\n"
              "bar not in RUNNING state, NOT restarting\n"
              "baz:baz_01 not in RUNNING state, NOT restarting\n"
              "Programs not restarted because they did not exist: ['notexisting']",
              15);
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getProcessInfo('foo')", "getProcessInfo('bar')",
                          "getProcessInfo('baz_01')", "getAllProcessInfo()",
                          "stopProcess('foo')", "startProcess('foo')"));
}

TEST_F(UpstreamTest, RunforeverNotEagerNoneRunning) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-E", "-p", "bar", "-p", "baz_01", "-g", "true", "-d", dir_, "-m", kEmail,
                     "-t", "1"},
                    url);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_FALSE(Mailed());
  // baz_01 is not baz_01:baz_01, so it is looked for in every group.
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('bar')", "getProcessInfo('baz_01')",
                                        "getAllProcessInfo()"));
}

TEST_F(UpstreamTest, RunforeverNotEagerRunning) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-E", "-p", "foo", "-p", "bar", "-m", kEmail, "-t", "1"}, url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting selected processes ['foo', 'bar']\n"
              "bar not in RUNNING state, NOT restarting\n"
              "foo is in RUNNING state, restarting\n"
              "foo restarted",
              10);
  // The gate's getProcessInfo('foo') finds it RUNNING; acting asks for each name.
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('foo')", "getProcessInfo('foo')",
                                        "getProcessInfo('bar')", "stopProcess('foo')",
                                        "startProcess('foo')"));
}

// A server on a port that refuses connections until ServeOnce(): it then
// listens on the same (held) socket and answers one request 200 OK.
class LateServer {
 public:
  LateServer() {
    absl::StatusOr<std::unique_ptr<RefusedPort>> port = RefusedPort::Bind();
    EXPECT_TRUE(port.ok()) << port.status();
    if (port.ok()) port_ = *std::move(port);
  }
  ~LateServer() {
    if (thread_.joinable()) thread_.join();
  }
  std::string Url() const { return port_ == nullptr ? "http://127.0.0.1:1/bar" : port_->Url("/bar"); }
  int accepted() const { return accepted_; }

  void ServeOnce() {
    absl::StatusOr<int> fd = port_->Listen();
    ASSERT_TRUE(fd.ok()) << fd.status();
    thread_ = std::thread([this, fd = *fd] {
      pollfd pfd = {fd, POLLIN, 0};
      if (poll(&pfd, 1, 60000) != 1) return;  // httpok never came: do not hang the test
      int conn = accept(fd, nullptr, nullptr);
      if (conn < 0) return;
      ++accepted_;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(conn, buffer, sizeof(buffer));
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
      }
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK";
      ssize_t written = write(conn, response.data(), response.size());
      (void)written;
      close(conn);
    });
  }

 private:
  std::unique_ptr<RefusedPort> port_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

TEST_F(UpstreamTest, RunforeverHonorTimeoutOnConnrefused) {
  // The server comes up once httpok has been refused and pauses to retry;
  // -t leaves far more than the time that takes.
  LateServer late;
  std::unique_ptr<ListenerSession> s = StartSession(
      {"-E", "-p", "foo", "-p", "bar", "-t", "60", "--retry-interval", "0.1"}, late.Url());
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_THAT(WaitForRefusedAttempt(*s), IsOk());
  late.ServeOnce();
  RunResult r = s->Finish();
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(late.accepted(), 1);
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('foo')"));
}

TEST_F(UpstreamTest, RunforeverConnrefusedError) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-E", "-p", "foo", "-p", "bar", "-m", kEmail, "-t", "1",
                     "--retry-interval", "0"},
                    url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting selected processes ['foo', 'bar']\n"
              "bar not in RUNNING state, NOT restarting\n"
              "foo is in RUNNING state, restarting\n"
              "foo restarted",
              10);
}

TEST_F(UpstreamTest, Bug110) {
  // timeout 1 < retry interval 10: still exactly one attempt.
  const std::string url = ClosedUrl();
  RunResult r = Run({"-E", "-p", "foo", "-m", kEmail, "-t", "1"}, url);
  ExpectActed(r, Mail(), url, absl::StrCat("httpok: ", url, ": bad status returned"),
              "Restarting selected processes ['foo']\n"
              "foo is in RUNNING state, restarting\n"
              "foo restarted",
              9);
}

TEST_F(UpstreamTest, SubjectNoName) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-E", "-p", "foo", "-p", "bar", "-m", kEmail, "-t", "1"}, url);
  std::vector<std::string> mail = Lines(Mail());
  ASSERT_EQ(mail.size(), 10u);
  EXPECT_EQ(mail[1], absl::StrCat("Subject: httpok: ", url, ": bad status returned"));
  EXPECT_EQ(mail[3], absl::StrCat("error contacting ", url, ":"));
  EXPECT_EQ(mail[4], "");
  EXPECT_THAT(mail[5], StartsWith(" "));
}

TEST_F(UpstreamTest, SubjectWithName) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-E", "-p", "foo", "-p", "bar", "-m", kEmail, "-t", "1", "-n", "thinko"}, url);
  std::vector<std::string> mail = Lines(Mail());
  ASSERT_EQ(mail.size(), 10u);
  EXPECT_EQ(mail[1], absl::StrCat("Subject: httpok [thinko]: ", url, ": bad status returned"));
}

// ---- The upstream bugs fixed by issue 5 ----

TEST_F(UpstreamTest, FixedBodyCheckWorks) {
  HttpResponse response;
  response.body = std::string(5000, 'x') + "works" + std::string(5000, 'y');
  response.drip_bytes = 4096;  // arrives in pieces
  response.drip_interval = absl::Milliseconds(10);
  web_->SetResponse(response);
  RunResult r = Run({"-p", "foo", "-b", "works"}, url_);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  Respond(200, "OK", "no match here");
  r = Run({"-p", "foo", "-b", "works"}, url_);
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("foo restarted\nReason: httpok: ", url_,
                                            ": bad body returned (status contacting ", url_,
                                            ": 200 OK)\n")));
}

TEST_F(UpstreamTest, FixedAnyNeverRestartsItself) {
  const std::string url = ClosedUrl();
  RunResult r = Run({"-a", "-t", "1"}, url, kTick,
                    {{"SUPERVISOR_GROUP_NAME", "foo"}, {"SUPERVISOR_PROCESS_NAME", "foo"}});
  EXPECT_EQ(r.out, kStdout);
  EXPECT_THAT(r.err, StartsWith("Restarting all running processes\n"
                                "bar not in RUNNING state, NOT restarting\n"
                                "baz:baz_01 not in RUNNING state, NOT restarting\n"
                                "Reason: "));
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
}

TEST_F(UpstreamTest, FixedNotEagerSeesGroupName) {
  StartSupervisor(UpstreamFailFixture());
  Respond(500, "Internal Server Error");
  RunResult r = Run({"-E", "-p", "foo:FAILED"}, url_);
  EXPECT_EQ(web_->requests().size(), 1u);
  EXPECT_THAT(r.err, StartsWith("Restarting selected processes ['foo:FAILED']\n"
                                "foo:FAILED is in RUNNING state, restarting\n"));
  // -a -E: any RUNNING process opens the gate.
  r = Run({"-E", "-a"}, url_);
  EXPECT_EQ(web_->requests().size(), 2u);
}

TEST_F(UpstreamTest, FixedGcoreNeverUsesAShell) {
  const std::string name = "x$(touch${IFS}PWNED)`touch${IFS}PWNED2`";
  StartSupervisor({{name, "g", 4242, 20, "RUNNING", ""}});
  Respond(500, "Internal Server Error");
  RunResult r = Run({"-p", absl::StrCat("g:", name), "-g", "echo core:", "-d", dir_}, url_);
  EXPECT_THAT(r.err, StartsWith(absl::StrCat("Restarting selected processes ['g:", name, "']\n",
                                             "gcore output for g:", name, ":\n\n core: ", dir_,
                                             "/g:", name, " 4242\n\n")));
  EXPECT_FALSE(ReadFile(dir_ + "/PWNED").ok());
  EXPECT_FALSE(ReadFile("PWNED").ok());
  EXPECT_FALSE(ReadFile("PWNED2").ok());
}

TEST_F(UpstreamTest, FixedTimeoutIsATotalDeadline) {
  // 1 byte every 100 ms for 100 s: no single read ever waits long, but the
  // whole check must end at -t.
  HttpResponse response;
  response.body = std::string(1000, 'x');
  response.drip_bytes = 1;
  response.drip_interval = absl::Milliseconds(100);
  web_->SetResponse(response);
  absl::StatusOr<RunResult> r =
      RunListener(kHttpOk, {"-p", "foo", "-t", "0.5", url_},
                  {{"SUPERVISOR_SERVER_URL", sv_->url()}}, kTick, absl::Seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->out, kStdout);
  EXPECT_THAT(r->err, HasSubstr(absl::StrCat("Reason: httpok: ", url_,
                                             ": bad status returned (error contacting ", url_, ": ")));
}

TEST_F(UpstreamTest, FixedRefusedIsRetriedWithAFreshConnection) {
  LateServer late;
  std::unique_ptr<ListenerSession> s =
      StartSession({"-p", "foo", "-t", "60", "--retry-interval", "0.1"}, late.Url());
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->Send(kTick));
  ASSERT_THAT(WaitForRefusedAttempt(*s), IsOk());
  late.ServeOnce();
  RunResult r = s->Finish();
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(late.accepted(), 1);
  EXPECT_THAT(sv_->calls(), IsEmpty());
}

TEST_F(UpstreamTest, FixedBadUrlRejectedBeforeReady) {
  for (const std::string url : {"ftp://foo/bar", "localhost:8080/foo", "http://h:port/"}) {
    RunResult r = Run({"-p", "foo"}, url);
    EXPECT_EQ(r.exit_code, 255) << url;
    EXPECT_EQ(r.out, "") << url;
    EXPECT_THAT(r.err, StartsWith(absl::StrCat("httpok: URL '", url, "': "))) << url;
  }
  RunResult r = Run({"-t", "0"}, url_);
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("httpok: option -t: '0' is not a positive number of seconds\n"));
  r = Run({"--cacert", dir_ + "/missing.pem"}, "https://127.0.0.1:1/");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("httpok: "));
  EXPECT_THAT(Lines(r.err)[0], HasSubstr("missing.pem"));
}

TEST_F(UpstreamTest, FixedRpcErrorDoesNotCrash) {
  sv_->SetBroken(true);
  Respond(500, "Internal Server Error");
  RunResult r = Run({"-p", "foo", "-m", kEmail}, url_,
                    absl::StrCat(kTick, "eventname:TICK_5 len:0\n"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  EXPECT_THAT(r.err, StartsWith("Exception retrieving process info "));
  EXPECT_THAT(Lines(r.err)[0], ::testing::EndsWith(", not acting"));
  EXPECT_FALSE(Mailed());
}

TEST_F(UpstreamTest, FixedSendmailFailureDoesNotCrash) {
  Respond(500, "Internal Server Error");
  absl::StatusOr<RunResult> r = RunListener(kHttpOk,
      {"-p", "foo", "-m", kEmail, "-s", "echo no such mailer >&2; exit 3", url_},
      {{"SUPERVISOR_SERVER_URL", sv_->url()}}, absl::StrCat(kTick, kTick));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  EXPECT_THAT(r->err, HasSubstr("foo restarted\nFailed to send mail: "));
  EXPECT_THAT(r->err, HasSubstr(absl::StrCat("\nReason: httpok: ", url_, ": bad status returned")));
}

TEST_F(UpstreamTest, FixedReasonLoggedWithoutMail) {
  Respond(503, "Service Unavailable");
  RunResult r = Run({"-p", "foo"}, url_);
  EXPECT_EQ(r.out, kStdout);
  EXPECT_EQ(r.err, absl::StrCat("Restarting selected processes ['foo']\n"
                                "foo is in RUNNING state, restarting\n"
                                "foo restarted\n"
                                "Reason: httpok: ", url_, ": bad status returned (status contacting ",
                                url_, ": 503 Service Unavailable)\n"));
}

// Upstream wrote the Mailed: dump without a final newline, so the first line
// of the next incident was glued to the mail's last line on stderr.
TEST_F(UpstreamTest, FixedMailedDumpEndsWithNewline) {
  Respond(500, "Internal Server Error");
  RunResult r = Run({"-p", "foo", "-m", kEmail}, url_, absl::StrCat(kTick, kTick));
  EXPECT_EQ(r.out, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
  EXPECT_THAT(r.err, HasSubstr("\nfoo restarted\nRestarting selected processes ['foo']\n"));
  EXPECT_THAT(r.err, EndsWith("\nfoo restarted\n"));
}

// ---- Recommended extra black-box cases (httpok-upstream.md §5) ----

TEST_F(UpstreamTest, HelpPrintsUsageOnStdout) {
  absl::StatusOr<RunResult> r = RunListener(kHttpOk, {"-h"}, {}, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_THAT(r->out, StartsWith("usage: httpok [options] URL\n"));
  EXPECT_EQ(r->err, "");
}

TEST_F(UpstreamTest, UsageErrorsGoToStderrWithExit255) {
  absl::StatusOr<RunResult> r =
      RunListener(kHttpOk, {"-p", "foo"}, {{"SUPERVISOR_SERVER_URL", sv_->url()}}, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 255);
  EXPECT_EQ(r->out, "");
  EXPECT_THAT(r->err, StartsWith("httpok: no URL given\nusage: httpok [options] URL\n"));
  r = RunListener(kHttpOk, {url_, "-p", "foo"}, {{"SUPERVISOR_SERVER_URL", sv_->url()}}, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 255);
  EXPECT_EQ(r->out, "");
}

TEST_F(UpstreamTest, NotUnderSupervisord) {
  absl::StatusOr<RunResult> r = RunListener(kHttpOk, {"-p", "foo", url_}, {}, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->out, "");
  EXPECT_EQ(r->err, "httpok must be run as a supervisor event listener\n");
}

TEST_F(UpstreamTest, EofBetweenEventsEndsCleanly) {
  RunResult r = Run({"-p", "foo"}, url_, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "READY\n");
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace testing
}  // namespace svl
