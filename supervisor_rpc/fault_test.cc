#include "supervisor_rpc/fault.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::StatusIs;

struct FaultCase {
  int code;
  const char* name;
  absl::StatusCode status_code;
};

TEST(FaultTest, NamesAndCanonicalCodes) {
  const FaultCase cases[] = {
      {1, "UNKNOWN_METHOD", absl::StatusCode::kUnimplemented},
      {2, "INCORRECT_PARAMETERS", absl::StatusCode::kInvalidArgument},
      {3, "BAD_ARGUMENTS", absl::StatusCode::kInvalidArgument},
      {4, "SIGNATURE_UNSUPPORTED", absl::StatusCode::kAborted},
      {6, "SHUTDOWN_STATE", absl::StatusCode::kUnavailable},
      {10, "BAD_NAME", absl::StatusCode::kNotFound},
      {11, "BAD_SIGNAL", absl::StatusCode::kInvalidArgument},
      {20, "NO_FILE", absl::StatusCode::kAborted},
      {21, "NOT_EXECUTABLE", absl::StatusCode::kAborted},
      {30, "FAILED", absl::StatusCode::kAborted},
      {40, "ABNORMAL_TERMINATION", absl::StatusCode::kAborted},
      {50, "SPAWN_ERROR", absl::StatusCode::kAborted},
      {60, "ALREADY_STARTED", absl::StatusCode::kAlreadyExists},
      {70, "NOT_RUNNING", absl::StatusCode::kFailedPrecondition},
      {80, "SUCCESS", absl::StatusCode::kAborted},
      {90, "ALREADY_ADDED", absl::StatusCode::kAborted},
      {91, "STILL_RUNNING", absl::StatusCode::kAborted},
      {92, "CANT_REREAD", absl::StatusCode::kAborted},
      {7, "UNKNOWN_FAULT", absl::StatusCode::kAborted},
  };
  for (const FaultCase& c : cases) {
    SCOPED_TRACE(c.code);
    EXPECT_EQ(FaultName(c.code), c.name);
    const std::string text = std::string(c.name) + ": x";
    EXPECT_THAT(FaultToStatus({c.code, text}), StatusIs(c.status_code, text));
  }
}

TEST(FaultTest, RoundTripIsExact) {
  const Fault faults[] = {
      {50, "SPAWN_ERROR: foo"},
      {20, "NO_FILE: can't find command '/nonexistent/bin'"},
      {1, "UNKNOWN_METHOD"},
      {-3, ""},
      {12345, "odd \"quotes\" and\nnewlines"},
  };
  for (const Fault& fault : faults) {
    absl::optional<Fault> back = FaultFromStatus(FaultToStatus(fault));
    ASSERT_TRUE(back.has_value()) << fault.fault_string;
    EXPECT_EQ(back->code, fault.code);
    EXPECT_EQ(back->fault_string, fault.fault_string);
  }
}

TEST(FaultTest, OtherStatusesAreNotFaults) {
  EXPECT_FALSE(FaultFromStatus(absl::OkStatus()).has_value());
  EXPECT_FALSE(FaultFromStatus(absl::UnavailableError("BAD_NAME: x")).has_value());
  EXPECT_FALSE(FaultFromStatus(absl::NotFoundError("BAD_NAME: x")).has_value());
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
