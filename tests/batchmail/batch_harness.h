// File: tests/batchmail/batch_harness.h
//
// What the black-box tests of the batch notifiers (crashmailbatch,
// fatalmailbatch, crashsms) share: the events they feed, the regexes of the
// lines, the mails and the stderr digest they expect, and a fixture with a
// real SMTP server (tests/testing/smtp_server.h) for each test case.
//
// Example:
//
//   TEST_F(BatchMailTest, Something) {
//     RunResult r = Run(kCrashsms, {"-t", "a@x", "-f", "b@y"}, Exited(0));
//     std::vector<std::string> mails = Deliveries(1);
//     EXPECT_THAT(mails[0], MatchesRegex(DeliveryRegex({...})));
//   }

#ifndef SVL_TESTS_BATCHMAIL_BATCH_HARNESS_H_
#define SVL_TESTS_BATCHMAIL_BATCH_HARNESS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/smtp_server.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {

// The binaries, by their runfiles paths.
inline constexpr char kCrashmailbatch[] = "crashmailbatch/crashmailbatch";
inline constexpr char kFatalmailbatch[] = "fatalmailbatch/fatalmailbatch";
inline constexpr char kCrashsms[] = "crashsms/crashsms";

// supervisor's get_asctime(), as a regex.
inline constexpr char kAsctime[] =
    "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}";
// A Date header's value without its zone offset, as a regex.
inline constexpr char kDateWithoutZone[] =
    "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
    "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} ";
// Python's make_msgid(): <centiseconds.pid.random@host>, as a regex.
inline constexpr char kMessageId[] = "<[0-9]+\\.[0-9]+\\.[0-9]+@[^>@ \r\n]+>";

// Quote() makes `literal` a regex matching exactly itself.
inline std::string Quote(absl::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (absl::string_view("^$.[]()|*+?{}\\").find(c) != absl::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// One event: its header line and payload (`len` counts code points, as
// supervisord's).
inline std::string Event(absl::string_view eventname, absl::string_view payload, int serial = 1) {
  size_t code_points = 0;
  for (unsigned char c : payload) code_points += (c & 0xc0) != 0x80;
  return absl::StrCat("ver:3.0 server:supervisor serial:", serial, " pool:p poolserial:", serial,
                      " eventname:", eventname, " len:", code_points, "\n", payload);
}

// upstream's payload: 69 characters with the defaults.
inline std::string ExitedPayload(int expected, absl::string_view name = "foo",
                                 absl::string_view group = "bar", int pid = 58597) {
  return absl::StrCat("processname:", name, " groupname:", group,
                      " from_state:RUNNING expected:", expected, " pid:", pid);
}

inline std::string Exited(int expected, absl::string_view name = "foo",
                          absl::string_view group = "bar", int pid = 58597) {
  return Event("PROCESS_STATE_EXITED", ExitedPayload(expected, name, group, pid));
}

inline std::string Fatal(absl::string_view name = "foo", absl::string_view group = "bar") {
  return Event("PROCESS_STATE_FATAL",
               absl::StrCat("processname:", name, " groupname:", group, " from_state:BACKOFF"));
}

inline std::string Tick(absl::string_view eventname = "TICK_60") {
  return Event(eventname, "when:1796131971");
}

// `event` `count` times.
inline std::string Times(int count, const std::string& event) {
  std::string out;
  for (int i = 0; i < count; ++i) out += event;
  return out;
}

// The stdout of a listener that acknowledged `events` events, then saw EOF.
inline std::string Acks(int events) {
  return absl::StrCat("READY\n", Times(events, "RESULT 2\nOKREADY\n"));
}

// The kept lines, as regexes.
inline std::string CrashLine(absl::string_view group = "bar", absl::string_view name = "foo",
                             int pid = 58597) {
  return absl::StrCat(kAsctime,
                      Quote(absl::StrCat(" -- Process ", group, ":", name, " (pid ", pid,
                                         ") died unexpectedly")));
}
inline std::string FatalLine(absl::string_view group = "bar", absl::string_view name = "foo") {
  return absl::StrCat(kAsctime, Quote(absl::StrCat(" -- Process ", group, ":", name,
                                                   " failed to start too many times")));
}
inline std::string SmsLine(absl::string_view group = "bar", absl::string_view name = "foo",
                           int pid = 58597) {
  return absl::StrCat(
      Quote(absl::StrCat("[", group, ":", name, "](", pid, ") exited unexpectedly ")), kAsctime);
}

// One delivery as the SMTP server records it, in Python's MIMEText layout.
struct MailRegex {
  std::string from;                     // -f, literal
  std::vector<std::string> rcpts;       // the RCPT TO addresses, literal
  absl::optional<std::string> subject;  // literal; nullopt: no Subject header
  std::string to;                       // the To header, literal
  std::vector<std::string> lines;       // the body's lines, regexes
  std::string zone = "+0000";           // the Date's offset, literal
};

inline std::string DeliveryRegex(const MailRegex& mail) {
  std::string out = absl::StrCat("MAIL FROM:", Quote(mail.from), "\n");
  for (const std::string& rcpt : mail.rcpts) absl::StrAppend(&out, "RCPT TO:", Quote(rcpt), "\n");
  absl::StrAppend(&out,
                  "\n"
                  "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
                  "MIME-Version: 1\\.0\r\n"
                  "Content-Transfer-Encoding: 7bit\r\n");
  if (mail.subject.has_value()) absl::StrAppend(&out, "Subject: ", Quote(*mail.subject), "\r\n");
  absl::StrAppend(&out, "From: ", Quote(mail.from), "\r\nTo: ", Quote(mail.to), "\r\nDate: ",
                  kDateWithoutZone, Quote(mail.zone), "\r\nMessage-ID: ", kMessageId, "\r\n\r\n",
                  absl::StrJoin(mail.lines, "\r\n"), "\r\n");
  return out;
}

// The stderr digest of a mail sent; `body` is a regex (already cut to 76
// code points plus "..." when longer), the rest literal.
inline std::string DigestRegex(absl::string_view to, absl::string_view from,
                               absl::string_view subject, absl::string_view body) {
  return absl::StrCat(Quote(absl::StrCat("Sending notification email:\nTo: ", to, "\nFrom: ", from,
                                         "\nSubject: ", subject, "\nBody:\n")),
                      body, "\n");
}

// A fresh SMTP server per test case, and the listeners run against it.
class BatchMailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start();
    ASSERT_TRUE(smtp.ok()) << smtp.status();
    smtp_ = *std::move(smtp);
  }

  // -H for the SMTP server.
  std::string Host() const { return absl::StrCat("127.0.0.1:", smtp_->port()); }

  // Under supervisord, in UTC.
  static std::vector<std::pair<std::string, std::string>> Env() {
    return {{"SUPERVISOR_SERVER_URL", "unix:///nonexistent/supervisor.sock"}, {"TZ", "UTC"}};
  }

  // Runs `binary` with exactly `args`.
  static RunResult RunRaw(absl::string_view binary, const std::vector<std::string>& args,
                          const std::string& input,
                          const std::vector<std::pair<std::string, std::string>>& env = Env()) {
    absl::StatusOr<RunResult> result = RunListener(binary, args, env, input);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : RunResult{};
  }

  // Runs `binary` with `args` and -H for the SMTP server.
  RunResult Run(absl::string_view binary, std::vector<std::string> args, const std::string& input,
                const std::vector<std::pair<std::string, std::string>>& env = Env()) const {
    args.push_back("-H");
    args.push_back(Host());
    return RunRaw(binary, args, input, env);
  }

  // Starts `binary` with `args` and -H for the SMTP server, one event at a
  // time.
  std::unique_ptr<ListenerSession> Start(absl::string_view binary,
                                         std::vector<std::string> args) const {
    args.push_back("-H");
    args.push_back(Host());
    absl::StatusOr<std::unique_ptr<ListenerSession>> session =
        ListenerSession::Start(binary, args, Env());
    EXPECT_TRUE(session.ok()) << session.status();
    return session.ok() ? *std::move(session) : nullptr;
  }

  // The deliveries, once there are at least `count` (for a listener that
  // has exited, exactly the ones it made).
  std::vector<std::string> Deliveries(size_t count) const {
    absl::Status waited = WaitFor([&] { return smtp_->Received().size() >= count; },
                                  kWaitTimeout, absl::StrCat(count, " SMTP deliveries"));
    EXPECT_TRUE(waited.ok()) << waited;
    return smtp_->Received();
  }

  std::unique_ptr<SmtpServer> smtp_;
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_BATCHMAIL_BATCH_HARNESS_H_
