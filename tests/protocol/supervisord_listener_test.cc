// A real supervisord drives record_listener (built on //protocol): events of
// several types, including non-ASCII REMOTE_COMMUNICATION data whose `len`
// counts code points, arrive intact and are acknowledged, and the listener
// never breaks the protocol (never enters supervisord's UNKNOWN state).

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace protocol {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::kWaitTimeout;
using ::svl::testing::CountOccurrences;
using ::svl::testing::ReadFile;
using ::svl::testing::Supervisord;
using ::svl::testing::WaitForFileContaining;
using ::svl::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;

std::string RecordListenerPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/svlisten/tests/protocol/record_listener");
}

// supervisord logs each reply it reads from rec as a group: the stdout
// chunk, then (for a RESULT) "event was processed" and "BUSY ->
// ACKNOWLEDGED", and last "ACKNOWLEDGED -> READY". A read of the live log
// may end inside a group; this prefix ends after the last whole one, so
// counts taken in it compare whole groups.
absl::string_view UpToLastReady(absl::string_view log) {
  constexpr absl::string_view kReady = "rec: ACKNOWLEDGED -> READY\n";
  const size_t at = log.rfind(kReady);
  return at == absl::string_view::npos ? absl::string_view() : log.substr(0, at + kReady.size());
}

// Sends REMOTE_COMMUNICATION events through supervisor.sendRemoteCommEvent,
// with supervisord's own Python client.
absl::Status SendRemoteCommEvents(const Supervisord& sv) {
  const std::string script = absl::StrCat(sv.dir(), "/send_remote.py");
  absl::Status written = WriteFile(script, R"(import sys, xmlrpc.client
from supervisor.xmlrpc import SupervisorTransport
proxy = xmlrpc.client.ServerProxy(
    'http://127.0.0.1', transport=SupervisorTransport(None, None, sys.argv[1]))
proxy.supervisor.sendRemoteCommEvent('t', 'h\u00e9llo \u2603')
proxy.supervisor.sendRemoteCommEvent('after', 'plain')
)");
  if (!written.ok()) return written;
  const std::string command =
      absl::StrCat("/usr/bin/python3 ", script, " unix://", sv.socket_path(), " 2>&1");
  const int rc = std::system(command.c_str());
  if (rc != 0) return absl::InternalError(absl::StrCat(command, " exited with ", rc));
  return absl::OkStatus();
}

TEST(SupervisordListenerTest, EventsArriveAndAreAcknowledged) {
  absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(absl::StrCat(R"(
[eventlistener:rec]
command=)", RecordListenerPath(), R"( %(here)s/record.txt
events=TICK_5,PROCESS_STATE,REMOTE_COMMUNICATION
startsecs=1

[program:sleeper]
command=/bin/sleep 1000
startsecs=1
)"));
  ASSERT_THAT(sv, IsOk());
  const std::string record_path = (*sv)->dir() + "/record.txt";
  ASSERT_THAT((*sv)->WaitForLog("success: rec entered RUNNING state", kWaitTimeout), IsOk());
  // The listener's own STARTING -> RUNNING, and sleeper's.
  ASSERT_THAT(WaitForFileContaining(record_path, "PROCESS_STATE_RUNNING", kWaitTimeout), IsOk());

  ASSERT_THAT(SendRemoteCommEvents(**sv), IsOk());
  // `héllo ☃` is 14 code points with its `type:t\n`, but 18 bytes. The event
  // after it must still parse.
  absl::StatusOr<std::string> record =
      WaitForFileContaining(record_path, "payload=\"type:after\\nplain\"", kWaitTimeout);
  ASSERT_THAT(record, IsOk());
  EXPECT_THAT(*record, HasSubstr("REMOTE_COMMUNICATION serial="));
  EXPECT_THAT(*record, HasSubstr(" len=14 payload=\"type:t\\nh\\xc3\\xa9llo \\xe2\\x98\\x83\"\n"));
  EXPECT_THAT(*record, HasSubstr(" len=16 payload=\"type:after\\nplain\"\n"));

  // One tick is enough (every 5 s).
  record = WaitForFileContaining(record_path, "TICK_5 serial=", kWaitTimeout);
  ASSERT_THAT(record, IsOk());
  EXPECT_THAT(*record, HasSubstr("len=15 payload=\"when:"));
  EXPECT_THAT(*record, HasSubstr("PROCESS_STATE_STARTING"));
  EXPECT_THAT(*record, Not(HasSubstr("redelivered=1")));

  // supervisord's view: every event processed, none rejected, no protocol
  // violation.
  ASSERT_THAT((*sv)->WaitForLog("rec: BUSY -> ACKNOWLEDGED", kWaitTimeout), IsOk());
  // One read of the log, while events keep coming: every count below is
  // taken in it, up to the last whole reply.
  const std::string log = (*sv)->ReadLog();
  const absl::string_view replies = UpToLastReady(log);
  EXPECT_THAT(log, HasSubstr("event was processed"));
  EXPECT_THAT(log, HasSubstr("rec: ACKNOWLEDGED -> READY"));
  EXPECT_THAT(log, HasSubstr("event 0 sent to listener rec"));
  EXPECT_THAT(log, Not(HasSubstr("has entered the UNKNOWN state")));
  EXPECT_THAT(log, Not(HasSubstr("bad result line")));
  EXPECT_THAT(log, Not(HasSubstr("event was rejected")));
  // Every event sent to rec was processed.
  EXPECT_EQ(CountOccurrences(replies, "event was processed"),
            CountOccurrences(replies, "rec: BUSY -> ACKNOWLEDGED"));
  // The listener wrote nothing to stdout but READY and RESULT (each reply is
  // one write, so supervisord logs it as one chunk).
  const int outputs = CountOccurrences(replies, "'rec' stdout output:\n");
  EXPECT_GT(outputs, 5);
  EXPECT_EQ(outputs,
            CountOccurrences(replies, "'rec' stdout output:\nb'READY\\n'\n") +
                CountOccurrences(replies, "'rec' stdout output:\nb'RESULT 2\\nOKREADY\\n'\n"));
}

}  // namespace
}  // namespace protocol
}  // namespace svl
