#include "tests/httpok/fake_probe.h"

#include <utility>

namespace svl {
namespace testing {

httpok::ProbeResult Responded(int status, std::string reason, std::string body) {
  httpok::ProbeResult result;
  result.responded = true;
  result.status = status;
  result.reason = std::move(reason);
  result.body = std::move(body);
  result.attempts = 1;
  return result;
}

httpok::ProbeResult NoResponse(std::string error, httpok::ProbeErrorKind kind) {
  httpok::ProbeResult result;
  result.error = std::move(error);
  result.error_kind = kind;
  result.attempts = 1;
  return result;
}

httpok::ProbeResult FakeProbe::Check() {
  absl::MutexLock lock(&mu_);
  ++checks_;
  if (script_.empty()) return fallback_;
  httpok::ProbeResult next = std::move(script_.front());
  script_.pop_front();
  return next;
}

void FakeProbe::Push(httpok::ProbeResult result) {
  absl::MutexLock lock(&mu_);
  script_.push_back(std::move(result));
}

void FakeProbe::SetFallback(httpok::ProbeResult result) {
  absl::MutexLock lock(&mu_);
  fallback_ = std::move(result);
}

int FakeProbe::checks() const {
  absl::MutexLock lock(&mu_);
  return checks_;
}

void FakeProbe::WaitForChecks(int count) const {
  absl::MutexLock lock(&mu_);
  struct Args {
    const int* checks;
    int count;
  } args{&checks_, count};
  mu_.Await(absl::Condition(+[](Args* a) { return *a->checks >= a->count; }, &args));
}

}  // namespace testing
}  // namespace svl
