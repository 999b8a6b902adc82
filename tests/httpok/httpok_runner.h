// File: tests/httpok/httpok_runner.h
//
// Runs the real httpok binary (bazel-bin/httpok/httpok, from the test's
// runfiles) as a child with its stdin, stdout and stderr on pipes: the
// black-box harness of upstream_test and e2e_test.
//
// Example:
//
//   absl::StatusOr<RunResult> r = RunHttpOk({"-p", "foo", url},
//       {{"SUPERVISOR_SERVER_URL", sv_url}}, "eventname:TICK len:0\n");
//   EXPECT_EQ(r->out, "READY\nRESULT 2\nOKREADY\n");

#ifndef SVL_TESTS_HTTPOK_HTTPOK_RUNNER_H_
#define SVL_TESTS_HTTPOK_HTTPOK_RUNNER_H_

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

// HttpOkBinary() is the absolute path of the httpok binary in the runfiles.
std::string HttpOkBinary();

// RunHttpOk() runs httpok with `args` (argv[1..]) and an environment made of
// PATH plus `env` only, writes `input` to its stdin and closes it, and
// collects everything it writes until it exits. It is killed after `timeout`
// (kDeadlineExceeded).
absl::StatusOr<RunResult> RunHttpOk(const std::vector<std::string>& args,
                                    const std::vector<std::pair<std::string, std::string>>& env,
                                    absl::string_view input,
                                    absl::Duration timeout = absl::Seconds(60));

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_HTTPOK_HTTPOK_RUNNER_H_
