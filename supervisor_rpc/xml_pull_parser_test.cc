#include "supervisor_rpc/xml_pull_parser.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Token = XmlPullParser::Token;

// Tokens as strings: "<a>", "</a>", "'text'" (with a * when whitespace-only).
absl::Status Tokens(absl::string_view input, std::vector<std::string>* out) {
  XmlPullParser parser(input);
  Token token;
  while (true) {
    absl::Status s = parser.Next(&token);
    if (!s.ok()) return s;
    switch (token) {
      case Token::kStartTag: out->push_back(absl::StrCat("<", parser.name(), ">")); break;
      case Token::kEndTag: out->push_back(absl::StrCat("</", parser.name(), ">")); break;
      case Token::kText:
        out->push_back(absl::StrCat("'", parser.text(), "'", parser.whitespace_only() ? "*" : ""));
        break;
      case Token::kEnd: return absl::OkStatus();
    }
  }
}

std::vector<std::string> TokensOf(absl::string_view input) {
  std::vector<std::string> tokens;
  absl::Status s = Tokens(input, &tokens);
  EXPECT_TRUE(s.ok()) << s << " for " << input;
  return tokens;
}

TEST(XmlPullParserTest, Tokens) {
  EXPECT_THAT(TokensOf("<?xml version='1.0'?>\n<a>\n<b>x</b><c/></a>\n"),
              ElementsAre("<a>", "'\n'*", "<b>", "'x'", "</b>", "<c>", "</c>", "</a>"));
  EXPECT_THAT(TokensOf("<a >t<!-- c -->u<![CDATA[<v>]]></a >"),
              ElementsAre("<a>", "'t'", "'u'", "'<v>'", "</a>"));
  EXPECT_THAT(TokensOf("<a>&lt;&#x263A;&#65;\r\n&amp;\r</a>"),
              ElementsAre("<a>", "'<\xE2\x98\xBA" "A\n&\n'", "</a>"));
  EXPECT_THAT(TokensOf("<a> \t\r\n</a>"), ElementsAre("<a>", "' \t\n'*", "</a>"));
  EXPECT_THAT(TokensOf("<a>&#32;</a>"), ElementsAre("<a>", "' '", "</a>"));  // a ref is not blank
  EXPECT_THAT(TokensOf("\xEF\xBB\xBF<a:b.c-d_1/>"), ElementsAre("<a:b.c-d_1>", "</a:b.c-d_1>"));
}

TEST(XmlPullParserTest, NextInElementContentSkipsBlanks) {
  XmlPullParser parser("<a>\n <b/>\n</a>");
  Token token;
  std::vector<std::string> seen;
  do {
    ASSERT_TRUE(parser.NextInElementContent(&token).ok());
    seen.push_back(std::string(token == Token::kEnd ? "" : parser.name()));
  } while (token != Token::kEnd);
  EXPECT_THAT(seen, ElementsAre("a", "b", "b", "a", ""));
}

TEST(XmlPullParserTest, Rejects) {
  struct Case {
    std::string input;
    const char* message;
  };
  const Case cases[] = {
      {"", "line 1, byte 0: document has no root element"},
      {"<!-- c -->", "document has no root element"},
      {"x", "text before the root element"},
      {"<a/>x", "text after the root element"},
      {"<a/></a>", "end tag outside the root element"},
      {"</a>", "end tag outside the root element"},
      {"<a/><b/>", "line 1, byte 4: a second root element"},
      {"<a>\n<b></a>", "line 2, byte 7: </a> does not close <b>"},
      {"<a>", "unexpected end of document inside <a>"},
      {"<a>text", "unexpected end of document inside <a>"},
      {"<a", "unterminated tag <a>"},
      {"<a x='1'/>", "attributes are not supported (in <a>)"},
      {"<a/ >", "expected '>' after '/'"},
      {"<a !>", "unexpected character in tag <a>"},
      {"< a/>", "expected an element name"},
      {"<a></ a>", "expected an element name"},
      {"<a></a", "expected '>' to end </a>"},
      {"<!DOCTYPE a><a/>", "DOCTYPE"},
      {"<?pi?><a/>", "processing instructions are not supported"},
      {"<a><?pi?></a>", "processing instructions are not supported"},
      {"<a><!ELEMENT></a>", "DOCTYPE"},
      {"<?xml version='1.0'", "unterminated XML declaration"},
      {"<a><!-- -- --></a>", "'--' inside a comment"},
      {"<a><!-- </a>", "unterminated comment"},
      {"<a><![CDATA[x</a>", "unterminated CDATA section"},
      {"<a>&bogus;</a>", "unknown entity &bogus;"},
      {"<a>&</a>", "'&' not starting a reference"},
      {"<a>&#;</a>", "character reference without digits"},
      {"<a>&#xG;</a>", "malformed character reference"},
      {"<a>&#0;</a>", "NUL or a surrogate"},
      {"<a>&#xDFFF;</a>", "NUL or a surrogate"},
      {"<a>&#x110000;</a>", "past U+10FFFF"},
      {std::string("<a>\0</a>", 8), "NUL byte in character data"},
      {std::string("<a><![CDATA[\0]]></a>", 20), "NUL byte in CDATA"},
      {std::string("<a><!--\0--></a>", 15), "NUL byte in a comment"},
      {std::string("<a/>\0", 5), "text after the root element"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> tokens;
    EXPECT_THAT(Tokens(c.input, &tokens),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.input;
  }
}

TEST(XmlPullParserTest, ErrorsAreSticky) {
  XmlPullParser parser("<a>&x;</a>");
  Token token;
  ASSERT_TRUE(parser.Next(&token).ok());
  const absl::Status first = parser.Next(&token);
  EXPECT_FALSE(first.ok());
  EXPECT_EQ(parser.Next(&token), first);
}

TEST(XmlPullParserTest, DepthLimit) {
  std::vector<std::string> tokens;
  XmlPullParser ok("<a><a><a/></a></a>", 3);
  Token token;
  do {
    ASSERT_TRUE(ok.Next(&token).ok());
  } while (token != Token::kEnd);
  XmlPullParser deep("<a><a><a><a/></a></a></a>", 3);
  absl::Status s;
  for (int i = 0; i < 4 && s.ok(); ++i) s = deep.Next(&token);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("deeper than 3")));
}

// The view may end in the middle of a buffer: nothing past it is read (ASan
// checks the exact-size heap copies; here the bytes after the view would
// complete the document if they were looked at).
TEST(XmlPullParserTest, NeverReadsPastTheView) {
  const std::string buffer = "<a>x</a>";
  for (std::size_t len = 0; len < buffer.size(); ++len) {
    std::unique_ptr<char[]> exact(new char[len + 1]);
    std::copy(buffer.begin(), buffer.begin() + len, exact.get());
    std::vector<std::string> tokens;
    EXPECT_FALSE(Tokens(absl::string_view(exact.get(), len), &tokens).ok()) << len;
    EXPECT_FALSE(Tokens(absl::string_view(buffer.data(), len), &tokens).ok()) << len;
  }
}

TEST(XmlPullParserTest, PositionCountsLines) {
  XmlPullParser parser("a\nb\nc");
  EXPECT_EQ(parser.Position(0), "line 1, byte 0");
  EXPECT_EQ(parser.Position(2), "line 2, byte 2");
  EXPECT_EQ(parser.Position(99), "line 3, byte 5");
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
