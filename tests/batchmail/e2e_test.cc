// The batch notifiers end to end: a real supervisord runs crashmailbatch,
// fatalmailbatch or crashsms as an [eventlistener] on PROCESS_STATE and
// TICK_5, with `-e TICK_5 -i 0.05` (3 s: every TICK_5 mails what was
// gathered), next to programs whose exits the test orders: each crasher
// waits on its own FIFO and exits 3 (unexpected: exitcodes=0) once the test
// writes to it. Mail goes over TCP to a real SMTP server (aiosmtpd), with
// STARTTLS and AUTH, to one that rejects every mail, or to one that never
// answers.
//
// supervisord hands a listener its events in order, so a mail holds every
// line gathered before it: an earlier event that is not in it gave no line.
// Times, the Date header and the Message-ID's random parts are masked; the
// rest is compared exactly.
//
// gtest shards round-robin (test i runs in shard i % shard_count, 5 in
// BUILD.bazel): the order spreads the slow tests over the shards (the silent
// server's ~27 s shares its shard with SIGTERM's ~3 s).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_server.h"
#include "tests/testing/listener_runner.h"
#include "tests/testing/silent_server.h"
#include "tests/testing/smtp_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/supervisord.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kCrashmailbatch[] = "crashmailbatch/crashmailbatch";
constexpr char kFatalmailbatch[] = "fatalmailbatch/fatalmailbatch";
constexpr char kCrashsms[] = "crashsms/crashsms";

constexpr char kFrom[] = "svlisten@example.com";
constexpr char kUser[] = "alice";
// Long and odd enough that finding it in a log is no accident.
constexpr char kPassword[] = "Pa55-e2e-s3cret";

// The MIMEText headers before Subject, in Python's order.
constexpr char kMimeHeaders[] =
    "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Transfer-Encoding: 7bit\r\n";

// The lines a stuck mail makes each TICK write (kit/batch_notifier.h): how
// many depends on how many TICKs the hang spans, so they are checked apart.
constexpr char kStillSendingRecord[] =
    R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z crashmailbatch )"
    R"(reason=mail msg="the previous mail is still being sent: (1 line waits|2 lines wait) )"
    R"(for the next interval"$)";

// supervisor's asctime, as <asctime>.
std::string MaskAsctime(const std::string& text) {
  static const std::regex kAsctime(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})");
  return std::regex_replace(text, kAsctime, "<asctime>");
}

// A delivery with its asctime, its Date (RFC 5322, only the time masked)
// and the time and random parts of a Message-ID made by `listener_pid`
// masked.
std::string MaskDelivery(const std::string& delivery, pid_t listener_pid) {
  static const std::regex kDate(
      R"(\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n)");
  const std::regex message_id(
      absl::StrCat(R"(\r\nMessage-ID: <\d+\.)", listener_pid, R"(\.\d+@[^\s>]+>\r\n)"));
  std::string masked = std::regex_replace(delivery, kDate, "\r\nDate: <date>\r\n");
  masked = std::regex_replace(masked, message_id, "\r\nMessage-ID: <id>\r\n");
  return MaskAsctime(masked);
}

// A failed delivery's error with the milliseconds curl counted masked.
std::string MaskMilliseconds(const std::string& text) {
  static const std::regex kMilliseconds(R"(after \d+ milliseconds)");
  return std::regex_replace(text, kMilliseconds, "after <n> milliseconds");
}

// The stderr digest of a mail's body (ASCII here): 76 characters and "...".
std::string Digest(const std::string& body) {
  return body.size() > 76 ? absl::StrCat(body.substr(0, 76), "...") : body;
}

// `text` as a regular expression that matches it alone.
std::string RegexEscape(const std::string& text) {
  static const std::regex kSpecial(R"([\\^$.|?*+()\[\]{}])");
  return std::regex_replace(text, kSpecial, R"(\$&)");
}

// The text without the records of kStillSendingRecord, each of which must
// be one exactly.
std::string WithoutStillSendingRecords(const std::string& text) {
  static const std::regex kRecord(kStillSendingRecord);
  std::string kept;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, "the previous mail is still being sent")) {
      EXPECT_TRUE(std::regex_match(std::string(line), kRecord)) << line;
      continue;
    }
    absl::StrAppend(&kept, line, "\n");
  }
  return kept;
}

// A [program:NAME] that exits 3 (unexpectedly) once the test writes to
// `fifo`.
std::string CrasherProgram(const std::string& name, const std::string& fifo) {
  return absl::StrCat("[program:", name, "]\ncommand=/bin/sh -c 'read line < ", fifo,
                      "; exit 3'\nexitcodes=0\nstartsecs=0\nautorestart=false\n");
}

class BatchE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTestDir("batch-e2e");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
  }

  // A FIFO a crasher waits on.
  std::string MakeFifo(const std::string& name) {
    const std::string path = absl::StrCat(dir_, "/release.", name);
    EXPECT_EQ(mkfifo(path.c_str(), 0600), 0) << path;
    return path;
  }

  // An [eventlistener:NAME] running `binary` with `args` (as a shell would
  // split them), its stderr in ErrPath(NAME).
  std::string Listener(const std::string& name, const char* binary, const std::string& args) {
    return absl::StrCat("[eventlistener:", name, "]\ncommand=", ListenerBinary(binary), " ", args,
                        "\nevents=PROCESS_STATE,TICK_5\nstderr_logfile=", ErrPath(name), "\n");
  }

  std::string ErrPath(const std::string& listener) const {
    return absl::StrCat(dir_, "/", listener, ".err");
  }

  void StartSupervisord(const std::string& config) {
    absl::StatusOr<std::unique_ptr<Supervisord>> sv = Supervisord::Start(config);
    ASSERT_TRUE(sv.ok()) << sv.status();
    sv_ = *std::move(sv);
  }

  // Lets the crasher waiting on `fifo` exit.
  void Release(const std::string& fifo) {
    int fd = -1;  // opens once the crasher waits on the other end
    ASSERT_THAT(WaitFor([&] { return (fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; },
                        kWaitTimeout, absl::StrCat("a reader of ", fifo)),
                IsOk());
    ASSERT_EQ(write(fd, "\n", 1), 1);
    close(fd);
  }

  // The pid of `name`'s first spawn, from supervisord's log.
  pid_t SpawnedPid(const std::string& name) {
    const std::string needle = absl::StrCat("spawned: '", name, "' with pid ");
    EXPECT_THAT(sv_->WaitForLog(needle, kWaitTimeout), IsOk());
    const std::string log = sv_->ReadLog();
    size_t at = log.find(needle);
    if (at == std::string::npos) return -1;
    at += needle.size();
    int pid = -1;
    if (!absl::SimpleAtoi(log.substr(at, log.find_first_not_of("0123456789", at) - at), &pid)) {
      return -1;
    }
    return pid;
  }

  // Waits until the listener's stderr holds `count` times `needle`.
  std::string WaitForErr(const std::string& listener, const std::string& needle, int count = 1) {
    std::string err;
    EXPECT_THAT(WaitFor(
                    [&] {
                      absl::StatusOr<std::string> text = ReadFile(ErrPath(listener));
                      if (text.ok()) err = *text;
                      return CountOccurrences(err, needle) >= count;
                    },
                    kWaitTimeout, absl::StrCat(count, " x '", needle, "' in ", listener, ".err")),
                IsOk())
        << err << "\n"
        << sv_->ReadLog();
    return err;
  }

  // Waits until the listener's stderr ends with a whole digest of a sent
  // mail (`Body:` and the digest's line).
  std::string WaitForDigest(const std::string& listener) {
    std::string err;
    EXPECT_THAT(WaitFor(
                    [&] {
                      absl::StatusOr<std::string> text = ReadFile(ErrPath(listener));
                      if (text.ok()) err = *text;
                      const size_t body = err.find("\nBody:\n");
                      return body != std::string::npos &&
                             err.find('\n', body + 7) != std::string::npos;
                    },
                    kWaitTimeout, absl::StrCat("a mail's digest in ", listener, ".err")),
                IsOk())
        << err << "\n"
        << sv_->ReadLog();
    return err;
  }

  std::string dir_;
  std::unique_ptr<Supervisord> sv_;
};

// A server that never answers: the listener keeps acknowledging events
// while the mail waits for a greeting, until the transport's connect
// timeout (10 s, which covers the greeting) fails it; the lines gathered
// meanwhile wait and go with the next try.
TEST_F(BatchE2eTest, SilentServerDoesNotHoldTheEventsAndKeepsTheLines) {
  absl::StatusOr<std::unique_ptr<SilentServer>> silent = SilentServer::Start();
  ASSERT_TRUE(silent.ok()) << silent.status();
  const std::string first = MakeFifo("crasher");
  const std::string second = MakeFifo("crasher2");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", first), CrasherProgram("crasher2", second),
      Listener("batch", kCrashmailbatch,
               absl::StrCat("-t ops@example.com -f ", kFrom, " -e TICK_5 -i 0.05 -H 127.0.0.1:",
                            (*silent)->port())))));
  const pid_t crasher = SpawnedPid("crasher");
  const pid_t crasher2 = SpawnedPid("crasher2");

  ASSERT_NO_FATAL_FAILURE(Release(first));
  ASSERT_TRUE((*silent)->WaitForAccepted(1, kWaitTimeout)) << sv_->ReadLog();
  ASSERT_NO_FATAL_FAILURE(Release(second));
  // Written only when the listener handles crasher2's exit.
  const std::string handled = WaitForErr("batch", "crasher2:crasher2 (pid ");
  EXPECT_THAT(handled, Not(HasSubstr("Error sending email:")))
      << "crasher2's exit was handled only after the mail failed";

  // Both attempts fail with both lines waiting: crasher2's was gathered
  // while the first hung.
  const std::string err =
      WaitForErr("batch", "Failed to send notification email: 2 lines kept", /*count=*/2);
  EXPECT_GE((*silent)->accepted(), 2);
  const std::string error = absl::StrCat(
      "Error sending email: SMTP delivery via smtp://127.0.0.1:", (*silent)->port(),
      " failed: Operation timed out after <n> milliseconds with 0 bytes received\n");
  EXPECT_EQ(MaskMilliseconds(MaskAsctime(WithoutStillSendingRecords(err))),
            absl::StrCat("<asctime> -- Process crasher:crasher (pid ", crasher,
                         ") died unexpectedly\n"
                         "<asctime> -- Process crasher2:crasher2 (pid ",
                         crasher2, ") died unexpectedly\n", error,
                         "Failed to send notification email: 2 lines kept for the next one\n",
                         error,
                         "Failed to send notification email: 2 lines kept for the next one\n"));
  EXPECT_EQ(sv_->CountInLog("spawned: 'batch'"), 1);
}

// A server that rejects every mail: the batch is kept and grows, and the
// listener stays up and keeps taking events.
TEST_F(BatchE2eTest, RejectedMailKeepsTheBatchAndTheListenerRunning) {
  SmtpServerOptions options;
  options.reject_data = true;
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start(options);
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  const std::string first = MakeFifo("crasher");
  const std::string second = MakeFifo("crasher2");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", first), CrasherProgram("crasher2", second),
      Listener("batch", kCrashmailbatch,
               absl::StrCat("-t ops@example.com -f ", kFrom, " -e TICK_5 -i 0.05 -H 127.0.0.1:",
                            (*smtp)->port())))));
  const pid_t listener = SpawnedPid("batch");
  const pid_t crasher = SpawnedPid("crasher");
  const pid_t crasher2 = SpawnedPid("crasher2");

  ASSERT_NO_FATAL_FAILURE(Release(first));
  WaitForErr("batch", "Failed to send notification email: 1 line kept for the next one\n");
  ASSERT_NO_FATAL_FAILURE(Release(second));
  // Only a TICK after crasher2's exit mails both lines.
  const std::string err =
      WaitForErr("batch", "Failed to send notification email: 2 lines kept for the next one\n");

  const std::string error =
      absl::StrCat("Error sending email: SMTP delivery via smtp://127.0.0.1:", (*smtp)->port(),
                   " failed: Weird server reply (server said: 554 5.7.1 Rejected for testing)\n");
  const std::string kept1 =
      absl::StrCat(error, "Failed to send notification email: 1 line kept for the next one\n");
  const std::string kept2 =
      absl::StrCat(error, "Failed to send notification email: 2 lines kept for the next one\n");
  // A TICK may come between the first failure and crasher2's exit: it tries
  // crasher's line alone again; one may be in flight when crasher2 exits.
  const std::regex expected(absl::StrCat(
      "<asctime> -- Process crasher:crasher \\(pid ", crasher, "\\) died unexpectedly\n(",
      RegexEscape(kept1), ")+<asctime> -- Process crasher2:crasher2 \\(pid ", crasher2,
      "\\) died unexpectedly\n(",
      RegexEscape(kept1), ")?", RegexEscape(kept2)));
  const std::string masked = MaskAsctime(WithoutStillSendingRecords(err));
  EXPECT_TRUE(std::regex_match(masked, expected)) << masked;
  EXPECT_THAT((*smtp)->Received(), IsEmpty());

  // Still the first listener process, never restarted, and still alive.
  EXPECT_EQ(sv_->CountInLog("spawned: 'batch'"), 1);
  EXPECT_EQ(sv_->CountInLog("exited: batch"), 0);
  EXPECT_EQ(kill(listener, 0), 0);
}

// Two recipients, one crash beside an expected exit: one mail, the crash's
// line only, upstream's subject, Python's MIMEText headers in order.
TEST_F(BatchE2eTest, CrashmailbatchMailsTheUnexpectedExitOnly) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start();
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  const std::string release = MakeFifo("crasher");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      "[program:fine]\ncommand=/bin/sh -c 'exit 0'\nexitcodes=0\nstartsecs=0\n"
      "autorestart=false\n",
      CrasherProgram("crasher", release),
      Listener("batch", kCrashmailbatch,
               absl::StrCat("-t 'a@example.com, b@example.com' -f ", kFrom,
                            " -e TICK_5 -i 0.05 -H 127.0.0.1:", (*smtp)->port())))));
  const pid_t listener = SpawnedPid("batch");
  const pid_t crasher = SpawnedPid("crasher");
  // fine's exit is queued before crasher's.
  ASSERT_THAT(sv_->WaitForLog("exited: fine (exit status 0; expected)", kWaitTimeout), IsOk());
  ASSERT_NO_FATAL_FAILURE(Release(release));

  const std::string err = WaitForDigest("batch");
  const std::vector<std::string> received = (*smtp)->Received();
  ASSERT_THAT(received, SizeIs(1));
  const std::string line =
      absl::StrCat("<asctime> -- Process crasher:crasher (pid ", crasher, ") died unexpectedly");
  EXPECT_EQ(MaskDelivery(received[0], listener),
            absl::StrCat("MAIL FROM:", kFrom,
                         "\nRCPT TO:a@example.com\nRCPT TO:b@example.com\n\n", kMimeHeaders,
                         "Subject: Crash alert from supervisord\r\n"
                         "From: ",
                         kFrom,
                         "\r\n"
                         "To: a@example.com, b@example.com\r\n"
                         "Date: <date>\r\n"
                         "Message-ID: <id>\r\n"
                         "\r\n",
                         line, "\r\n"));
  const std::string sent_line = err.substr(0, err.find('\n'));
  EXPECT_EQ(MaskAsctime(sent_line), line);
  EXPECT_EQ(err, absl::StrCat(sent_line,
                              "\nSending notification email:\n"
                              "To: a@example.com, b@example.com\n"
                              "From: ",
                              kFrom,
                              "\n"
                              "Subject: Crash alert from supervisord\n"
                              "Body:\n",
                              Digest(sent_line), "\n"));
}

// STARTTLS with the test's own certificate: delivered when the listener
// trusts it (--tls-ca-file), refused when it checks against the system's CAs.
TEST_F(BatchE2eTest, StarttlsDeliversOnlyWithATrustedCertificate) {
  SmtpServerOptions options;
  options.starttls = true;
  options.record_session = true;
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start(options);
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  const std::string release = MakeFifo("crasher");
  const std::string common = absl::StrCat("-t ops@example.com -e TICK_5 -i 0.05 -H 127.0.0.1:",
                                          (*smtp)->port(), " --tls");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", release),
      Listener("trusting", kCrashmailbatch,
               absl::StrCat(common, " -f trusting@example.com --tls-ca-file ",
                            (*smtp)->cert_path())),
      Listener("untrusting", kCrashmailbatch,
               absl::StrCat(common, " -f untrusting@example.com")))));
  const pid_t trusting = SpawnedPid("trusting");
  const pid_t crasher = SpawnedPid("crasher");
  ASSERT_NO_FATAL_FAILURE(Release(release));

  WaitForDigest("trusting");
  const std::string err =
      WaitForErr("untrusting", "Failed to send notification email: 1 line kept for the next one\n");
  const std::vector<std::string> received = (*smtp)->Received();
  ASSERT_THAT(received, SizeIs(1));
  EXPECT_EQ(MaskDelivery(received[0], trusting),
            absl::StrCat("TLS\nMAIL FROM:trusting@example.com\nRCPT TO:ops@example.com\n\n",
                         kMimeHeaders,
                         "Subject: Crash alert from supervisord\r\n"
                         "From: trusting@example.com\r\n"
                         "To: ops@example.com\r\n"
                         "Date: <date>\r\n"
                         "Message-ID: <id>\r\n"
                         "\r\n"
                         "<asctime> -- Process crasher:crasher (pid ",
                         crasher, ") died unexpectedly\r\n"));
  // A later TICK tries again (and fails the same way).
  const std::vector<std::string> lines = absl::StrSplit(err, '\n');
  ASSERT_GE(lines.size(), 3u) << err;
  EXPECT_EQ(MaskAsctime(lines[0]),
            absl::StrCat("<asctime> -- Process crasher:crasher (pid ", crasher,
                         ") died unexpectedly"));
  EXPECT_EQ(lines[1], absl::StrCat("Error sending email: SMTP delivery via smtp://127.0.0.1:",
                                   (*smtp)->port(),
                                   " failed: SSL certificate problem: self-signed certificate"));
  EXPECT_EQ(lines[2], "Failed to send notification email: 1 line kept for the next one");
}

// FATAL is mailed; an unexpected exit handled just before it is not.
TEST_F(BatchE2eTest, FatalmailbatchMailsTheFatalStartOnly) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start();
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  const std::string release = MakeFifo("crasher");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", release),
      // supervisorctl refuses to start a command that does not exist: this
      // one exits long before its startsecs, once, and gives up.
      "[program:failing]\ncommand=/bin/sh -c 'exit 1'\nstartsecs=60\nstartretries=0\n"
      "autostart=false\n",
      Listener("batch", kFatalmailbatch,
               absl::StrCat("-t ops@example.com -f ", kFrom, " -e TICK_5 -i 0.05 -H 127.0.0.1:",
                            (*smtp)->port())))));
  const pid_t listener = SpawnedPid("batch");
  ASSERT_NO_FATAL_FAILURE(Release(release));
  // crasher's exit is queued before failing's FATAL.
  ASSERT_THAT(sv_->WaitForLog("exited: crasher (exit status 3; not expected)", kWaitTimeout),
              IsOk());
  ASSERT_THAT(sv_->Ctl({"start", "failing"}), IsOk());
  ASSERT_THAT(sv_->WaitForLog("gave up: failing entered FATAL state", kWaitTimeout), IsOk());

  const std::string err = WaitForDigest("batch");
  const std::vector<std::string> received = (*smtp)->Received();
  ASSERT_THAT(received, SizeIs(1));
  const std::string line = "<asctime> -- Process failing:failing failed to start too many times";
  EXPECT_EQ(MaskDelivery(received[0], listener),
            absl::StrCat("MAIL FROM:", kFrom, "\nRCPT TO:ops@example.com\n\n", kMimeHeaders,
                         "Subject: Fatal start alert from supervisord\r\n"
                         "From: ",
                         kFrom,
                         "\r\n"
                         "To: ops@example.com\r\n"
                         "Date: <date>\r\n"
                         "Message-ID: <id>\r\n"
                         "\r\n",
                         line, "\r\n"));
  const std::string sent_line = err.substr(0, err.find('\n'));
  EXPECT_EQ(MaskAsctime(sent_line), line);
  EXPECT_EQ(err, absl::StrCat(sent_line,
                              "\nSending notification email:\n"
                              "To: ops@example.com\n"
                              "From: ",
                              kFrom,
                              "\n"
                              "Subject: Fatal start alert from supervisord\n"
                              "Body:\n",
                              Digest(sent_line), "\n"));
}

// The batch is mailed at SIGTERM, long before its interval, and posted to
// the webhook (whose thread must not be the one the signal reaches).
TEST_F(BatchE2eTest, SigtermMailsTheBatch) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start();
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  absl::StatusOr<std::unique_ptr<HttpServer>> hook = HttpServer::Start();
  ASSERT_TRUE(hook.ok()) << hook.status();
  const std::string release = MakeFifo("crasher");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", release),
      Listener("batch", kCrashmailbatch,
               absl::StrCat("-t ops@example.com -f ", kFrom, " -e TICK_5 -i 60 -H 127.0.0.1:",
                            (*smtp)->port(), " --webhook ", (*hook)->Url("/hook"))))));
  const pid_t listener = SpawnedPid("batch");
  const pid_t crasher = SpawnedPid("crasher");
  ASSERT_NO_FATAL_FAILURE(Release(release));
  WaitForErr("batch", "died unexpectedly\n");

  ASSERT_THAT(sv_->Ctl({"stop", "batch"}), IsOk());
  ASSERT_THAT(sv_->WaitForLog("stopped: batch (exit status 143)", kWaitTimeout), IsOk());
  const std::vector<std::string> received = (*smtp)->Received();
  ASSERT_THAT(received, SizeIs(1));
  const std::string line =
      absl::StrCat("<asctime> -- Process crasher:crasher (pid ", crasher, ") died unexpectedly");
  EXPECT_EQ(MaskDelivery(received[0], listener),
            absl::StrCat("MAIL FROM:", kFrom, "\nRCPT TO:ops@example.com\n\n", kMimeHeaders,
                         "Subject: Crash alert from supervisord\r\n"
                         "From: ",
                         kFrom,
                         "\r\n"
                         "To: ops@example.com\r\n"
                         "Date: <date>\r\n"
                         "Message-ID: <id>\r\n"
                         "\r\n",
                         line, "\r\n"));
  absl::StatusOr<std::string> err = ReadFile(ErrPath("batch"));
  ASSERT_TRUE(err.ok()) << err.status();
  const std::string sent_line = err->substr(0, err->find('\n'));
  EXPECT_EQ(MaskAsctime(sent_line), line);
  EXPECT_THAT(*err, HasSubstr(absl::StrCat(sent_line,
                                           "\nSending notification email:\n"
                                           "To: ops@example.com\n"
                                           "From: ",
                                           kFrom,
                                           "\n"
                                           "Subject: Crash alert from supervisord\n"
                                           "Body:\n",
                                           Digest(sent_line), "\n")));
  EXPECT_THAT(*err, HasSubstr("crashmailbatch: stopping on SIGTERM (killed 0 child process "
                              "groups)\n"));
  const std::vector<HttpRequest> posts = (*hook)->requests();
  ASSERT_THAT(posts, SizeIs(1));
  EXPECT_THAT(posts[0].body, HasSubstr("\"event\":\"batch\",\"processes\":[\"crasher:crasher\"]"));
}

// A login over STARTTLS; the password shows in no log.
TEST_F(BatchE2eTest, LoginOverStarttlsKeepsThePasswordOutOfTheLogs) {
  SmtpServerOptions options;
  options.starttls = true;
  options.auth_user = kUser;
  options.auth_password = kPassword;
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start(options);
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  const std::string release = MakeFifo("crasher");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", release),
      Listener("batch", kCrashmailbatch,
               absl::StrCat("-t ops@example.com -f ", kFrom, " -e TICK_5 -i 0.05 -H 127.0.0.1:",
                            (*smtp)->port(), " -u ", kUser, " -p ", kPassword,
                            " --tls --tls-ca-file ", (*smtp)->cert_path())))));
  const pid_t listener = SpawnedPid("batch");
  const pid_t crasher = SpawnedPid("crasher");
  ASSERT_NO_FATAL_FAILURE(Release(release));

  const std::string err = WaitForDigest("batch");
  const std::vector<std::string> received = (*smtp)->Received();
  ASSERT_THAT(received, SizeIs(1));
  EXPECT_EQ(MaskDelivery(received[0], listener),
            absl::StrCat("TLS\nAUTH ", kUser, "\nMAIL FROM:", kFrom,
                         "\nRCPT TO:ops@example.com\n\n", kMimeHeaders,
                         "Subject: Crash alert from supervisord\r\n"
                         "From: ",
                         kFrom,
                         "\r\n"
                         "To: ops@example.com\r\n"
                         "Date: <date>\r\n"
                         "Message-ID: <id>\r\n"
                         "\r\n"
                         "<asctime> -- Process crasher:crasher (pid ",
                         crasher, ") died unexpectedly\r\n"));
  EXPECT_THAT(err, Not(HasSubstr(kPassword)));
  // The listener's stderr is there too (debug level): it was looked at.
  const std::string log = sv_->ReadLog();
  EXPECT_THAT(log, HasSubstr("Sending notification email:"));
  EXPECT_THAT(log, Not(HasSubstr(kPassword)));
}

// A login without --tls: refused unless --allow-plaintext-auth, which logs
// in in clear.
TEST_F(BatchE2eTest, PlaintextLoginOnlyWhenAllowed) {
  SmtpServerOptions options;
  options.auth_user = kUser;
  options.auth_password = kPassword;
  options.auth_require_tls = false;
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start(options);
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  const std::string release = MakeFifo("crasher");
  const std::string common =
      absl::StrCat("-t ops@example.com -e TICK_5 -i 0.05 -H 127.0.0.1:", (*smtp)->port(),
                   " -u ", kUser, " -p ", kPassword);
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", release),
      Listener("refusing", kCrashmailbatch, absl::StrCat(common, " -f refusing@example.com")),
      Listener("plaintext", kCrashmailbatch,
               absl::StrCat(common, " -f plaintext@example.com --allow-plaintext-auth")))));
  const pid_t plaintext = SpawnedPid("plaintext");
  const pid_t crasher = SpawnedPid("crasher");
  ASSERT_NO_FATAL_FAILURE(Release(release));

  WaitForDigest("plaintext");
  const std::string err =
      WaitForErr("refusing", "Failed to send notification email: 1 line kept for the next one\n");
  const std::vector<std::string> received = (*smtp)->Received();
  ASSERT_THAT(received, SizeIs(1));
  EXPECT_EQ(MaskDelivery(received[0], plaintext),
            absl::StrCat("AUTH ", kUser,
                         "\nMAIL FROM:plaintext@example.com\nRCPT TO:ops@example.com\n\n",
                         kMimeHeaders,
                         "Subject: Crash alert from supervisord\r\n"
                         "From: plaintext@example.com\r\n"
                         "To: ops@example.com\r\n"
                         "Date: <date>\r\n"
                         "Message-ID: <id>\r\n"
                         "\r\n"
                         "<asctime> -- Process crasher:crasher (pid ",
                         crasher, ") died unexpectedly\r\n"));
  // A later TICK tries again (and fails the same way).
  const std::vector<std::string> lines = absl::StrSplit(err, '\n');
  ASSERT_GE(lines.size(), 3u) << err;
  EXPECT_EQ(MaskAsctime(lines[0]),
            absl::StrCat("<asctime> -- Process crasher:crasher (pid ", crasher,
                         ") died unexpectedly"));
  EXPECT_EQ(lines[1], absl::StrCat("Error sending email: SMTP delivery via smtp://127.0.0.1:",
                                   (*smtp)->port(), " failed: STARTTLS not supported."));
  EXPECT_THAT(err, Not(HasSubstr(kPassword)));
  EXPECT_EQ(lines[2], "Failed to send notification email: 1 line kept for the next one");
}

// crashsms: its own line, and no Subject header at all (`None` in the
// digest, as upstream prints it).
TEST_F(BatchE2eTest, CrashsmsMailsWithoutSubject) {
  absl::StatusOr<std::unique_ptr<SmtpServer>> smtp = SmtpServer::Start();
  ASSERT_TRUE(smtp.ok()) << smtp.status();
  const std::string release = MakeFifo("crasher");
  ASSERT_NO_FATAL_FAILURE(StartSupervisord(absl::StrCat(
      CrasherProgram("crasher", release),
      Listener("sms", kCrashsms,
               absl::StrCat("-t 5550100@sms.example.com -f ", kFrom,
                            " -e TICK_5 -i 0.05 -H 127.0.0.1:", (*smtp)->port())))));
  const pid_t listener = SpawnedPid("sms");
  const pid_t crasher = SpawnedPid("crasher");
  ASSERT_NO_FATAL_FAILURE(Release(release));

  const std::string err = WaitForDigest("sms");
  const std::vector<std::string> received = (*smtp)->Received();
  ASSERT_THAT(received, SizeIs(1));
  const std::string line =
      absl::StrCat("[crasher:crasher](", crasher, ") exited unexpectedly <asctime>");
  EXPECT_EQ(MaskDelivery(received[0], listener),
            absl::StrCat("MAIL FROM:", kFrom, "\nRCPT TO:5550100@sms.example.com\n\n",
                         kMimeHeaders, "From: ", kFrom,
                         "\r\n"
                         "To: 5550100@sms.example.com\r\n"
                         "Date: <date>\r\n"
                         "Message-ID: <id>\r\n"
                         "\r\n",
                         line, "\r\n"));
  const std::string sent_line = err.substr(0, err.find('\n'));
  EXPECT_EQ(MaskAsctime(sent_line), line);
  EXPECT_EQ(err, absl::StrCat(sent_line,
                              "\nSending notification email:\n"
                              "To: 5550100@sms.example.com\n"
                              "From: ",
                              kFrom,
                              "\n"
                              "Subject: None\n"
                              "Body:\n",
                              Digest(sent_line), "\n"));
}

}  // namespace
}  // namespace testing
}  // namespace svl
