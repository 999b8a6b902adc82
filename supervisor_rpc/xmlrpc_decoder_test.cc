// DecodeMethodResponse() on XML-level and XML-RPC-level corner cases, every
// truncation of every capture, and bodies that tinyxml2 reads its own way.
// xmlrpc_codec_test covers the captures and the value types.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/testdata_reader.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

// Every prefix of every capture is rejected with kInvalidArgument and no
// fault payload, except the capture minus its final "\n", which decodes to
// the same result as the whole capture.
TEST(DecoderTest, EveryTruncationOfEveryCapture) {
  for (const char* name : kTestdataCaptures) {
    SCOPED_TRACE(name);
    const std::string body = ReadTestdata(name);
    ASSERT_FALSE(body.empty());
    const absl::StatusOr<XmlRpcValue> whole = DecodeMethodResponse(body);
    int accepted = 0;
    for (std::size_t len = 0; len < body.size(); ++len) {
      // A copy of exactly `len` bytes, so that ASan sees any read past it.
      const std::string prefix = body.substr(0, len);
      const absl::StatusOr<XmlRpcValue> got = DecodeMethodResponse(prefix);
      if (got.ok() || FaultFromStatus(got.status()).has_value()) {
        ASSERT_EQ(got.status(), whole.status()) << "length " << len;
        if (got.ok()) {
          ASSERT_EQ(*got, *whole) << "length " << len;
        }
        ++accepted;
      } else {
        ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << "length " << len;
      }
    }
    EXPECT_EQ(accepted, 1);  // only body minus its final "\n"
  }
}

struct Case {
  const char* label;
  std::string body;
  bool ok;
  XmlRpcValue value;  // when ok
  absl::StatusCode code = absl::StatusCode::kOk;
  const char* message = "";  // a part of the error message
};

Case Ok(const char* label, std::string body, XmlRpcValue value) {
  return Case{label, std::move(body), true, std::move(value)};
}
Case Bad(const char* label, std::string body, const char* message,
         absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  return Case{label, std::move(body), false, XmlRpcValue(), code, message};
}

std::string Nested(int depth, bool structs) {
  std::string xml;
  for (int i = 0; i < depth; ++i) {
    xml += structs ? "<value><struct><member><name>m</name>" : "<value><array><data>";
  }
  xml += "<value><int>1</int></value>";
  for (int i = 0; i < depth; ++i) {
    xml += structs ? "</member></struct></value>" : "</data></array></value>";
  }
  return ResponseWith(xml);
}

XmlRpcValue NestedValue(int depth, bool structs) {
  XmlRpcValue v = XmlRpcValue::Int(1);
  for (int i = 0; i < depth; ++i) {
    v = structs ? XmlRpcValue::Struct({{"m", v}}) : XmlRpcValue::Array({v});
  }
  return v;
}

std::string InString(const std::string& xml) {
  return ResponseWith("<value><string>" + xml + "</string></value>");
}

std::vector<Case> Cases() {
  using S = XmlRpcValue;
  return {
      // References.
      Ok("predefined entities", InString("&amp;&lt;&gt;&quot;&apos;"), S::String("&<>\"'")),
      Ok("char refs to 1, 2, 3 and 4 UTF-8 bytes",
         InString("&#x41;&#xE9;&#x20AC;&#x1F600;&#1114111;"),
         S::String("A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF")),
      Ok("char refs, decimal and hex, and blanks", InString("&#65;&#x42;&#xe9; x &#32;"),
         S::String("AB\xC3\xA9 x  ")),
      Ok("a char ref to a blank is text, not whitespace to drop", InString("&#32;"),
         S::String(" ")),
      Bad("uppercase X in a hex char ref", InString("&#X43;"), "malformed character reference"),
      Bad("char ref to NUL", InString("&#0;"), "NUL or a surrogate"),
      Bad("char ref to a surrogate", InString("&#xD800;"), "surrogate"),
      Bad("char ref past U+10FFFF", InString("&#x110000;"), "past U+10FFFF"),
      Bad("huge char ref", InString("&#99999999999999999999;"), "past U+10FFFF"),
      Bad("char ref without digits", InString("&#x;"), "without digits"),
      Bad("char ref with a bad digit", InString("&#12a;"), "malformed character reference"),
      // tinyxml2 keeps an unknown entity or a bare '&' as text.
      Ok("unknown entity", InString("&nbsp;"), S::String("&nbsp;")),
      Ok("bare ampersand", InString("a & b"), S::String("a & b")),
      Ok("ampersand without semicolon", InString("&amp"), S::String("&amp")),
      // CDATA and comments.
      Ok("CDATA with markup and CR LF", InString("<![CDATA[<a>&amp;\r\nb]]>"),
         S::String("<a>&amp;\nb")),
      Ok("empty CDATA", InString("<![CDATA[]]>"), S::String("")),
      Ok("text, CDATA and comment pieces", InString("a<!-- x -->b<![CDATA[c]]>d&amp;"),
         S::String("abcd&")),
      Bad("CDATA between elements", ResponseWith("<value><![CDATA[x]]><int>1</int></value>"),
          "unexpected text 'x'"),
      Bad("unterminated CDATA", InString("<![CDATA[x"), "unterminated CDATA"),
      Ok("comments everywhere",
         "<?xml version='1.0'?><!-- a -->\n<methodResponse><!-- b --><params><param>"
         "<value><!-- c --><int><!-- d -->5</int><!-- e --></value></param></params>"
         "</methodResponse><!-- f -->\n",
         S::Int(5)),
      Ok("double dash in a comment (tinyxml2 allows it)",
         ResponseWith("<!-- a -- b --><value>1</value>"), S::String("1")),
      Bad("unterminated comment", ResponseWith("<value>1</value><!-- x"), "unterminated comment"),
      // Tags.
      Ok("self-closing value, string, nil, data, struct",
         ResponseWith("<value><array><data><value/><value><string/></value><value><nil/></value>"
                      "<value><array><data/></array></value><value><struct/></value></data>"
                      "</array></value>"),
         S::Array({S::String(""), S::String(""), S(), S::Array({}), S::Struct({})})),
      Ok("whitespace inside tags", ResponseWith("<value ><int >3</int\n></value\t>"), S::Int(3)),
      Bad("element names with : . - _ and digits", ResponseWith("<value><a:b.c-d_1/></value>"),
          "unknown value type <a:b.c-d_1>"),
      Bad("attribute", ResponseWith("<value type=\"int\"><int>1</int></value>"),
          "attributes are not supported (in <value>)"),
      Bad("attribute on the root",
          "<methodResponse a='1'><params><param><value>x</value></param></params>"
          "</methodResponse>",
          "attributes are not supported (in <methodResponse>)"),
      Bad("attribute on a scalar", ResponseWith("<value><int a='1'>1</int></value>"),
          "attributes are not supported (in <int>)"),
      Bad("self-closing tag with a blank after '/'", ResponseWith("<value><nil/ ></value>"),
          "malformed tag"),
      Bad("unexpected character in a tag", ResponseWith("<value><int !>1</int></value>"),
          "malformed tag"),
      Ok("blank after '<' (tinyxml2 skips it)", ResponseWith("<value>< string>x</string></value>"),
         S::String("x")),
      Bad("blank after '</'", InString("x</ string>"), "malformed markup"),
      Bad("end tag not closed", "<methodResponse></methodResponse", "malformed tag"),
      Bad("mismatched end tag", ResponseWith("<value><int>1</i4></value>"),
          "mismatched or unclosed element"),
      Bad("end tag with garbage", ResponseWith("<value><int>1</int x></value>"),
          "malformed attribute or tag"),
      Bad("tag name starting with a digit", ResponseWith("<value><1/></value>"),
          "malformed markup"),
      Bad("unterminated tag", "<methodResponse", "malformed tag"),
      Bad("unclosed element", "<methodResponse>", "mismatched or unclosed element"),
      Bad("unclosed element after text", "<methodResponse>text",
          "text runs to the end of the document"),
      // Declarations and processing instructions.
      Ok("UTF-8 BOM", "\xEF\xBB\xBF" + ResponseWith("<value>x</value>"), S::String("x")),
      Ok("no XML declaration",
         "<methodResponse><params><param><value>x</value></param></params></methodResponse>",
         S::String("x")),
      Bad("DOCTYPE before the declaration", "<!DOCTYPE x>" + ResponseWith("<value>x</value>"),
          "misplaced XML declaration"),
      Bad("DOCTYPE", "<!DOCTYPE x><methodResponse/>", "DOCTYPE"),
      Bad("ELEMENT declaration inside", ResponseWith("<value><!ELEMENT x></value>"), "DOCTYPE"),
      Bad("processing instruction inside", ResponseWith("<value><?pi x?>x</value>"),
          "processing instruction"),
      Bad("processing instruction in a string", InString("<?pi x?>"),
          "processing instruction"),
      Bad("processing instruction before the root", "<?pi?><methodResponse/>",
          "processing instructions"),
      Bad("declaration not first", "\n" + ResponseWith("<value>x</value>"),
          "processing instructions"),
      Bad("unterminated XML declaration", "<?xml version='1.0'", "XML declaration"),
      // Around the root.
      Bad("empty body", "", "document has no root element"),
      Bad("only a comment", "<!-- c -->", "document has no root element"),
      Bad("text before the root", "x<methodResponse/>", "unexpected text 'x'"),
      Bad("text after the root", ResponseWith("<value>x</value>") + "x",
          "text runs to the end of the document"),
      Bad("text and an element after the root", ResponseWith("<value>x</value>") + "x<a/>",
          "unexpected text '\nx'"),
      Bad("second root", ResponseWith("<value>x</value>") + "<x/>", "a second root element"),
      Bad("end tag outside the root", "</methodResponse>", "document has no root element"),
      // tinyxml2 ends its parse, successfully, at an end tag after the root.
      Ok("stray end tag after the root", ResponseWith("<value>x</value>") + "</x><y>junk",
         S::String("x")),
      // NUL bytes.
      Bad("NUL byte after the root", ResponseWith("<value>x</value>") + std::string("\0x", 2),
          "NUL byte"),
      Bad("NUL byte in text", ResponseWith(std::string("<value>a\0b</value>", 18)), "NUL byte"),
      Bad("NUL byte in CDATA", InString(std::string("<![CDATA[\0]]>", 13)), "NUL byte"),
      Bad("NUL byte in a comment", InString(std::string("<!--\0-->", 8)), "NUL byte"),
      // Text.
      Ok("CR LF line ends and a lone CR",
         "<?xml version='1.0'?>\r\n<methodResponse>\r\n<params>\r\n<param>\r\n<value><string>"
         "a\r\nb\rc</string></value>\r\n</param>\r\n</params>\r\n</methodResponse>\r\n",
         S::String("a\nb\nc")),
      Ok("LF CR in a string (one line end for tinyxml2)", InString("A\n\rB"), S::String("A\nB")),
      Ok("non-ASCII text and a tab", InString("\xC3\xA9\t\xE2\x98\xBA"),
         S::String("\xC3\xA9\t\xE2\x98\xBA")),
      Ok("greater-than in text", InString("a > b ]]> c"), S::String("a > b ]]> c")),
      Bad("deep unknown elements in a string", InString(std::string(5000, '<')),
          "malformed markup"),
      Bad("elements in a string", InString("<a><b></b></a>"), "markup inside <string>"),
      // Depth.
      Ok("values at the depth limit (arrays)", Nested(kMaxValueDepth - 1, false),
         NestedValue(kMaxValueDepth - 1, false)),
      Ok("values at the depth limit (structs)", Nested(kMaxValueDepth - 1, true),
         NestedValue(kMaxValueDepth - 1, true)),
      Bad("one value past the limit (arrays)", Nested(kMaxValueDepth, false), "nests",
          absl::StatusCode::kResourceExhausted),
      Bad("one value past the limit (structs)", Nested(kMaxValueDepth, true), "nests",
          absl::StatusCode::kResourceExhausted),
  };
}

// The result as text, for failure messages.
std::string Describe(const absl::StatusOr<XmlRpcValue>& result) {
  if (!result.ok()) return result.status().ToString();
  return absl::CEscape(EncodeMethodResponse(*result));
}

TEST(DecoderTest, Cases) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.label);
    const absl::StatusOr<XmlRpcValue> got = DecodeMethodResponse(c.body);
    if (c.ok) {
      EXPECT_THAT(got, IsOkAndHolds(c.value)) << Describe(got);
    } else {
      EXPECT_THAT(got, StatusIs(c.code, HasSubstr(c.message))) << Describe(got);
    }
  }
}

// The whole text of an XML error: where, and what, in words an operator
// reads in `Exception retrieving process info ...` (no tinyxml2 codes).
TEST(DecoderTest, MalformedXmlTextsAreExact) {
  EXPECT_THAT(DecodeMethodResponse(""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "malformed XML in XML-RPC response: document has no root element"));
  EXPECT_THAT(DecodeMethodResponse("this is not xml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "malformed XML in XML-RPC response (line 1): text runs to the end of "
                       "the document"));
  EXPECT_THAT(DecodeMethodResponse("<methodResponse>\n<params>\n<param><value><int>1</int>"
                                   "</value></param>\n</methodResponse>"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "malformed XML in XML-RPC response (line 2): mismatched or unclosed "
                       "element"));
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
