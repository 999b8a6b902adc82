#include "base/control_chars.h"

#include <string>

#include "gtest/gtest.h"

namespace svl {
namespace base {
namespace {

TEST(HasAsciiControlTest, C0AndDel) {
  EXPECT_FALSE(HasAsciiControl(""));
  EXPECT_FALSE(HasAsciiControl("printable ~ text"));
  EXPECT_FALSE(HasAsciiControl("caf\xc3\xa9 \x80\xff"));
  EXPECT_TRUE(HasAsciiControl(std::string("a\0b", 3)));
  EXPECT_TRUE(HasAsciiControl("a\tb"));
  EXPECT_TRUE(HasAsciiControl("a\nb"));
  EXPECT_TRUE(HasAsciiControl("\x1f"));
  EXPECT_TRUE(HasAsciiControl("\x7f"));
}

TEST(HasLineBreakOrNulTest, CrLfAndNulOnly) {
  EXPECT_FALSE(HasLineBreakOrNul(""));
  EXPECT_FALSE(HasLineBreakOrNul("Name: value"));
  EXPECT_FALSE(HasLineBreakOrNul("a\tb\x01\x1f\x7f\xff"));
  EXPECT_TRUE(HasLineBreakOrNul("a\rb"));
  EXPECT_TRUE(HasLineBreakOrNul("a\nb"));
  EXPECT_TRUE(HasLineBreakOrNul(std::string("a\0b", 3)));
}

TEST(IsPrintableAsciiOrTabTest, PrintableAsciiAndTab) {
  EXPECT_TRUE(IsPrintableAsciiOrTab(""));
  EXPECT_TRUE(IsPrintableAsciiOrTab(" !~"));
  EXPECT_TRUE(IsPrintableAsciiOrTab("a\tb"));
  EXPECT_FALSE(IsPrintableAsciiOrTab("a\nb"));
  EXPECT_FALSE(IsPrintableAsciiOrTab("\x1f"));
  EXPECT_FALSE(IsPrintableAsciiOrTab("\x7f"));
  EXPECT_FALSE(IsPrintableAsciiOrTab("caf\xc3\xa9"));
}

}  // namespace
}  // namespace base
}  // namespace svl
