#include "fatalmailbatch/fatalmailbatch.h"

#include <string>

#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "protocol/payloads.h"

namespace svl {
namespace fatalmailbatch {
namespace {

const kit::BatchKind kind = FatalmailbatchKind();

TEST(FatalmailbatchKindTest, Names) {
  EXPECT_EQ(kind.listener, "fatalmailbatch");
  EXPECT_EQ(kind.handled_event, "PROCESS_STATE_FATAL");
  EXPECT_EQ(kind.default_subject, absl::optional<std::string>("Fatal start alert from supervisord"));
}

TEST(FatalmailbatchKindTest, UpstreamLine) {
  absl::StatusOr<protocol::ProcessStatePayload> state =
      protocol::ParseProcessStatePayload(kind.handled_event, "processname:foo groupname:bar from_state:BACKOFF");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(kind.line_for(*state, "T"), absl::optional<std::string>("T -- Process bar:foo failed to start too many times"));
}

}  // namespace
}  // namespace fatalmailbatch
}  // namespace svl
