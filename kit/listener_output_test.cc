#include "kit/listener_output.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace svl {
namespace kit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(FoldToOneLineTest, Folds) {
  EXPECT_EQ(FoldToOneLine("error contacting http://x/:\n\n timed out"),
            "error contacting http://x/: timed out");
  EXPECT_EQ(FoldToOneLine("a\nb\n"), "a b");
  EXPECT_EQ(FoldToOneLine(""), "");
}

struct Captured {
  std::vector<std::string> writes;
  StderrWriter writer() {
    return [this](absl::string_view text) { writes.emplace_back(text); };
  }
};

TEST(ListenerOutputTest, PrefixNamesTheListenerAndItsName) {
  Captured c;
  EXPECT_EQ(ListenerOutput({"memmon", "", LogFormat::kText, false, ""}, c.writer()).prefix(),
            "memmon: ");
  EXPECT_EQ(ListenerOutput({"memmon", "edge1", LogFormat::kText, false, ""}, c.writer()).prefix(),
            "memmon [edge1]: ");
}

TEST(ListenerOutputTest, ActionLinesArePrefixedInDryRunAndCollected) {
  Captured c;
  ListenerOutput out({"httpok", "", LogFormat::kText, /*dry_run=*/true, ""}, c.writer());
  std::vector<std::string> mail;
  out.Action("web restarted", &mail);
  out.Line("Exception retrieving process info boom, not checking");
  EXPECT_THAT(c.writes, ElementsAre("[dry-run] web restarted\n",
                                    "Exception retrieving process info boom, not checking\n"));
  EXPECT_THAT(mail, ElementsAre("[dry-run] web restarted"));
}

TEST(ListenerOutputTest, BlockIsWrittenAsItIsInTextAndAsOneRecordInJson) {
  Captured text;
  ListenerOutput t({"httpok", "", LogFormat::kText, false, ""}, text.writer());
  t.Block("mail", "Mailed:\n\nTo: a\n\nbody\n");
  EXPECT_THAT(text.writes, ElementsAre("Mailed:\n\nTo: a\n\nbody\n"));

  Captured json;
  ListenerOutput j({"httpok", "", LogFormat::kJson, false, ""}, json.writer());
  j.Block("mail", "Mailed:\n\nbody\n");
  ASSERT_EQ(json.writes.size(), 1u);
  EXPECT_THAT(json.writes[0], HasSubstr(R"("reason":"mail","msg":"Mailed:\n\nbody"})"));
}

TEST(ListenerOutputTest, JsonLinesCarryTheCurrentReason) {
  Captured c;
  ListenerOutput out({"httpok", "", LogFormat::kJson, false, ""}, c.writer());
  out.set_reason("status=503");
  out.Line("web restarted");
  ASSERT_EQ(c.writes.size(), 1u);
  EXPECT_THAT(c.writes[0], HasSubstr(R"("reason":"status=503","msg":"web restarted"})"));
}

TEST(ListenerOutputTest, ShownMasksTheUrlsCredentials) {
  Captured c;
  ListenerOutput out({"httpok", "", LogFormat::kText, false, "http://u:secret@h/x"}, c.writer());
  EXPECT_EQ(out.shown_url(), "http://***@h/x");
  EXPECT_EQ(out.Shown("error contacting http://u:secret@h/x: refused"),
            "error contacting http://***@h/x: refused");
}

}  // namespace
}  // namespace kit
}  // namespace svl
