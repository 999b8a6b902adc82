#include "crashsms/crashsms.h"

#include <string>

#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "protocol/payloads.h"

namespace svl {
namespace crashsms {
namespace {

const kit::BatchKind kind = CrashsmsKind();

TEST(CrashsmsKindTest, Names) {
  EXPECT_EQ(kind.listener, "crashsms");
  EXPECT_EQ(kind.handled_event, "PROCESS_STATE_EXITED");
  EXPECT_EQ(kind.default_subject, absl::optional<std::string>(absl::nullopt));
}

TEST(CrashsmsKindTest, UpstreamLine) {
  absl::StatusOr<protocol::ProcessStatePayload> state =
      protocol::ParseProcessStatePayload(kind.handled_event, "processname:foo groupname:bar from_state:RUNNING expected:0 pid:58597");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(kind.line_for(*state, "T"), absl::optional<std::string>("[bar:foo](58597) exited unexpectedly T"));
}

TEST(CrashsmsKindTest, AnExpectedExitGivesNoLine) {
  absl::StatusOr<protocol::ProcessStatePayload> state =
      protocol::ParseProcessStatePayload(kind.handled_event, "processname:foo groupname:bar from_state:RUNNING expected:1 pid:58597");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(kind.line_for(*state, "T"), absl::nullopt);
}

}  // namespace
}  // namespace crashsms
}  // namespace svl
