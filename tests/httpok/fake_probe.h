// File: tests/httpok/fake_probe.h
//
// An httpok::HttpProbe for tests of httpok's policy: Check() returns the
// scripted results in order, then the fallback result (a 200 OK with an
// empty body until SetFallback() says otherwise), and counts the checks.
// (Here, not in tests/testing: it implements a listener's interface.)
//
// Example:
//
//   FakeProbe probe;
//   probe.Push(Responded(500, "Internal Server Error"));
//   probe.Push(NoResponse("error contacting http://h/: refused", ProbeErrorKind::kRefused));
//   ... two checks ...
//   EXPECT_EQ(probe.checks(), 2);
//
// Thread-safe (httpok checks on its round thread).

#ifndef SVL_TESTS_HTTPOK_FAKE_PROBE_H_
#define SVL_TESTS_HTTPOK_FAKE_PROBE_H_

#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "httpok/http_probe.h"

namespace svl {
namespace testing {

// Responded() is a result with a response: status, reason phrase and body.
httpok::ProbeResult Responded(int status, std::string reason, std::string body = "");
// NoResponse() is a result without one: the error line and its kind.
httpok::ProbeResult NoResponse(std::string error, httpok::ProbeErrorKind kind);

class FakeProbe : public httpok::HttpProbe {
 public:
  httpok::ProbeResult Check() override;

  // Push() appends a result to the script.
  void Push(httpok::ProbeResult result);
  // SetFallback() sets the result given once the script is used up.
  void SetFallback(httpok::ProbeResult result);
  // checks() is how many times Check() was called.
  int checks() const;
  // WaitForChecks() returns once Check() was called `count` times in all.
  void WaitForChecks(int count) const;

 private:
  mutable absl::Mutex mu_;
  std::deque<httpok::ProbeResult> script_ ABSL_GUARDED_BY(mu_);
  httpok::ProbeResult fallback_ ABSL_GUARDED_BY(mu_) = Responded(200, "OK");
  int checks_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_HTTPOK_FAKE_PROBE_H_
