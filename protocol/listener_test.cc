#include "protocol/listener.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/event.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/thread_syscall.h"
#include "tests/testing/wait_for.h"

namespace svl {
namespace protocol {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char kTick[] =
    "ver:3.0 server:supervisor serial:9 pool:rec poolserial:9 eventname:TICK_5 len:15\n"
    "when:1795609595";
const char kRemote[] =
    "ver:3.0 server:supervisor serial:10 pool:rec poolserial:10 "
    "eventname:REMOTE_COMMUNICATION len:14\ntype:t\nh\xc3\xa9llo \xe2\x98\x83";

// A pipe whose ends close when it goes out of scope.
struct Pipe {
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    read_fd = fds[0];
    write_fd = fds[1];
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  void CloseRead() {
    if (read_fd >= 0) close(read_fd);
    read_fd = -1;
  }
  void CloseWrite() {
    if (write_fd >= 0) close(write_fd);
    write_fd = -1;
  }
  void Write(absl::string_view bytes) {
    ASSERT_EQ(write(write_fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  // Reads everything until EOF (the write end must be closed).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(read_fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
  int read_fd = -1;
  int write_fd = -1;
};

// Runs a listener over `input` (written up front, then EOF) and returns its
// status; `output` receives everything it wrote.
absl::Status RunOver(absl::string_view input, const EventHandler& handler, std::string* output) {
  Pipe in;
  Pipe out;
  in.Write(input);
  in.CloseWrite();
  Listener listener(in.read_fd, out.write_fd);
  absl::Status status = listener.Run(handler);
  out.CloseWrite();
  *output = out.ReadAll();
  return status;
}

TEST(FormatResultTest, CanonicalReplies) {
  EXPECT_EQ(FormatResult(kResultOk), "RESULT 2\nOK");
  EXPECT_EQ(FormatResult(kResultFail), "RESULT 4\nFAIL");
  EXPECT_EQ(FormatResult(""), "RESULT 0\n");
}

TEST(ListenerTest, EofBetweenEventsIsACleanExit) {
  std::vector<std::string> seen;
  std::string output;
  EXPECT_THAT(RunOver(std::string(kTick) + kRemote,
                      [&](const Event& event) {
                        seen.push_back(event.header.eventname + "|" + event.payload);
                        return kResultOk;
                      },
                      &output),
              IsOk());
  EXPECT_THAT(seen, ElementsAre("TICK_5|when:1795609595",
                                "REMOTE_COMMUNICATION|type:t\nh\xc3\xa9llo \xe2\x98\x83"));
  EXPECT_EQ(output, "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
}

TEST(ListenerTest, EofBeforeAnyEventIsACleanExit) {
  std::string output;
  EXPECT_THAT(RunOver("", [](const Event&) { return kResultOk; }, &output), IsOk());
  EXPECT_EQ(output, "READY\n");
}

TEST(ListenerTest, EofMidEventIsDataLossAndWritesNothingForIt) {
  std::string output;
  int calls = 0;
  EXPECT_THAT(RunOver(std::string(kTick) + std::string(kTick).substr(0, 85),
                      [&](const Event&) {
                        ++calls;
                        return kResultOk;
                      },
                      &output),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("stream ended inside the payload of event TICK_5 (serial 9): "
                                 "4 of 15 code points read")));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(output, "READY\nRESULT 2\nOKREADY\n");
}

TEST(ListenerTest, EofInHeaderIsDataLoss) {
  std::string output;
  EXPECT_THAT(RunOver("ver:3.0 serial:1", [](const Event&) { return kResultOk; }, &output),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("stream ended inside an event header after 16 bytes")));
  EXPECT_EQ(output, "READY\n");
}

TEST(ListenerTest, MalformedHeaderIsAnErrorAndNothingIsWrittenAfterReady) {
  std::string output;
  int calls = 0;
  EXPECT_THAT(RunOver("bogus data yo\nmore", [&](const Event&) {
                ++calls;
                return kResultOk;
              }, &output),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("event header has no 'len' token: \"bogus data yo\"")));
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(output, "READY\n");
}

TEST(ListenerTest, BadLenIsAnErrorAndNothingIsWrittenAfterReady) {
  std::string output;
  EXPECT_THAT(RunOver("ver:3.0 len:1e3\nx", [](const Event&) { return kResultOk; }, &output),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("event header 'len' is not a number: \"1e3\"")));
  EXPECT_EQ(output, "READY\n");
}

TEST(ListenerTest, FailResultAndRedeliveryFlag) {
  std::vector<bool> redelivered;
  std::string output;
  EXPECT_THAT(RunOver(std::string(kTick) + kTick + kRemote,
                      [&](const Event& event) -> std::string {
                        redelivered.push_back(event.redelivered);
                        return redelivered.size() == 1 ? kResultFail : kResultOk;
                      },
                      &output),
              IsOk());
  EXPECT_THAT(redelivered, ElementsAre(false, true, false));
  EXPECT_EQ(output,
            "READY\nRESULT 4\nFAILREADY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
}

TEST(ListenerTest, ShortReadsOneByteAtATime) {
  Pipe in;
  Pipe out;
  const std::string input = std::string(kRemote) + kTick;
  std::thread writer([&] {
    for (char c : input) {
      ASSERT_EQ(write(in.write_fd, &c, 1), 1);
      std::this_thread::yield();
    }
    in.CloseWrite();
  });
  std::vector<std::string> seen;
  Listener listener(in.read_fd, out.write_fd);
  absl::Status status = listener.Run([&](const Event& event) {
    seen.push_back(event.payload);
    return kResultOk;
  });
  writer.join();
  EXPECT_THAT(status, IsOk());
  EXPECT_THAT(seen, ElementsAre("type:t\nh\xc3\xa9llo \xe2\x98\x83", "when:1795609595"));
  out.CloseWrite();
  EXPECT_EQ(out.ReadAll(), "READY\nRESULT 2\nOKREADY\nRESULT 2\nOKREADY\n");
}

// SOCK_SEQPACKET keeps write(2) boundaries: each reply must be one write.
TEST(ListenerTest, EachReplyIsOneWrite) {
  int sockets[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sockets), 0);
  absl::Cleanup close_sockets = [&] {
    close(sockets[0]);
    close(sockets[1]);
  };
  Pipe in;
  in.Write(std::string(kTick) + kRemote);
  in.CloseWrite();
  Listener listener(in.read_fd, sockets[0]);
  ASSERT_THAT(listener.Run([](const Event&) { return kResultOk; }), IsOk());
  shutdown(sockets[0], SHUT_WR);
  std::vector<std::string> writes;
  char buf[256];
  ssize_t n;
  while ((n = recv(sockets[1], buf, sizeof(buf), 0)) > 0) writes.emplace_back(buf, n);
  EXPECT_THAT(writes, ElementsAre("READY\n", "RESULT 2\nOKREADY\n", "RESULT 2\nOKREADY\n"));
}

TEST(ListenerTest, StepByStepApi) {
  Pipe in;
  Pipe out;
  in.Write(kTick);
  in.CloseWrite();
  Listener listener(in.read_fd, out.write_fd);
  ASSERT_THAT(listener.WriteReady(), IsOk());
  absl::StatusOr<Event> event = listener.ReadEvent();
  ASSERT_THAT(event, IsOk());
  EXPECT_EQ(event->header.serial, 9u);
  ASSERT_THAT(listener.WriteResult(kResultOk, /*then_ready=*/false), IsOk());
  EXPECT_THAT(listener.ReadEvent(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("end of events")));
  out.CloseWrite();
  EXPECT_EQ(out.ReadAll(), "READY\nRESULT 2\nOK");
}

TEST(ListenerTest, ReadErrorIsAnErrnoStatus) {
  Pipe out;
  Listener listener(/*in_fd=*/out.write_fd, /*out_fd=*/out.write_fd);  // not readable
  EXPECT_THAT(listener.ReadEvent(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                             HasSubstr("read(2) from fd")));
}

TEST(ListenerTest, WriteErrorIsAnErrnoStatus) {
  Pipe in;
  Listener listener(in.read_fd, /*out_fd=*/in.read_fd);  // not writable
  EXPECT_THAT(listener.Run([](const Event&) { return kResultOk; }),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("write(2) to fd")));
}

TEST(ListenerTest, ClosedReaderIsUnavailableWhenSigpipeIsIgnored) {
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  struct sigaction previous;
  ASSERT_EQ(sigaction(SIGPIPE, &ignore, &previous), 0);
  absl::Cleanup restore = [&] { sigaction(SIGPIPE, &previous, nullptr); };
  Pipe in;
  Pipe out;
  out.CloseRead();
  Listener listener(in.read_fd, out.write_fd);
  const absl::Status status = listener.Run([](const Event&) { return kResultOk; });
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kUnavailable,
                       ::testing::Eq(absl::StrCat("write(2) to fd ", out.write_fd, ": Broken pipe"))));
  EXPECT_TRUE(IsClosedOutput(status));
}

// EAGAIN has EPIPE's code (kUnavailable) but is not a closed output.
TEST(ListenerTest, NonBlockingEmptyInputIsNotAClosedOutput) {
  Pipe in;
  Pipe out;
  ASSERT_EQ(fcntl(in.read_fd, F_SETFL, fcntl(in.read_fd, F_GETFL) | O_NONBLOCK), 0);
  Listener listener(in.read_fd, out.write_fd);
  const absl::Status status = listener.Run([](const Event&) { return kResultOk; });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_FALSE(IsClosedOutput(status));
  EXPECT_FALSE(IsClosedOutput(absl::UnavailableError("write(2) to fd 1: Broken pipe")));
}

void IgnoreSignal(int) {}

// A signal without SA_RESTART interrupts the blocked read(2) with EINTR.
TEST(ListenerTest, ReadIsRestartedAfterEintr) {
  struct sigaction action = {};
  action.sa_handler = IgnoreSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART
  struct sigaction previous;
  ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);
  absl::Cleanup restore = [&] { sigaction(SIGUSR1, &previous, nullptr); };

  Pipe in;
  Pipe out;
  const pthread_t reader = pthread_self();
  const pid_t reader_tid = static_cast<pid_t>(syscall(SYS_gettid));
  std::thread writer([&] {
    // Each signal goes to the reader once it is blocked in read(2).
    for (int i = 0; i < 5; ++i) {
      const absl::Status blocked = svl::testing::WaitFor(
          [&] { return svl::testing::BlockedSyscall(getpid(), reader_tid) == SYS_read; },
          svl::testing::kWaitTimeout, "the listener blocked in read(2)");
      EXPECT_THAT(blocked, IsOk());
      if (!blocked.ok()) break;  // still send the event: the reader must not hang
      pthread_kill(reader, SIGUSR1);
    }
    ASSERT_EQ(write(in.write_fd, kTick, sizeof(kTick) - 1),
              static_cast<ssize_t>(sizeof(kTick) - 1));
    in.CloseWrite();
  });
  Listener listener(in.read_fd, out.write_fd);
  int calls = 0;
  absl::Status status = listener.Run([&](const Event&) {
    ++calls;
    return kResultOk;
  });
  writer.join();
  EXPECT_THAT(status, IsOk());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace protocol
}  // namespace svl
