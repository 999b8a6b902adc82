// File: tests/testing/listener_runner.h
//
// Runs a real listener binary (e.g. bazel-bin/httpok/httpok), named by its
// path in the test's runfiles ("httpok/httpok", "memmon/memmon"; the test
// lists the binary in its `data`), as a child with its stdin, stdout and
// stderr on pipes: the black-box harness of the listeners' upstream and
// end-to-end tests.
//
// Example:
//
//   absl::StatusOr<RunResult> r = RunListener("httpok/httpok", {"-p", "foo", url},
//       {{"SUPERVISOR_SERVER_URL", sv_url}}, "eventname:TICK len:0\n");
//   EXPECT_EQ(r->out, "READY\nRESULT 2\nOKREADY\n");

#ifndef SVL_TESTS_TESTING_LISTENER_RUNNER_H_
#define SVL_TESTS_TESTING_LISTENER_RUNNER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace testing {

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal (or by the timeout)
  std::string out;
  std::string err;
};

// ListenerBinary() is the absolute path of the binary at `runfiles_path`
// (e.g. "httpok/httpok") in the test's runfiles.
std::string ListenerBinary(absl::string_view runfiles_path);

// RunListener() runs the binary at `runfiles_path` with `args` (argv[1..])
// and an environment made of PATH, SVLISTEN_STATE_DIR (a directory under
// TEST_TMPDIR) and `env` only, writes `input` to its stdin and closes it, and
// collects everything it writes until it exits. It is killed after `timeout`
// (kDeadlineExceeded).
absl::StatusOr<RunResult> RunListener(absl::string_view runfiles_path,
                                      const std::vector<std::string>& args,
                                      const std::vector<std::pair<std::string, std::string>>& env,
                                      absl::string_view input,
                                      absl::Duration timeout = absl::Seconds(60));

// RunListenerWithClosedStdout() runs the binary like RunListener(), but its
// stdout is a pipe whose read end is already closed (as when supervisord has
// gone) and its stdin stays open until it exits. `out` stays empty.
absl::StatusOr<RunResult> RunListenerWithClosedStdout(
    absl::string_view runfiles_path, const std::vector<std::string>& args,
    const std::vector<std::pair<std::string, std::string>>& env,
    absl::Duration timeout = absl::Seconds(60));

// ListenerSession runs a listener binary interactively: one event at a
// time, so a test can wait for the effect of each TICK before sending the
// next.
//
//   auto session = ListenerSession::Start("httpok/httpok", {"-p", "a", url},
//                                         {{"SUPERVISOR_SERVER_URL", u}});
//   (*session)->Send("eventname:TICK_5 len:0\n");   // returns once acknowledged
//   (*session)->WaitForStderr("a restarted\n", 1);
//   RunResult r = (*session)->Finish();              // EOF, then everything it wrote
class ListenerSession {
 public:
  static absl::StatusOr<std::unique_ptr<ListenerSession>> Start(
      absl::string_view runfiles_path, const std::vector<std::string>& args,
      const std::vector<std::pair<std::string, std::string>>& env);
  ~ListenerSession();  // kills the child if Finish() was not called

  // Send() writes one event and waits (up to `timeout`) for its
  // "RESULT 2\nOKREADY\n". False on timeout or EOF.
  bool Send(absl::string_view event, absl::Duration timeout = absl::Seconds(30));

  // WaitForStderr() waits until `needle` occurs at least `count` times on
  // stderr. False on timeout.
  bool WaitForStderr(absl::string_view needle, int count = 1,
                     absl::Duration timeout = absl::Seconds(30));

  // The child's pid (-1 once Finish() reaped it).
  pid_t pid() const { return pid_; }

  // What was read so far.
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

  // Finish() closes stdin and collects the rest until the child exits.
  RunResult Finish(absl::Duration timeout = absl::Seconds(60));

 private:
  ListenerSession() = default;
  // Pump() reads what is available, waiting up to `wait`; false at EOF of both.
  bool Pump(absl::Duration wait);

  pid_t pid_ = -1;
  int in_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  int acks_ = 0;
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_LISTENER_RUNNER_H_
