#include "httpok/httpok.h"


#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httpok/http_probe.h"
#include "httpok/options.h"
#include "mailer/mailer.h"
#include "mailer/message.h"
#include "protocol/event.h"
#include "supervisor_rpc/curl_transport.h"
#include "supervisor_rpc/supervisor_client.h"
#include "tests/httpok/fake_supervisor.h"
#include "tests/testing/http_server.h"
#include "tests/testing/refused_port.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"

namespace svl {
namespace httpok {
namespace {

using ::svl::testing::FakeSupervisor;
using ::svl::testing::HttpResponse;
using ::svl::testing::HttpServer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A Mailer that records messages (the real sendmail transport is tested in
// mailer/ and end to end in tests/httpok).
class RecordingMailer : public mailer::Mailer {
 public:
  absl::Status Send(const mailer::Message& message) override {
    sent.push_back(message);
    return result;
  }
  std::vector<mailer::Message> sent;
  absl::Status result = absl::OkStatus();
};

protocol::Event Tick(const std::string& name = "TICK_5") {
  protocol::Event event;
  event.header.eventname = name;
  event.payload = "when:1795609595";
  return event;
}

// A TICK without `when:`, as upstream's tests send them: never coalesced.
protocol::Event UndatedTick() {
  protocol::Event event;
  event.header.eventname = "TICK_5";
  return event;
}

class HttpOkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<HttpServer>> web = HttpServer::Start();
    ASSERT_TRUE(web.ok()) << web.status();
    web_ = *std::move(web);
    absl::StatusOr<std::unique_ptr<FakeSupervisor>> sv =
        FakeSupervisor::Start(testing::UpstreamFixture());
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
    supervisor_rpc::ServerConfig config;
    config.url = sv_->url();
    absl::StatusOr<std::unique_ptr<supervisor_rpc::CurlTransport>> transport =
        supervisor_rpc::CurlTransport::Create(config);
    ASSERT_TRUE(transport.ok()) << transport.status();
    transport_ = *std::move(transport);
    client_ = std::make_unique<supervisor_rpc::SupervisorClient>(*transport_);
    options_.url = web_->Url("/bar");
    options_.timeout = absl::Seconds(5);
  }

  // Builds the handler from options_ and runs one event.
  std::string Run(const protocol::Event& event) {
    absl::StatusOr<std::unique_ptr<CurlProbe>> probe = CurlProbe::Create(ProbeOptionsFor(options_));
    EXPECT_TRUE(probe.ok()) << probe.status();
    if (!probe.ok()) return "";
    HttpOk handler(options_, {client_.get(), probe->get(), &mailer_,
                              [this](absl::string_view text) { stderr_.append(text.data(), text.size()); }});
    return handler.HandleEvent(event);
  }

  std::unique_ptr<HttpServer> web_;
  std::unique_ptr<FakeSupervisor> sv_;
  std::unique_ptr<supervisor_rpc::CurlTransport> transport_;
  std::unique_ptr<supervisor_rpc::SupervisorClient> client_;
  RecordingMailer mailer_;
  HttpOkOptions options_;
  std::string stderr_;
};

TEST_F(HttpOkTest, NonTickEventsAreAcknowledgedUntouched) {
  options_.programs = {"foo"};
  EXPECT_EQ(Run(Tick("PROCESS_STATE_RUNNING")), "OK");
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_THAT(web_->requests(), IsEmpty());
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, EagerHealthyTickAsksSupervisordNothing) {
  options_.programs = {"foo"};
  EXPECT_EQ(Run(Tick("TICK_60")), "OK");
  EXPECT_THAT(sv_->calls(), IsEmpty());
  ASSERT_EQ(web_->requests().size(), 1u);
  EXPECT_EQ(web_->requests()[0].method, "GET");
  EXPECT_EQ(web_->requests()[0].target, "/bar");
  EXPECT_EQ(web_->requests()[0].Header("User-Agent"), "httpok");
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, BadStatusRestartsAndMails) {
  options_.programs = {"foo", "bar", "baz_01", "notexisting"};
  options_.email = "chrism@plope.com";
  HttpResponse response;
  response.status = 500;
  response.reason = "Internal Server Error";
  web_->SetResponse(response);
  EXPECT_EQ(Run(Tick()), "OK");
  const std::string url = options_.url;
  const std::string lines =
      "Restarting selected processes ['foo', 'bar', 'baz_01', 'notexisting']\n"
      "foo is in RUNNING state, restarting\n"
      "foo restarted\n"
      "bar not in RUNNING state, NOT restarting\n"
      "baz:baz_01 not in RUNNING state, NOT restarting\n"
      "Programs not restarted because they did not exist: ['notexisting']";
  const std::string mail = absl::StrCat("To: chrism@plope.com\nSubject: httpok: ", url,
                                        ": bad status returned\n\nstatus contacting ", url,
                                        ": 500 Internal Server Error\n", lines);
  EXPECT_EQ(stderr_, absl::StrCat(lines, "\nMailed:\n\n", mail, "\n"));
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer::FormatMessage(mailer_.sent[0]), mail);
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "stopProcess('foo')",
                                        "startProcess('foo')"));
}

TEST_F(HttpOkTest, FixedBodyCheckWorks) {
  options_.programs = {"foo"};
  options_.body = "works";
  HttpResponse response;
  response.body = "It works";
  web_->SetResponse(response);
  Run(Tick());
  EXPECT_EQ(stderr_, "");
  EXPECT_THAT(sv_->calls(), IsEmpty());

  response.body = "Some kind of error";
  web_->SetResponse(response);
  Run(Tick());
  EXPECT_EQ(stderr_, absl::StrCat("Restarting selected processes ['foo']\n"
                                  "foo is in RUNNING state, restarting\n"
                                  "foo restarted\n"
                                  "Reason: httpok: ", options_.url, ": bad body returned (status contacting ",
                                  options_.url, ": 200 OK)\n"));
}

TEST_F(HttpOkTest, SeveralAcceptedCodes) {
  options_.programs = {"foo"};
  options_.codes = *ParseStatusSpec({"200", "201"});
  HttpResponse response;
  response.status = 201;
  response.reason = "Created";
  web_->SetResponse(response);
  Run(Tick());
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, NotEagerAsksOnlyForTheNamedProcesses) {
  options_.eager = false;
  options_.programs = {"bar", "foo"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('bar')", "getProcessInfo('foo')"));
  EXPECT_EQ(web_->requests().size(), 1u);
}

TEST_F(HttpOkTest, NotEagerSkipsTheCheckWhenNothingRuns) {
  options_.eager = false;
  options_.programs = {"bar", "baz:baz_01", "nosuch:x"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('bar')", "getProcessInfo('baz:baz_01')",
                                        "getProcessInfo('nosuch:x')"));
  EXPECT_THAT(web_->requests(), IsEmpty());
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, FixedNotEagerSeesGroupName) {
  absl::StatusOr<std::unique_ptr<FakeSupervisor>> sv =
      FakeSupervisor::Start(testing::UpstreamFailFixture());
  ASSERT_TRUE(sv.ok());
  sv_ = *std::move(sv);
  supervisor_rpc::ServerConfig config;
  config.url = sv_->url();
  transport_ = *supervisor_rpc::CurlTransport::Create(config);
  client_ = std::make_unique<supervisor_rpc::SupervisorClient>(*transport_);

  options_.eager = false;
  options_.programs = {"foo:FAILED"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('foo:FAILED')"));
  EXPECT_EQ(web_->requests().size(), 1u);

  // A bare name that is not name:name is looked for in every group.
  options_.programs = {"SPAWN_ERROR"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('foo:FAILED')",
                                        "getProcessInfo('SPAWN_ERROR')", "getAllProcessInfo()"));
  EXPECT_EQ(web_->requests().size(), 2u);
}

TEST_F(HttpOkTest, NotEagerWithAnyChecksWhenAnythingButItselfRuns) {
  options_.eager = false;
  options_.any = true;
  options_.self_group = "foo";
  options_.self_name = "foo";
  Run(Tick());  // only foo (= itself) runs
  EXPECT_THAT(web_->requests(), IsEmpty());
  options_.self_group = "httpok";
  options_.self_name = "httpok";
  Run(Tick());
  EXPECT_EQ(web_->requests().size(), 1u);
}

TEST_F(HttpOkTest, FixedAnyNeverRestartsItself) {
  options_.any = true;
  options_.self_group = "foo";
  options_.self_name = "foo";
  absl::StatusOr<std::unique_ptr<testing::RefusedPort>> refused = testing::RefusedPort::Bind();
  ASSERT_TRUE(refused.ok()) << refused.status();
  options_.url = (*refused)->Url("/");
  options_.timeout = absl::Seconds(1);
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
  EXPECT_THAT(stderr_, ::testing::StartsWith("Restarting all running processes\n"
                                             "bar not in RUNNING state, NOT restarting\n"
                                             "baz:baz_01 not in RUNNING state, NOT restarting\n"
                                             "Reason: httpok: "));
}

TEST_F(HttpOkTest, FixedRpcErrorDoesNotCrash) {
  options_.programs = {"foo"};
  HttpResponse response;
  response.status = 503;
  response.reason = "Service Unavailable";
  web_->SetResponse(response);
  sv_->SetBroken(true);
  EXPECT_EQ(Run(Tick()), "OK");
  EXPECT_THAT(stderr_, ::testing::StartsWith("Exception retrieving process info "));
  EXPECT_THAT(stderr_, ::testing::HasSubstr(", not acting\nReason: httpok: "));

  stderr_.clear();
  options_.eager = false;
  EXPECT_EQ(Run(Tick()), "OK");
  EXPECT_THAT(stderr_, ::testing::StartsWith("Exception retrieving process info "));
  EXPECT_THAT(stderr_, ::testing::EndsWith(", not checking\n"));
}

TEST_F(HttpOkTest, FixedSendmailFailureDoesNotCrash) {
  options_.programs = {"foo"};
  options_.email = "ops@example.com";
  mailer_.result = absl::InternalError("sendmail command 'x' exited with status 1:\nno");
  HttpResponse response;
  response.status = 500;
  response.reason = "Internal Server Error";
  web_->SetResponse(response);
  EXPECT_EQ(Run(Tick()), "OK");
  EXPECT_EQ(stderr_, absl::StrCat("Restarting selected processes ['foo']\n"
                                  "foo is in RUNNING state, restarting\n"
                                  "foo restarted\n"
                                  "Failed to send mail: sendmail command 'x' exited with status 1: no\n"
                                  "Reason: httpok: ", options_.url,
                                  ": bad status returned (status contacting ", options_.url,
                                  ": 500 Internal Server Error)\n"));
}

TEST_F(HttpOkTest, NameGoesIntoTheSubject) {
  options_.programs = {"foo"};
  options_.name = "thinko";
  options_.email = "x@y";
  HttpResponse response;
  response.status = 404;
  response.reason = "Not Found";
  web_->SetResponse(response);
  Run(Tick());
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].subject, absl::StrCat("httpok [thinko]: ", options_.url,
                                                  ": bad status returned"));
}

TEST_F(HttpOkTest, FixedAnyNeverRestartsItsOwnPool) {
  // numprocs=2: httpok_0 must not restart httpok_1 (nor itself).
  absl::StatusOr<std::unique_ptr<FakeSupervisor>> pool = FakeSupervisor::Start({
      {"foo", "foo", 11, 20, "RUNNING", ""},
      {"httpok_0", "httpok", 21, 20, "RUNNING", ""},
      {"httpok_1", "httpok", 22, 20, "RUNNING", ""},
  });
  ASSERT_TRUE(pool.ok()) << pool.status();
  sv_ = *std::move(pool);
  supervisor_rpc::ServerConfig config;
  config.url = sv_->url();
  transport_ = *supervisor_rpc::CurlTransport::Create(config);
  client_ = std::make_unique<supervisor_rpc::SupervisorClient>(*transport_);
  options_.any = true;
  options_.self_group = "httpok";
  options_.self_name = "httpok_0";
  HttpResponse response;
  response.status = 500;
  response.reason = "Internal Server Error";
  web_->SetResponse(response);
  Run(Tick());
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getAllProcessInfo()", "stopProcess('foo')", "startProcess('foo')"));
  EXPECT_THAT(stderr_, ::testing::StartsWith("Restarting all running processes\n"
                                             "foo is in RUNNING state, restarting\n"
                                             "foo restarted\n"
                                             "Reason: httpok: "));
  // Named explicitly, a process of its own pool is still never restarted.
  options_.any = false;
  options_.programs = {"httpok:httpok_1"};
  stderr_.clear();
  Run(Tick());
  EXPECT_THAT(stderr_, ::testing::StartsWith(
                           "Restarting selected processes ['httpok:httpok_1']\n"
                           "httpok:httpok_1 is in httpok's own pool, NOT restarting\n"
                           "Reason: httpok: "));
}

TEST_F(HttpOkTest, FixedFailureCountStartsOverAfterAnRpcOutage) {
  options_.programs = {"foo"};
  options_.log_format_given = true;
  HttpResponse response;
  response.status = 503;
  response.reason = "Service Unavailable";
  web_->SetResponse(response);
  sv_->SetBroken(true);
  absl::StatusOr<std::unique_ptr<CurlProbe>> probe = CurlProbe::Create(ProbeOptionsFor(options_));
  ASSERT_TRUE(probe.ok()) << probe.status();
  HttpOk handler(options_, {client_.get(), probe->get(), &mailer_,
                            [this](absl::string_view text) { stderr_.append(text.data(), text.size()); }});
  for (int i = 0; i < 2; ++i) {
    handler.HandleEvent(UndatedTick());
    handler.Drain();
  }
  EXPECT_THAT(stderr_, ::testing::HasSubstr("failures=1/1\n"));
  EXPECT_THAT(stderr_, ::testing::Not(::testing::HasSubstr("failures=2/1")));
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(stderr_, "failures=1/1\n")).size(), 3u)
      << stderr_;
}

// A Mailer whose Send() blocks until the test releases it.
class HangingMailer : public mailer::Mailer {
 public:
  absl::Status Send(const mailer::Message& message) override {
    release_.WaitForNotification();
    absl::MutexLock lock(&mu_);
    subjects_.push_back(message.subject);
    return absl::OkStatus();
  }
  void Release() { release_.Notify(); }
  std::vector<std::string> subjects() {
    absl::MutexLock lock(&mu_);
    return subjects_;
  }

 private:
  absl::Notification release_;
  absl::Mutex mu_;
  std::vector<std::string> subjects_ ABSL_GUARDED_BY(mu_);
};

TEST_F(HttpOkTest, FixedAHangingMailDoesNotStopTheChecks) {
  options_.programs = {"foo"};
  options_.email = "ops@example.com";
  HttpResponse response;
  response.status = 500;
  response.reason = "Internal Server Error";
  web_->SetResponse(response);
  HangingMailer mailer;
  absl::StatusOr<std::unique_ptr<CurlProbe>> probe = CurlProbe::Create(ProbeOptionsFor(options_));
  ASSERT_TRUE(probe.ok()) << probe.status();
  std::string err;
  absl::Mutex err_mu;
  {
    HttpOk handler(options_, {client_.get(), probe->get(), &mailer, [&](absl::string_view text) {
                                absl::MutexLock lock(&err_mu);
                                err.append(text.data(), text.size());
                              }});
    // Each TICK is checked and acted on while the first mail still hangs.
    for (size_t checks = 1; checks <= 3; ++checks) {
      handler.HandleEvent(UndatedTick());
      ASSERT_TRUE(web_->WaitForRequests(checks, absl::Seconds(60))) << checks;
    }
    mailer.Release();
    handler.Drain();
  }
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getAllProcessInfo()", "stopProcess('foo')", "startProcess('foo')",
                          "getAllProcessInfo()", "stopProcess('foo')", "startProcess('foo')",
                          "getAllProcessInfo()", "stopProcess('foo')", "startProcess('foo')"));
  EXPECT_THAT(mailer.subjects(), ::testing::SizeIs(3));
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(err, "Mailed:\n\n")).size(), 4u) << err;
}


}  // namespace
}  // namespace httpok
}  // namespace svl

namespace svl {
namespace httpok {
namespace {

TEST(ProbeOptionsForTest, CarriesEveryHttpOption) {
  HttpOkOptions options;
  options.url = "https://h/x";
  options.method = "HEAD";
  options.headers = {"A: b"};
  options.user = "u:p";
  options.max_redirects = 3;
  options.connect_timeout = absl::Seconds(2);
  options.client_cert = "c.pem";
  options.client_key = "k.pem";
  const ProbeOptions probe = ProbeOptionsFor(options);
  EXPECT_EQ(probe.url, "https://h/x");
  EXPECT_EQ(probe.method, "HEAD");
  EXPECT_EQ(probe.headers, std::vector<std::string>{"A: b"});
  EXPECT_EQ(probe.user, "u:p");
  EXPECT_EQ(probe.max_redirects, 3);
  EXPECT_EQ(probe.connect_timeout, absl::Seconds(2));
  EXPECT_EQ(probe.client_cert, "c.pem");
  EXPECT_EQ(probe.client_key, "k.pem");
}

}  // namespace
}  // namespace httpok
}  // namespace svl
