#include "crashmailbatch/crashmailbatch.h"

#include <string>

#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "protocol/payloads.h"

namespace svl {
namespace crashmailbatch {
namespace {

const kit::BatchKind kind = CrashmailbatchKind();

TEST(CrashmailbatchKindTest, Names) {
  EXPECT_EQ(kind.listener, "crashmailbatch");
  EXPECT_EQ(kind.handled_event, "PROCESS_STATE_EXITED");
  EXPECT_EQ(kind.default_subject, absl::optional<std::string>("Crash alert from supervisord"));
}

TEST(CrashmailbatchKindTest, UpstreamLine) {
  absl::StatusOr<protocol::ProcessStatePayload> state =
      protocol::ParseProcessStatePayload(kind.handled_event, "processname:foo groupname:bar from_state:RUNNING expected:0 pid:58597");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(kind.line_for(*state, "T"), absl::optional<std::string>("T -- Process bar:foo (pid 58597) died unexpectedly"));
}

TEST(CrashmailbatchKindTest, AnExpectedExitGivesNoLine) {
  absl::StatusOr<protocol::ProcessStatePayload> state =
      protocol::ParseProcessStatePayload(kind.handled_event, "processname:foo groupname:bar from_state:RUNNING expected:1 pid:58597");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(kind.line_for(*state, "T"), absl::nullopt);
}

}  // namespace
}  // namespace crashmailbatch
}  // namespace svl
