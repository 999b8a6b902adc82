// File: tests/testing/status_matchers.h
//
// gMock matchers for absl::Status and absl::StatusOr, because Debian's abseil
// 20220623 ships none (its statusor_test.cc defines them locally, as here).
//
// Example:
//
//   EXPECT_THAT(ParseEventHeader("len:x"),
//               StatusIs(absl::StatusCode::kInvalidArgument,
//                        HasSubstr("len")));
//   EXPECT_THAT(ParseTickPayload("when:5"), IsOkAndHolds(Field(&TickPayload::when, 5)));

#ifndef SVL_TESTS_TESTING_STATUS_MATCHERS_H_
#define SVL_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace svl {
namespace testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// IsOk() matches an OK Status or StatusOr.
MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

// IsOkAndHolds(m) matches an OK StatusOr whose value matches m.
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

// StatusIs(code) and StatusIs(code, message_matcher).
MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& status = GetStatus(arg);
  if (status.code() != code) {
    *result_listener << "status is " << status;
    return false;
  }
  return true;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has status code " + ::testing::PrintToString(code) +
               " and a matching message") {
  const absl::Status& status = GetStatus(arg);
  if (status.code() != code) {
    *result_listener << "status is " << status;
    return false;
  }
  return ::testing::ExplainMatchResult(message_matcher,
                                       std::string(status.message()),
                                       result_listener);
}

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_STATUS_MATCHERS_H_
