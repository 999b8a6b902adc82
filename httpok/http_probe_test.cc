#include "httpok/http_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>


#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_server.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/thread_syscall.h"
#include "tests/testing/wait_for.h"

extern char** environ;

namespace svl {
namespace httpok {
namespace {

using ::svl::testing::HttpRequest;
using ::svl::testing::HttpResponse;
using ::svl::testing::HttpServer;
using ::svl::testing::IsOk;
using ::svl::testing::RefusedPort;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<HttpServer> StartServer(absl::string_view host = "127.0.0.1") {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(host);
  EXPECT_THAT(server.status(), IsOk());
  return server.ok() ? std::move(*server) : nullptr;
}

ProbeResult CheckOnce(ProbeOptions options) {
  absl::StatusOr<std::unique_ptr<CurlProbe>> probe = CurlProbe::Create(std::move(options));
  EXPECT_THAT(probe.status(), IsOk());
  if (!probe.ok()) return ProbeResult();
  return (*probe)->Check();
}

HttpResponse Respond(int status, std::string reason, std::string body) {
  HttpResponse response;
  response.status = status;
  response.reason = std::move(reason);
  response.body = std::move(body);
  return response;
}

// ---------------------------------------------------------------------------
// The request on the wire and the response as read.

TEST(CurlProbeTest, SendsUpstreamRequestBytesWithoutFragment) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ProbeOptions options;
  options.url = server->Url("/a/b?x=1&y=2#frag");
  ProbeResult result = CheckOnce(options);

  EXPECT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.reason, "OK");
  EXPECT_EQ(result.body, "OK");
  EXPECT_FALSE(result.body_truncated);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kNone);
  EXPECT_EQ(result.attempts, 1);
  std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  // curl adds `Accept: */*`; upstream sent `Accept-Encoding: identity`.
  EXPECT_EQ(requests[0].raw_head,
            absl::StrCat("GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: 127.0.0.1:", server->port(),
                         "\r\nUser-Agent: httpok\r\nAccept: */*\r\n\r\n"));
}

TEST(CurlProbeTest, EmptyPathBecomesSlash) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ProbeOptions options;
  options.url = absl::StrCat("http://127.0.0.1:", server->port());
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].target, "/");
}

TEST(CurlProbeTest, EachCheckUsesANewConnection) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ProbeOptions options;
  options.url = server->Url("/");
  absl::StatusOr<std::unique_ptr<CurlProbe>> probe = CurlProbe::Create(options);
  ASSERT_THAT(probe.status(), IsOk());
  EXPECT_TRUE((*probe)->Check().responded);
  EXPECT_TRUE((*probe)->Check().responded);
  EXPECT_EQ(server->requests().size(), 2u);
  EXPECT_EQ(server->connections(), 2);
}

struct StatusCase {
  int status;
  std::string reason;
  std::string body;
};

class StatusLineTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(StatusLineTest, ReportsStatusReasonAndBody) {
  const StatusCase& c = GetParam();
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetResponse(Respond(c.status, c.reason, c.body));
  ProbeOptions options;
  options.url = server->Url("/health");
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, c.status);
  EXPECT_EQ(result.reason, c.reason);
  EXPECT_EQ(result.body, c.body);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kNone);
}

INSTANTIATE_TEST_SUITE_P(
    Responses, StatusLineTest,
    ::testing::Values(StatusCase{200, "OK", "fine"},
                      StatusCase{500, "Internal Server Error", "boom"},
                      StatusCase{404, "Not Found", ""},
                      StatusCase{204, "", ""},  // "HTTP/1.1 204 \r\n": empty reason
                      StatusCase{503, "Service  Unavailable (maintenance)", "x"},
                      StatusCase{299, "Custom", std::string("a\0b", 3)}));

TEST(CurlProbeTest, RedirectIsAStatusNotFollowed) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse redirect = Respond(302, "Found", "moved");
  redirect.headers = {{"Location", "/elsewhere"}};
  server->SetResponse(redirect);
  ProbeOptions options;
  options.url = server->Url("/");
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(result.reason, "Found");
  EXPECT_EQ(result.body, "moved");
  EXPECT_EQ(server->requests().size(), 1u);
}

TEST(CurlProbeTest, RedirectFollowedWithMaxRedirects) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetHandler([](const HttpRequest& request) {
    if (request.target == "/final") return Respond(200, "Fine", "final body");
    HttpResponse redirect = Respond(301, "Moved Permanently", "moved");
    redirect.headers = {{"Location", "/final"}};
    return redirect;
  });
  ProbeOptions options;
  options.url = server->Url("/start");
  options.max_redirects = 1;
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.reason, "Fine");
  EXPECT_EQ(result.body, "final body");
  std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/final");
}

// ---------------------------------------------------------------------------
// Body cap.

struct CapCase {
  std::size_t body_size;
  std::size_t cap;
  bool truncated;
};

class BodyCapTest : public ::testing::TestWithParam<CapCase> {};

TEST_P(BodyCapTest, KeepsFirstMaxBodyBytes) {
  const CapCase& c = GetParam();
  std::string body;
  for (std::size_t i = 0; i < c.body_size; ++i) body.push_back(static_cast<char>('a' + i % 26));
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  server->SetResponse(Respond(200, "OK", body));
  ProbeOptions options;
  options.url = server->Url("/");
  options.max_body_bytes = c.cap;
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body_truncated, c.truncated);
  EXPECT_EQ(result.body, body.substr(0, c.cap));
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kNone);
}

INSTANTIATE_TEST_SUITE_P(Sizes, BodyCapTest,
                         ::testing::Values(CapCase{99, 100, false}, CapCase{100, 100, false},
                                           CapCase{101, 100, true}, CapCase{100000, 100, true},
                                           CapCase{1, 0, true}, CapCase{0, 0, false},
                                           CapCase{3 * kDefaultMaxBodyBytes, kDefaultMaxBodyBytes,
                                                   true}));

TEST(CurlProbeTest, SlowDripBodyStopsAtTheCapNotTheEnd) {
  // 100 KB at 100 bytes per 100 ms would take 100 s: far past the 20 s
  // timeout. Stopping at the cap answers at once.
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse response = Respond(200, "OK", std::string(100000, 'd'));
  response.drip_bytes = 100;
  response.drip_interval = absl::Milliseconds(100);
  server->SetResponse(response);
  ProbeOptions options;
  options.url = server->Url("/");
  options.timeout = absl::Seconds(20);
  options.max_body_bytes = 250;
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_TRUE(result.body_truncated);
  EXPECT_EQ(result.body, std::string(250, 'd'));
}

// ---------------------------------------------------------------------------
// Deadline.

TEST(CurlProbeTest, HangingServerIsATimeout) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse hang;
  hang.action = HttpResponse::Action::kHang;
  server->SetResponse(hang);
  ProbeOptions options;
  options.url = server->Url("/");
  options.timeout = absl::Milliseconds(500);
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kTimeout);
  EXPECT_THAT(result.error, HasSubstr("timed out"));
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(result.body, "");
}

TEST(CurlProbeTest, SlowDripPastTheDeadlineIsATimeout) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse response = Respond(200, "OK", std::string(100, 'd'));
  response.drip_bytes = 1;
  response.drip_interval = absl::Milliseconds(100);
  server->SetResponse(response);
  ProbeOptions options;
  options.url = server->Url("/");
  options.timeout = absl::Milliseconds(500);
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kTimeout);
  EXPECT_THAT(result.error, HasSubstr("timed out"));
}

TEST(CurlProbeTest, ClosedWithoutResponseIsAnError) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpResponse close;
  close.action = HttpResponse::Action::kCloseImmediately;
  server->SetResponse(close);
  ProbeOptions options;
  options.url = server->Url("/");
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kOther);
  EXPECT_EQ(result.error, "Empty reply from server");
  EXPECT_EQ(result.attempts, 1);  // only refused connections are retried
}

// ---------------------------------------------------------------------------
// Refused connections.

TEST(CurlProbeTest, RefusedIsRetriedUntilTheDeadline) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused.status(), IsOk());
  ProbeOptions options;
  options.url = (*refused)->Url("/");
  // Room for many retries even if this thread is not scheduled for seconds.
  options.timeout = absl::Seconds(5);
  options.retry_interval = absl::Milliseconds(100);
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kRefused);
  EXPECT_THAT(result.error, HasSubstr("Connection refused"));
  EXPECT_THAT(result.error, HasSubstr(absl::StrCat("port ", (*refused)->port())));
  EXPECT_GT(result.attempts, 1);
}

TEST(CurlProbeTest, RefusedMakesOneAttemptWhenTheIntervalExceedsTheTimeout) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> refused = RefusedPort::Bind();
  ASSERT_THAT(refused.status(), IsOk());
  ProbeOptions options;
  options.url = (*refused)->Url("/");
  options.timeout = absl::Seconds(1);
  options.retry_interval = absl::Seconds(10);  // upstream's fixed retry_time
  ProbeResult result = CheckOnce(options);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kRefused);
  EXPECT_EQ(result.attempts, 1);
}

// Once another thread of this process sleeps (the probe, pausing after a
// refused connection), listens on `port`, answers one request with 200 and
// closes.
void ServeOnceAfterARefusal(RefusedPort* port) {
  const pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
  ASSERT_THAT(svl::testing::WaitFor(
                  [self] { return svl::testing::AnyThreadSleeping(getpid(), self); },
                  svl::testing::kWaitTimeout, "the probe to pause after a refused connection"),
              IsOk());
  absl::StatusOr<int> fd = port->Listen();
  ASSERT_THAT(fd.status(), IsOk());
  pollfd ready = {*fd, POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 60000), 1) << "the probe never connected";
  int conn = accept4(*fd, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(conn, 0);
  absl::Cleanup conn_closer = [conn] { close(conn); };
  std::string head;
  char buffer[1024];
  while (head.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = recv(conn, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    head.append(buffer, static_cast<size_t>(n));
  }
  const std::string response = "HTTP/1.1 200 Late But OK\r\nContent-Length: 4\r\n\r\nlate";
  ASSERT_EQ(send(conn, response.data(), response.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(response.size()));
}

TEST(CurlProbeTest, RefusedThenAcceptedSucceedsOnAFreshConnection) {
  absl::StatusOr<std::unique_ptr<RefusedPort>> late = RefusedPort::Bind();
  ASSERT_THAT(late.status(), IsOk());
  std::thread server(ServeOnceAfterARefusal, late->get());
  ProbeOptions options;
  options.url = (*late)->Url("/");
  options.timeout = absl::Seconds(60);
  options.retry_interval = absl::Milliseconds(200);
  ProbeResult result = CheckOnce(options);
  server.join();
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.reason, "Late But OK");
  EXPECT_EQ(result.body, "late");
  EXPECT_GT(result.attempts, 1);
}

TEST(CurlProbeTest, UnresolvableHostIsADnsError) {
  // RFC 6761 reserves .invalid, and a 64-byte label cannot be put into a DNS
  // query at all: the resolver fails it without asking any server, so the
  // answer does not depend on this machine's DNS.
  const std::string host = std::string(64, 'x') + ".invalid";
  ProbeOptions options;
  options.url = absl::StrCat("http://", host, "/");
  options.timeout = absl::Seconds(30);
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kDns);
  EXPECT_EQ(result.error, "Could not resolve host: " + host);
  EXPECT_EQ(result.attempts, 1);
}

TEST(CurlProbeTest, ProxyEnvironmentIsIgnored) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  absl::StatusOr<std::unique_ptr<RefusedPort>> dead_proxy = RefusedPort::Bind();
  ASSERT_THAT(dead_proxy.status(), IsOk());
  const std::string proxy = absl::StrCat("http://127.0.0.1:", (*dead_proxy)->port());
  ASSERT_EQ(setenv("http_proxy", proxy.c_str(), 1), 0);
  ASSERT_EQ(setenv("ALL_PROXY", proxy.c_str(), 1), 0);
  absl::Cleanup unset = [] {
    unsetenv("http_proxy");
    unsetenv("ALL_PROXY");
  };
  ProbeOptions options;
  options.url = server->Url("/direct");
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(server->requests().size(), 1u);
}

// ---------------------------------------------------------------------------
// IPv6 and the extension options.

TEST(CurlProbeTest, ChecksAnIpv6Literal) {
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start("::1");
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << server.status();
  ProbeOptions options;
  options.url = (*server)->Url("/v6");
  ASSERT_THAT(options.url, StartsWith("http://[::1]:"));
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 200);
  ASSERT_EQ((*server)->requests().size(), 1u);
  EXPECT_EQ((*server)->requests()[0].Header("Host"), absl::StrCat("[::1]:", (*server)->port()));
}

TEST(CurlProbeTest, MethodHeadersAndBasicAuth) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ProbeOptions options;
  options.url = server->Url("/");
  options.method = "OPTIONS";
  options.headers = {"X-Probe: yes", "Accept: text/plain"};
  options.user = "alice:s3cret";
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  std::vector<HttpRequest> requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "OPTIONS");
  EXPECT_EQ(requests[0].Header("X-Probe"), "yes");
  EXPECT_EQ(requests[0].Header("Accept"), "text/plain");
  EXPECT_EQ(requests[0].Header("Authorization"), "Basic YWxpY2U6czNjcmV0");
  EXPECT_EQ(requests[0].Header("User-Agent"), "httpok");
}

TEST(CurlProbeTest, HeadReadsNoBody) {
  std::unique_ptr<HttpServer> server = StartServer();
  ASSERT_NE(server, nullptr);
  ProbeOptions options;
  options.url = server->Url("/");
  options.method = "HEAD";
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0].method, "HEAD");
}

// ---------------------------------------------------------------------------
// Option and URL validation.

TEST(CurlProbeCreateTest, RejectsBadOptions) {
  ProbeOptions good;
  good.url = "http://127.0.0.1:1/";

  ProbeOptions zero_timeout = good;
  zero_timeout.timeout = absl::ZeroDuration();
  EXPECT_THAT(CurlProbe::Create(zero_timeout).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("timeout")));

  ProbeOptions bad_url = good;
  bad_url.url = "ftp://host/";
  EXPECT_THAT(CurlProbe::Create(bad_url).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("Bad scheme ftp")));

  ProbeOptions missing_ca = good;
  missing_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_THAT(CurlProbe::Create(missing_ca).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/ca.pem")));

  ProbeOptions bad_header = good;
  bad_header.headers = {"X-Evil: a\r\nInjected: b"};
  EXPECT_THAT(CurlProbe::Create(bad_header).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad header")));

  ProbeOptions no_colon = good;
  no_colon.headers = {"NoColon"};
  EXPECT_THAT(CurlProbe::Create(no_colon).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad header")));

  ProbeOptions bad_method = good;
  bad_method.method = "GET /x";
  EXPECT_THAT(CurlProbe::Create(bad_method).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad HTTP method")));

  ProbeOptions negative_redirects = good;
  negative_redirects.max_redirects = -1;
  EXPECT_THAT(CurlProbe::Create(negative_redirects).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));

  EXPECT_THAT(CurlProbe::Create(good).status(), IsOk());
}

struct UrlCase {
  std::string url;
  absl::StatusCode code;
  std::string message_prefix;
};

class ValidateProbeUrlTest : public ::testing::TestWithParam<UrlCase> {};

TEST_P(ValidateProbeUrlTest, AcceptsOrNamesTheProblem) {
  const UrlCase& c = GetParam();
  absl::Status status = ValidateProbeUrl(c.url);
  EXPECT_EQ(status.code(), c.code) << c.url << ": " << status;
  EXPECT_THAT(std::string(status.message()), StartsWith(c.message_prefix)) << c.url;
}

constexpr absl::StatusCode kOk = absl::StatusCode::kOk;
constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

INSTANTIATE_TEST_SUITE_P(
    Urls, ValidateProbeUrlTest,
    ::testing::Values(
        UrlCase{"http://127.0.0.1:8080/health", kOk, ""},
        UrlCase{"https://example.com", kOk, ""},
        UrlCase{"HTTP://Example.COM/x?y=1#z", kOk, ""},
        UrlCase{"http://[::1]:8080/", kOk, ""},
        UrlCase{"http://user:pw@host:1/", kOk, ""},
        UrlCase{"ftp://host/", kInvalid, "Bad scheme ftp in URL ftp://host/"},
        UrlCase{"localhost:8080/foo", kInvalid, "Bad scheme localhost in URL localhost:8080/foo"},
        UrlCase{"/just/a/path", kInvalid, "Bad scheme (none)"},
        UrlCase{"//host/path", kInvalid, "Bad scheme (none)"},
        UrlCase{"", kInvalid, "empty URL"},
        UrlCase{"http://", kInvalid, "no host in URL http://"},
        UrlCase{"http:///path", kInvalid, "no host in URL"},
        UrlCase{"http:host", kInvalid, "no host in URL"},
        UrlCase{"http://host:99999/", kInvalid, "bad port in URL"},
        UrlCase{"http://host:80x/", kInvalid, "bad port in URL"},
        UrlCase{"http://host:0/", kInvalid, "bad port 0 in URL"},
        UrlCase{"http://ho st/", kInvalid, "bad URL"},
        UrlCase{"http://host/a\r\nb", kInvalid, "control character"},
        UrlCase{"ftp://user:pw@host/", kInvalid, "Bad scheme ftp in URL ftp://***@host/"}));

// ---------------------------------------------------------------------------
// HTTPS against a real TLS server (Python's http.server + ssl) with a test CA
// made by the openssl CLI. The server certificate names only DNS:localhost,
// so https://127.0.0.1 also tests host-name verification.

// Runs argv (no shell), waits, and fails unless it exits 0.
absl::Status RunCommand(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ);
  if (rc != 0) return absl::ErrnoToStatus(rc, argv[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(argv[0], " failed with status ", status));
  }
  return absl::OkStatus();
}

constexpr char kTlsServerScript[] = R"py(
import http.server, os, ssl, sys
cert, key, sni_file, port_file = sys.argv[1:5]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"secure hello"
        self.send_response(200, "Secure OK")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

def on_sni(sock, name, context):
    with open(sni_file, "a") as f:
        f.write("%s\n" % name)

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.sni_callback = on_sni
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
)py";

class HttpsProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::string> dir = svl::testing::MakeTestDir("tls");
    ASSERT_THAT(dir.status(), IsOk());
    dir_ = new std::string(*dir);
    const std::string d = *dir_;
    const std::string openssl = "/usr/bin/openssl";
    ASSERT_THAT(RunCommand({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", d + "/ca.key", "-out",
                     d + "/ca.pem", "-days", "2", "-subj", "/CN=svl test CA", "-addext",
                     "basicConstraints=critical,CA:TRUE", "-addext",
                     "keyUsage=critical,keyCertSign,cRLSign"}),
                IsOk());
    ASSERT_THAT(RunCommand({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                            d + "/other-ca.key", "-out", d + "/other-ca.pem", "-days", "2", "-subj",
                            "/CN=svl other CA"}),
                IsOk());
    ASSERT_THAT(RunCommand({openssl, "req", "-new", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", d + "/server.key", "-out",
                     d + "/server.csr", "-subj", "/CN=localhost"}),
                IsOk());
    ASSERT_THAT(svl::testing::WriteFile(d + "/server.ext",
                                        "subjectAltName=DNS:localhost\n"
                                        "basicConstraints=CA:FALSE\n"
                                        "extendedKeyUsage=serverAuth\n"),
                IsOk());
    ASSERT_THAT(RunCommand({openssl, "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem",
                     "-CAkey", d + "/ca.key", "-CAcreateserial", "-out", d + "/server.pem", "-days",
                     "2", "-extfile", d + "/server.ext"}),
                IsOk());

    const std::string port_file = d + "/port";
    std::vector<std::string> argv = {"/usr/bin/python3", "-c", kTlsServerScript,
                                     d + "/server.pem", d + "/server.key", d + "/sni", port_file};
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&server_pid_, args[0], nullptr, nullptr, args.data(), environ), 0);
    absl::StatusOr<std::string> port =
        svl::testing::WaitForFile(port_file, svl::testing::kWaitTimeout);
    ASSERT_THAT(port.status(), IsOk()) << "the python TLS server did not start";
    port_ = new std::string(*port);
  }

  static void TearDownTestSuite() {
    if (server_pid_ > 0) {
      kill(server_pid_, SIGKILL);
      waitpid(server_pid_, nullptr, 0);
      server_pid_ = 0;
    }
    delete dir_;
    delete port_;
    dir_ = nullptr;
    port_ = nullptr;
  }

  void SetUp() override {
    if (port_ == nullptr) GTEST_SKIP() << "TLS fixture failed to start";
  }

  static std::string Url(absl::string_view host) {
    return absl::StrCat("https://", host, ":", *port_, "/secure");
  }
  static std::string CaFile() { return *dir_ + "/ca.pem"; }

  static std::string* dir_;
  static std::string* port_;
  static pid_t server_pid_;
};

std::string* HttpsProbeTest::dir_ = nullptr;
std::string* HttpsProbeTest::port_ = nullptr;
pid_t HttpsProbeTest::server_pid_ = 0;

TEST_F(HttpsProbeTest, OtherCaFailsVerification) {
  ProbeOptions options;
  options.url = Url("localhost");
  options.ca_file = *dir_ + "/other-ca.pem";
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kTls);
  EXPECT_EQ(result.error, "SSL certificate problem: unable to get local issuer certificate");
}

TEST_F(HttpsProbeTest, EmptyCaFileIsATlsError) {
  ProbeOptions options;
  options.url = Url("localhost");
  options.ca_file = "/dev/null";
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kTls);
  EXPECT_EQ(result.error, "error setting certificate file: /dev/null");
}

TEST_F(HttpsProbeTest, SystemStoreDoesNotTrustTheTestCa) {
  ProbeOptions options;
  options.url = Url("localhost");
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kTls);
  EXPECT_THAT(result.error, HasSubstr("SSL certificate problem"));
}

TEST_F(HttpsProbeTest, CaFileVerifiesAndSendsSni) {
  ASSERT_THAT(svl::testing::WriteFile(*dir_ + "/sni", ""), IsOk());
  ProbeOptions options;
  options.url = Url("localhost");
  options.ca_file = CaFile();
  ProbeResult result = CheckOnce(options);
  ASSERT_TRUE(result.responded) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.reason, "Secure OK");
  EXPECT_EQ(result.body, "secure hello");
  // The server records the SNI name of each handshake (None when absent).
  absl::StatusOr<std::string> sni = svl::testing::ReadFile(*dir_ + "/sni");
  ASSERT_THAT(sni.status(), IsOk());
  EXPECT_EQ(*sni, "localhost\n");
}

TEST_F(HttpsProbeTest, HostNameMismatchFailsVerification) {
  ProbeOptions options;
  options.url = Url("127.0.0.1");  // the certificate names only localhost
  options.ca_file = CaFile();
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_EQ(result.error_kind, ProbeErrorKind::kTls);
  EXPECT_EQ(result.error,
            "SSL: no alternative certificate subject name matches target host name '127.0.0.1'");
}

TEST_F(HttpsProbeTest, InsecureSkipsVerification) {
  for (const char* host : {"localhost", "127.0.0.1"}) {
    ProbeOptions options;
    options.url = Url(host);
    options.insecure = true;
    ProbeResult result = CheckOnce(options);
    ASSERT_TRUE(result.responded) << host << ": " << result.error;
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.body, "secure hello");
  }
}

TEST_F(HttpsProbeTest, PlainHttpToATlsPortIsAnError) {
  ProbeOptions options;
  options.url = absl::StrCat("http://127.0.0.1:", *port_, "/");
  options.timeout = absl::Seconds(5);
  ProbeResult result = CheckOnce(options);
  EXPECT_FALSE(result.responded);
  EXPECT_NE(result.error, "");
}

}  // namespace
}  // namespace httpok
}  // namespace svl
