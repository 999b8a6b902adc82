#include "tests/testing/status_matchers.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace svl {
namespace testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusMatchersTest, IsOkMatchesOnlyOk) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::InvalidArgumentError("x"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(3), IsOk());
}

TEST(StatusMatchersTest, IsOkAndHoldsChecksTheValue) {
  EXPECT_THAT(absl::StatusOr<int>(3), IsOkAndHolds(3));
  EXPECT_THAT(absl::StatusOr<int>(3), Not(IsOkAndHolds(4)));
  EXPECT_THAT(absl::StatusOr<int>(absl::NotFoundError("no")), Not(IsOkAndHolds(3)));
}

TEST(StatusMatchersTest, StatusIsChecksCodeAndMessage) {
  absl::Status s = absl::InvalidArgumentError("bad len: x");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("len")));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kNotFound)));
  EXPECT_THAT(s, Not(StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("serial"))));
}

}  // namespace
}  // namespace testing
}  // namespace svl
