// File: tests/testing/fake_supervisor.h
//
// A small XML-RPC server standing in for supervisord where a real one cannot
// produce the case under test: upstream's dummy supervisord of
// superlance/tests/dummy.py, with its fixed process table, its order (not
// supervisord's lexical order) and its faults (stopProcess of a name ending
// in FAILED gives Fault 30 'FAILED'; startProcess of a name ending in
// SPAWN_ERROR gives Fault 50 'SPAWN_ERROR'; more faults can be set per call
// with SetFault()). It serves POST /RPC2 on a real loopback HttpServer and
// records every call as upstream's tests list them, e.g.
// "getAllProcessInfo()", "stopProcess('foo')". Used by the black-box tests
// of every listener that talks to supervisord.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<FakeSupervisor>> sv = FakeSupervisor::Start(UpstreamFixture());
//   setenv("SUPERVISOR_SERVER_URL", (*sv)->url().c_str(), 1);
//   ... EXPECT_THAT((*sv)->calls(), ElementsAre("getAllProcessInfo()"));

#ifndef SVL_TESTS_TESTING_FAKE_SUPERVISOR_H_
#define SVL_TESTS_TESTING_FAKE_SUPERVISOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "tests/testing/http_server.h"

namespace svl {
namespace testing {

struct FakeProcess {
  std::string name;
  std::string group;
  std::int64_t pid = 0;
  int state = 0;  // supervisord state code (20 = RUNNING)
  std::string statename;
  std::string spawnerr;
  // supervisord's clock: when the process started, and "now" of the answer
  // (now - start is its uptime).
  std::int64_t start = 0;
  std::int64_t now = 0;
};

// superlance/tests/dummy.py: foo RUNNING (pid 11), bar FATAL, baz:baz_01 STOPPED.
std::vector<FakeProcess> UpstreamFixture();
// superlance/tests/test_httpok.py _FAIL: foo:FAILED and foo:SPAWN_ERROR, RUNNING.
std::vector<FakeProcess> UpstreamFailFixture();

class FakeSupervisor {
 public:
  static absl::StatusOr<std::unique_ptr<FakeSupervisor>> Start(std::vector<FakeProcess> processes);

  // http://127.0.0.1:PORT, for SUPERVISOR_SERVER_URL.
  std::string url() const;
  std::vector<std::string> calls() const;
  // When set, every call answers HTTP 500 (a non-fault RPC error).
  void SetBroken(bool broken);
  // SetFault() makes `method` (e.g. "stopProcess") called with the name
  // `name` answer Fault `code` with the string `text`, before the built-in
  // faults above.
  void SetFault(const std::string& method, const std::string& name, int code,
                const std::string& text);

 private:
  FakeSupervisor() = default;
  HttpResponse Handle(const HttpRequest& request);

  std::unique_ptr<HttpServer> server_;
  mutable absl::Mutex mu_;
  std::vector<FakeProcess> processes_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
  struct Fault {
    std::string method;
    std::string name;
    int code;
    std::string text;
  };
  std::vector<Fault> faults_ ABSL_GUARDED_BY(mu_);
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_FAKE_SUPERVISOR_H_
