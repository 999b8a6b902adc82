#include "httpok/httpok.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httpok/http_probe.h"
#include "httpok/options.h"
#include "mailer/mailer.h"
#include "mailer/message.h"
#include "protocol/event.h"
#include "supervisor_rpc/process_info.h"
#include "tests/httpok/fake_probe.h"
#include "tests/testing/fake_process_control.h"
#include "tests/testing/recording_mailer.h"

namespace svl {
namespace httpok {
namespace {

using supervisor_rpc::ProcessState;
using ::svl::testing::FakeProbe;
using ::svl::testing::FakeProcessControl;
using ::svl::testing::NoResponse;
using ::svl::testing::ProcessEntry;
using ::svl::testing::RecordingMailer;
using ::svl::testing::Responded;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// httpok's policy runs here on in-memory fakes: supervisord
// (FakeProcessControl), the HTTP check (FakeProbe) and the mailer. The real
// transports are tested in supervisor_rpc/, httpok/http_probe_test.cc,
// mailer/, and end to end in tests/httpok.

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
    sv_ = std::make_unique<FakeProcessControl>(testing::UpstreamDummyProcesses());
    options_.url = "http://127.0.0.1:8080/bar";
    options_.timeout = absl::Seconds(5);
  }

  kit::StderrWriter Stderr() {
    return [this](absl::string_view text) { stderr_.append(text.data(), text.size()); };
  }

  // Builds the handler from options_ and runs one event (the handler's
  // destructor waits for its round and its mails).
  std::string Run(const protocol::Event& event) {
    HttpOk handler(options_, {sv_.get(), &probe_, &mailer_, Stderr()});
    return handler.HandleEvent(event);
  }

  std::unique_ptr<FakeProcessControl> sv_;
  FakeProbe probe_;
  RecordingMailer mailer_;
  HttpOkOptions options_;
  std::string stderr_;
};

TEST_F(HttpOkTest, NonTickEventsAreAcknowledgedUntouched) {
  options_.programs = {"foo"};
  EXPECT_EQ(Run(Tick("PROCESS_STATE_RUNNING")), "OK");
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_EQ(probe_.checks(), 0);
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, EagerHealthyTickAsksSupervisordNothing) {
  options_.programs = {"foo"};
  EXPECT_EQ(Run(Tick("TICK_60")), "OK");
  EXPECT_THAT(sv_->calls(), IsEmpty());
  EXPECT_EQ(probe_.checks(), 1);
  // The check is a GET of the URL (CurlProbe's request itself, User-Agent
  // httpok included, is asserted in http_probe_test).
  EXPECT_EQ(ProbeOptionsFor(options_).url, "http://127.0.0.1:8080/bar");
  EXPECT_EQ(ProbeOptionsFor(options_).method, "GET");
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, BadStatusRestartsAndMails) {
  options_.programs = {"foo", "bar", "baz_01", "notexisting"};
  options_.email = "chrism@plope.com";
  probe_.SetFallback(Responded(500, "Internal Server Error"));
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
  ASSERT_EQ(mailer_.messages().size(), 1u);
  EXPECT_EQ(mailer::FormatMessage(mailer_.messages()[0]), mail);
  // baz_01 is not `baz_01:baz_01`: a bare name may live in any group, so
  // the whole list is fetched (once) after asking for each name.
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getProcessInfo('foo')", "getProcessInfo('bar')",
                          "getProcessInfo('baz_01')", "getAllProcessInfo()", "stopProcess('foo')",
                          "startProcess('foo')"));
}

// Named programs are asked for one by one; the whole list (seconds of
// supervisord's time at 1000 programs) only when a name needs it.
TEST_F(HttpOkTest, ActAsksOnlyForTheNamedProcesses) {
  options_.programs = {"foo", "baz:baz_01", "nosuch:thing"};
  probe_.SetFallback(Responded(500, "Internal Server Error"));
  EXPECT_EQ(Run(Tick()), "OK");
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getProcessInfo('foo')", "getProcessInfo('baz:baz_01')",
                          "getProcessInfo('nosuch:thing')", "stopProcess('foo')",
                          "startProcess('foo')"));
  EXPECT_EQ(stderr_,
            "Restarting selected processes ['foo', 'baz:baz_01', 'nosuch:thing']\n"
            // supervisord's order: by group, then name
            "baz:baz_01 not in RUNNING state, NOT restarting\n"
            "foo is in RUNNING state, restarting\n"
            "foo restarted\n"
            "Programs not restarted because they did not exist: ['nosuch:thing']\n"
            "Reason: httpok: http://127.0.0.1:8080/bar: bad status returned (status contacting "
            "http://127.0.0.1:8080/bar: 500 Internal Server Error)\n");
}

// Subscribed to PROCESS_STATE too: the not-eager gate and the act need no
// more than the one list at the start.
TEST_F(HttpOkTest, WithProcessStateEventsAHealthyTickAsksNothing) {
  options_.programs = {"foo"};
  options_.eager = false;
  protocol::Event running;
  running.header.eventname = "PROCESS_STATE_RUNNING";
  running.payload = "processname:foo groupname:foo from_state:STARTING pid:11";
  {
    HttpOk handler(options_, {sv_.get(), &probe_, &mailer_, Stderr()});
    handler.HandleEvent(running);
    for (int i = 0; i < 3; ++i) {
      handler.HandleEvent(UndatedTick());
      handler.Drain();
    }
    probe_.SetFallback(Responded(500, "Internal Server Error"));
    handler.HandleEvent(UndatedTick());
    handler.Drain();
  }
  EXPECT_EQ(probe_.checks(), 4);
  // The gate's one list, then acting asks about what it restarts.
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()", "getProcessInfo('foo')",
                                        "stopProcess('foo')", "startProcess('foo')"));
}

TEST_F(HttpOkTest, FixedBodyCheckWorks) {
  options_.programs = {"foo"};
  options_.body = "works";
  probe_.Push(Responded(200, "OK", "It works"));
  probe_.Push(Responded(200, "OK", "Some kind of error"));
  Run(Tick());
  EXPECT_EQ(stderr_, "");
  EXPECT_THAT(sv_->calls(), IsEmpty());

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
  probe_.SetFallback(Responded(201, "Created"));
  Run(Tick());
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, NotEagerAsksOnlyForTheNamedProcesses) {
  options_.eager = false;
  options_.programs = {"bar", "foo"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('bar')", "getProcessInfo('foo')"));
  EXPECT_EQ(probe_.checks(), 1);
}

TEST_F(HttpOkTest, NotEagerSkipsTheCheckWhenNothingRuns) {
  options_.eager = false;
  options_.programs = {"bar", "baz:baz_01", "nosuch:x"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('bar')", "getProcessInfo('baz:baz_01')",
                                        "getProcessInfo('nosuch:x')"));
  EXPECT_EQ(probe_.checks(), 0);
  EXPECT_EQ(stderr_, "");
}

TEST_F(HttpOkTest, FixedNotEagerSeesGroupName) {
  sv_ = std::make_unique<FakeProcessControl>(testing::UpstreamFailProcesses());

  options_.eager = false;
  options_.programs = {"foo:FAILED"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('foo:FAILED')"));
  EXPECT_EQ(probe_.checks(), 1);

  // A bare name that is not name:name is looked for in every group.
  options_.programs = {"SPAWN_ERROR"};
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getProcessInfo('foo:FAILED')",
                                        "getProcessInfo('SPAWN_ERROR')", "getAllProcessInfo()"));
  EXPECT_EQ(probe_.checks(), 2);
}

TEST_F(HttpOkTest, NotEagerWithAnyChecksWhenAnythingButItselfRuns) {
  options_.eager = false;
  options_.any = true;
  options_.self_group = "foo";
  options_.self_name = "foo";
  Run(Tick());  // only foo (= itself) runs
  EXPECT_EQ(probe_.checks(), 0);
  options_.self_group = "httpok";
  options_.self_name = "httpok";
  Run(Tick());
  EXPECT_EQ(probe_.checks(), 1);
}

TEST_F(HttpOkTest, FixedAnyNeverRestartsItself) {
  options_.any = true;
  options_.self_group = "foo";
  options_.self_name = "foo";
  options_.url = "http://127.0.0.1:9/";
  options_.timeout = absl::Seconds(1);
  probe_.SetFallback(NoResponse("Failed to connect to 127.0.0.1 port 9: Connection refused",
                                ProbeErrorKind::kRefused));
  Run(Tick());
  EXPECT_THAT(sv_->calls(), ElementsAre("getAllProcessInfo()"));
  EXPECT_THAT(stderr_, ::testing::StartsWith("Restarting all running processes\n"
                                             "bar not in RUNNING state, NOT restarting\n"
                                             "baz:baz_01 not in RUNNING state, NOT restarting\n"
                                             "Reason: httpok: "));
}

TEST_F(HttpOkTest, FixedRpcErrorDoesNotCrash) {
  options_.programs = {"foo"};
  probe_.SetFallback(Responded(503, "Service Unavailable"));
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
  mailer_.FailWith(absl::InternalError("sendmail command 'x' exited with status 1:\nno"));
  probe_.SetFallback(Responded(500, "Internal Server Error"));
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
  probe_.SetFallback(Responded(404, "Not Found"));
  Run(Tick());
  ASSERT_EQ(mailer_.messages().size(), 1u);
  EXPECT_EQ(mailer_.messages()[0].subject, absl::StrCat("httpok [thinko]: ", options_.url,
                                                  ": bad status returned"));
}

TEST_F(HttpOkTest, FixedAnyNeverRestartsItsOwnPool) {
  // numprocs=2: httpok_0 must not restart httpok_1 (nor itself).
  sv_ = std::make_unique<FakeProcessControl>(std::vector<supervisor_rpc::ProcessInfo>{
      ProcessEntry("foo", "foo", ProcessState::kRunning, 11),
      ProcessEntry("httpok", "httpok_0", ProcessState::kRunning, 21),
      ProcessEntry("httpok", "httpok_1", ProcessState::kRunning, 22),
  });
  options_.any = true;
  options_.self_group = "httpok";
  options_.self_name = "httpok_0";
  probe_.SetFallback(Responded(500, "Internal Server Error"));
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
  probe_.SetFallback(Responded(503, "Service Unavailable"));
  sv_->SetBroken(true);
  HttpOk handler(options_, {sv_.get(), &probe_, &mailer_, Stderr()});
  for (int i = 0; i < 2; ++i) {
    handler.HandleEvent(UndatedTick());
    handler.Drain();
  }
  EXPECT_THAT(stderr_, ::testing::HasSubstr("failures=1/1\n"));
  EXPECT_THAT(stderr_, ::testing::Not(::testing::HasSubstr("failures=2/1")));
  EXPECT_EQ(std::vector<std::string>(absl::StrSplit(stderr_, "failures=1/1\n")).size(), 3u)
      << stderr_;
}

TEST_F(HttpOkTest, FixedAHangingMailDoesNotStopTheChecks) {
  options_.programs = {"foo"};
  options_.email = "ops@example.com";
  probe_.SetFallback(Responded(500, "Internal Server Error"));
  RecordingMailer mailer;
  mailer.Block();
  std::string err;
  absl::Mutex err_mu;
  {
    HttpOk handler(options_, {sv_.get(), &probe_, &mailer, [&](absl::string_view text) {
                                absl::MutexLock lock(&err_mu);
                                err.append(text.data(), text.size());
                              }});
    // Each TICK is checked and acted on while the first mail still hangs
    // (a TICK arriving during a round is deferred to right after it).
    for (int checks = 1; checks <= 3; ++checks) {
      handler.HandleEvent(UndatedTick());
      probe_.WaitForChecks(checks);
    }
    mailer.WaitUntilBlocked(1);
    mailer.Release();
    handler.Drain();
  }
  EXPECT_THAT(sv_->calls(),
              ElementsAre("getProcessInfo('foo')", "stopProcess('foo')", "startProcess('foo')",
                          "getProcessInfo('foo')", "stopProcess('foo')", "startProcess('foo')",
                          "getProcessInfo('foo')", "stopProcess('foo')", "startProcess('foo')"));
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
