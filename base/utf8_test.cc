#include "base/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace svl {
namespace base {
namespace {

struct DecodeCase {
  std::string bytes;
  char32_t code_point;  // kNotUtf8 when invalid
  std::size_t length;
};

class DecodeUtf8Test : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(DecodeUtf8Test, DecodesTheFirstSequenceOrOneInvalidByte) {
  const Utf8Step step = DecodeUtf8(GetParam().bytes);
  EXPECT_EQ(step.code_point, GetParam().code_point);
  EXPECT_EQ(step.length, GetParam().length);
  EXPECT_EQ(step.valid(), GetParam().code_point != kNotUtf8);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeUtf8Test,
    ::testing::Values(DecodeCase{"", kNotUtf8, 0},
                      DecodeCase{std::string("\0x", 2), 0, 1},
                      DecodeCase{"A", 'A', 1},
                      DecodeCase{"\x7f", 0x7F, 1},
                      DecodeCase{"\xc2\x80", 0x80, 2},
                      DecodeCase{"\xc3\xa9x", 0xE9, 2},
                      DecodeCase{"\xdf\xbf", 0x7FF, 2},
                      DecodeCase{"\xe0\xa0\x80", 0x800, 3},
                      DecodeCase{"\xe2\x80\xa8", 0x2028, 3},
                      DecodeCase{"\xed\x9f\xbf", 0xD7FF, 3},
                      DecodeCase{"\xef\xbf\xbd", 0xFFFD, 3},
                      DecodeCase{"\xf0\x90\x80\x80", 0x10000, 4},
                      DecodeCase{"\xf0\x9f\x98\x80", 0x1F600, 4},
                      DecodeCase{"\xf4\x8f\xbf\xbf", 0x10FFFF, 4},
                      // Invalid: one byte at a time.
                      DecodeCase{"\x80", kNotUtf8, 1},            // lone continuation
                      DecodeCase{"\xbf\xbf", kNotUtf8, 1},
                      DecodeCase{"\xc0\xaf", kNotUtf8, 1},        // overlong '/'
                      DecodeCase{"\xc1\xbf", kNotUtf8, 1},
                      DecodeCase{"\xc3", kNotUtf8, 1},            // truncated
                      DecodeCase{"\xc3(", kNotUtf8, 1},           // bad continuation
                      DecodeCase{"\xe2\x82", kNotUtf8, 1},
                      DecodeCase{"\xe0\x80\xaf", kNotUtf8, 1},    // overlong
                      DecodeCase{"\xe0\x9f\xbf", kNotUtf8, 1},
                      DecodeCase{"\xed\xa0\x80", kNotUtf8, 1},    // surrogate
                      DecodeCase{"\xed\xbf\xbf", kNotUtf8, 1},
                      DecodeCase{"\xf0\x80\x80\x80", kNotUtf8, 1},  // overlong
                      DecodeCase{"\xf0\x8f\xbf\xbf", kNotUtf8, 1},
                      DecodeCase{"\xf4\x90\x80\x80", kNotUtf8, 1},  // above U+10FFFF
                      DecodeCase{"\xf5\x80\x80\x80", kNotUtf8, 1},
                      DecodeCase{"\xf8\x88\x80\x80\x80", kNotUtf8, 1},
                      DecodeCase{"\xff", kNotUtf8, 1}));

TEST(Utf8ByteClassesTest, ContinuationBytes) {
  EXPECT_TRUE(IsUtf8ContinuationByte(0x80));
  EXPECT_TRUE(IsUtf8ContinuationByte(0xBF));
  EXPECT_FALSE(IsUtf8ContinuationByte(0x7F));
  EXPECT_FALSE(IsUtf8ContinuationByte(0xC0));
}

TEST(Utf8ByteClassesTest, AnnouncedContinuationBytes) {
  EXPECT_EQ(Utf8AnnouncedContinuationBytes('a'), 0u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0x80), 0u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xC1), 0u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xC2), 1u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xDF), 1u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xE0), 2u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xEF), 2u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xF0), 3u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xF4), 3u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xF5), 0u);
  EXPECT_EQ(Utf8AnnouncedContinuationBytes(0xFF), 0u);
}

TEST(IsValidUtf8Test, WholeText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("caf\xc3"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));
  EXPECT_FALSE(IsValidUtf8("ok\xff ok"));
}

TEST(AppendUtf8Test, EncodesEveryLength) {
  std::string out;
  AppendUtf8('A', &out);
  AppendUtf8(0xE9, &out);
  AppendUtf8(0x20AC, &out);
  AppendUtf8(0x1F600, &out);
  EXPECT_EQ(out, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST(AppendUtf8Test, NoCodePointBecomesReplacementCharacter) {
  std::string out;
  AppendUtf8(0xD800, &out);
  AppendUtf8(0x110000, &out);
  EXPECT_EQ(out, "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(AppendUtf8Test, RoundTripsThroughDecode) {
  for (char32_t code_point : {0x0u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFFu,
                              0x10000u, 0x10FFFFu}) {
    std::string bytes;
    AppendUtf8(code_point, &bytes);
    const Utf8Step step = DecodeUtf8(bytes);
    EXPECT_EQ(step.code_point, code_point);
    EXPECT_EQ(step.length, bytes.size());
  }
}

}  // namespace
}  // namespace base
}  // namespace svl
