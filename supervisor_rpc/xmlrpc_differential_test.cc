// The streaming decoder against the tinyxml2 reference: every captured
// response, a table of tricky bodies, and every truncation of the captures.

#include "supervisor_rpc/xmlrpc_differential.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/testdata_reader.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_reference_decoder.h"
#include "supervisor_rpc/xmlrpc_value.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;


// On captured bodies the two decoders give exactly the same result (value,
// or fault Status with its payload), with no whitespace allowance needed.
TEST(DifferentialTest, CapturedResponsesDecodeIdentically) {
  for (const char* name : kTestdataCaptures) {
    SCOPED_TRACE(name);
    const std::string body = ReadTestdata(name);
    ASSERT_FALSE(body.empty());
    ASSERT_TRUE(IsPlainSubset(body));
    const absl::StatusOr<XmlRpcValue> fast = DecodeMethodResponse(body);
    const absl::StatusOr<XmlRpcValue> ref = DecodeMethodResponseReference(body);
    ASSERT_EQ(fast.status(), ref.status());
    if (fast.ok()) {
      EXPECT_EQ(*fast, *ref);
    }
    std::string why;
    EXPECT_TRUE(DecodersAgree(body, &why)) << why;
  }
}

// Every prefix of every capture: both reject, or both accept with the same
// value (a prefix missing only the final newline is still a document).
TEST(DifferentialTest, EveryTruncationOfEveryCapture) {
  for (const char* name : kTestdataCaptures) {
    SCOPED_TRACE(name);
    const std::string body = ReadTestdata(name);
    ASSERT_FALSE(body.empty());
    int accepted = 0;
    for (std::size_t len = 0; len < body.size(); ++len) {
      // A copy of exactly `len` bytes, so that ASan sees any read past it.
      const std::string prefix = body.substr(0, len);
      std::string why;
      ASSERT_TRUE(DecodersAgree(prefix, &why)) << "length " << len << ": " << why;
      const absl::StatusOr<XmlRpcValue> fast = DecodeMethodResponse(prefix);
      const absl::StatusOr<XmlRpcValue> ref = DecodeMethodResponseReference(prefix);
      ASSERT_EQ(fast.ok(), ref.ok()) << "length " << len;
      if (fast.ok() || FaultFromStatus(ref.status()).has_value()) {
        ASSERT_EQ(fast.status(), ref.status()) << "length " << len;  // equal faults
        if (fast.ok()) {
          ASSERT_EQ(*fast, *ref) << "length " << len;
        }
        ++accepted;
      } else {
        ASSERT_EQ(fast.status().code(), absl::StatusCode::kInvalidArgument) << "length " << len;
        ASSERT_FALSE(FaultFromStatus(fast.status()).has_value()) << "length " << len;
      }
    }
    EXPECT_EQ(accepted, 1);  // only body minus its final "\n"
  }
}

struct TrickyCase {
  const char* label;
  std::string body;
  // The streaming decoder's result: a value, or a code and message part.
  bool ok;
  XmlRpcValue value;
  absl::StatusCode code = absl::StatusCode::kOk;
  const char* message = "";
};

TrickyCase Ok(const char* label, std::string body, XmlRpcValue value) {
  return TrickyCase{label, std::move(body), true, std::move(value)};
}
TrickyCase Bad(const char* label, std::string body, const char* message,
               absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  return TrickyCase{label, std::move(body), false, XmlRpcValue(), code, message};
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

std::vector<TrickyCase> TrickyCases() {
  using S = XmlRpcValue;
  return {
      Ok("predefined entities", ResponseWith("<value><string>&amp;&lt;&gt;&quot;&apos;</string></value>"),
         S::String("&<>\"'")),
      Bad("uppercase X in a hex char ref (not a reference in XML)",
          ResponseWith("<value><string>&#X43;</string></value>"), "malformed character reference"),
      Ok("char refs to 1, 2, 3 and 4 UTF-8 bytes",
         ResponseWith("<value><string>&#x41;&#xE9;&#x20AC;&#x1F600;&#1114111;</string></value>"),
         S::String("A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF")),
      Bad("char ref to NUL", ResponseWith("<value><string>&#0;</string></value>"), "NUL or a surrogate"),
      Bad("char ref to a surrogate", ResponseWith("<value><string>&#xD800;</string></value>"),
          "surrogate"),
      Bad("char ref past U+10FFFF", ResponseWith("<value><string>&#x110000;</string></value>"),
          "past U+10FFFF"),
      Bad("huge char ref", ResponseWith("<value><string>&#99999999999999999999;</string></value>"),
          "past U+10FFFF"),
      Bad("char ref without digits", ResponseWith("<value><string>&#x;</string></value>"),
          "without digits"),
      Bad("char ref with a bad digit", ResponseWith("<value><string>&#12a;</string></value>"),
          "malformed character reference"),
      Bad("unknown entity", ResponseWith("<value><string>&nbsp;</string></value>"),
          "unknown entity &nbsp;"),
      Bad("bare ampersand", ResponseWith("<value><string>a & b</string></value>"),
          "'&' not starting a reference"),
      Bad("ampersand without semicolon before the tag",
          ResponseWith("<value><string>&amp</string></value>"), "'&' not starting a reference"),
      Ok("CDATA with markup and CR LF",
         ResponseWith("<value><string><![CDATA[<a>&amp;\r\nb]]></string></value>"),
         S::String("<a>&amp;\nb")),
      Ok("empty CDATA", ResponseWith("<value><string><![CDATA[]]></string></value>"), S::String("")),
      Ok("text, CDATA and comment pieces",
         ResponseWith("<value><string>a<!-- x -->b<![CDATA[c]]>d&amp;</string></value>"),
         S::String("abcd&")),
      Bad("CDATA between elements", ResponseWith("<value><![CDATA[x]]><int>1</int></value>"),
          "unexpected text 'x'"),
      Bad("unterminated CDATA", ResponseWith("<value><string><![CDATA[x</string></value>"),
          "unterminated CDATA"),
      Ok("comments everywhere",
         "<?xml version='1.0'?><!-- a -->\n<methodResponse><!-- b --><params><param>"
         "<value><!-- c --><int><!-- d -->5</int><!-- e --></value></param></params>"
         "</methodResponse><!-- f -->\n",
         S::Int(5)),
      Bad("double dash in a comment", ResponseWith("<!-- a -- b --><value>1</value>"),
          "'--' inside a comment"),
      Bad("unterminated comment", ResponseWith("<value>1</value><!-- x"), "unterminated comment"),
      Ok("self-closing value, string, nil, data, struct",
         ResponseWith("<value><array><data><value/><value><string/></value><value><nil/></value>"
                  "<value><array><data/></array></value><value><struct/></value></data></array>"
                  "</value>"),
         S::Array({S::String(""), S::String(""), S(), S::Array({}), S::Struct({})})),
      Ok("whitespace inside tags", ResponseWith("<value ><int >3</int\n></value\t>"), S::Int(3)),
      Ok("CR LF line ends and a lone CR",
         "<?xml version='1.0'?>\r\n<methodResponse>\r\n<params>\r\n<param>\r\n<value><string>a\r\nb"
         "\rc</string></value>\r\n</param>\r\n</params>\r\n</methodResponse>\r\n",
         S::String("a\nb\nc")),
      Ok("UTF-8 BOM", "\xEF\xBB\xBF" + ResponseWith("<value>x</value>"), S::String("x")),
      Ok("no XML declaration", "<methodResponse><params><param><value>x</value></param>"
                               "</params></methodResponse>",
         S::String("x")),
      Ok("non-ASCII text and a tab", ResponseWith("<value><string>\xC3\xA9\t\xE2\x98\xBA</string></value>"),
         S::String("\xC3\xA9\t\xE2\x98\xBA")),
      Ok("greater-than in text", ResponseWith("<value><string>a > b ]]> c</string></value>"),
         S::String("a > b ]]> c")),
      Bad("attribute", ResponseWith("<value type=\"int\"><int>1</int></value>"),
          "attributes are not supported"),
      Bad("attribute on the root",
          "<methodResponse a='1'><params><param><value>x</value></param></params></methodResponse>",
          "attributes are not supported"),
      Bad("DOCTYPE", "<!DOCTYPE x>" + ResponseWith("<value>x</value>"), "DOCTYPE"),
      Bad("processing instruction inside", ResponseWith("<value><?pi x?>x</value>"),
          "processing instructions"),
      Bad("declaration not first", "\n" + ResponseWith("<value>x</value>"), "processing instructions"),
      Bad("NUL byte after the root", ResponseWith("<value>x</value>") + std::string("\0x", 2),
          "text after the root element"),
      Bad("NUL byte in text", ResponseWith(std::string("<value>a\0b</value>", 18)), "NUL byte"),
      Bad("mismatched end tag", ResponseWith("<value><int>1</i4></value>"), "</i4> does not close <int>"),
      Bad("end tag with garbage", ResponseWith("<value><int>1</int x></value>"), "expected '>'"),
      Bad("tag name starting with a digit", ResponseWith("<value><1/></value>"),
          "expected an element name"),
      Bad("text after the root", ResponseWith("<value>x</value>") + "x", "text after the root element"),
      Bad("second root", ResponseWith("<value>x</value>") + "<x/>", "a second root element"),
      Ok("values at the depth limit (arrays)", Nested(kMaxValueDepth - 1, false),
         NestedValue(kMaxValueDepth - 1, false)),
      Ok("values at the depth limit (structs)", Nested(kMaxValueDepth - 1, true),
         NestedValue(kMaxValueDepth - 1, true)),
      Bad("one value past the limit (arrays)", Nested(kMaxValueDepth, false),
          "nests values deeper than 32", absl::StatusCode::kResourceExhausted),
      Bad("one value past the limit (structs)", Nested(kMaxValueDepth, true),
          "nests values deeper than 32", absl::StatusCode::kResourceExhausted),
      Bad("deep unknown elements in a string",
          ResponseWith("<value><string>" + std::string(5000, '<') + "</string></value>"),
          "expected an element name"),
      Bad("deep elements in a string", ResponseWith("<value><string><a><b></b></a></string></value>"),
          "markup inside <string>"),
  };
}

TEST(DifferentialTest, TrickyInputs) {
  for (const TrickyCase& c : TrickyCases()) {
    SCOPED_TRACE(c.label);
    if (c.ok) {
      EXPECT_THAT(DecodeMethodResponse(c.body), IsOkAndHolds(c.value));
    } else {
      EXPECT_THAT(DecodeMethodResponse(c.body), StatusIs(c.code, HasSubstr(c.message)));
    }
    std::string why;
    EXPECT_TRUE(DecodersAgree(c.body, &why)) << why;
  }
}

// Decoded char refs and whitespace agree with the reference exactly.
TEST(DifferentialTest, CharRefsMatchReference) {
  const std::string body =
      ResponseWith("<value><string>&#65;&#x42;&#xe9;&#x20AC;&#x1F600; x &#32;</string></value>");
  EXPECT_EQ(DecodeMethodResponse(body).value(), DecodeMethodResponseReference(body).value());
}

// Found by the differential fuzzer (crash-36e6084f...): tinyxml2 ends its
// parse, successfully, at an end tag after the root and ignores the rest;
// the streaming decoder rejects the trailing markup. Not a plain body.
TEST(DifferentialTest, StrayEndTagAfterTheRoot) {
  const std::string body = ResponseWith("<value>x</value>") + "</x><y>junk";
  EXPECT_TRUE(DecodeMethodResponseReference(body).ok());
  EXPECT_THAT(DecodeMethodResponse(body),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("end tag outside the root element")));
  EXPECT_FALSE(IsPlainSubset(body));
  std::string why;
  EXPECT_TRUE(DecodersAgree(body, &why)) << why;
}

// Found by the differential fuzzer (crash-abc3a81e...): tinyxml2 accepts a
// blank between '<' and the element name; XML and the streaming decoder
// do not. Not a plain body.
TEST(DifferentialTest, BlankAfterLessThan) {
  {
    const std::string body = ResponseWith("<value>< string>x</string></value>");
    EXPECT_THAT(DecodeMethodResponseReference(body), IsOkAndHolds(XmlRpcValue::String("x")));
    EXPECT_THAT(DecodeMethodResponse(body),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected an element name")));
    EXPECT_FALSE(IsPlainSubset(body));
    std::string why;
    EXPECT_TRUE(DecodersAgree(body, &why)) << why;
  }
  // In an end tag tinyxml2 rejects it too.
  const std::string body = ResponseWith("<value><string>x</ string></value>");
  EXPECT_FALSE(DecodeMethodResponseReference(body).ok());
  EXPECT_FALSE(DecodeMethodResponse(body).ok());
}

// Found by the differential fuzzer (crash-57e9f599...): "\n\r" in a fault
// string is one LF for tinyxml2, two for XML 1.0 and the streaming decoder.
TEST(DifferentialTest, LineFeedCarriageReturnInAFault) {
  const std::string body =
      "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>2</int>"
      "</value></member><member><name>faultString</name><value><string>A\n\rB</string></value>"
      "</member></struct></value></fault></methodResponse>";
  EXPECT_THAT(DecodeMethodResponse(body), StatusIs(absl::StatusCode::kInvalidArgument, "A\n\nB"));
  EXPECT_THAT(DecodeMethodResponseReference(body),
              StatusIs(absl::StatusCode::kInvalidArgument, "A\nB"));
  std::string why;
  EXPECT_TRUE(DecodersAgree(body, &why)) << why;
}

TEST(DifferentialTest, PlainSubset) {
  EXPECT_TRUE(IsPlainSubset(ResponseWith("<value><string>a&amp;&#233;</string></value>")));
  EXPECT_FALSE(IsPlainSubset(ResponseWith("<value><!-- c -->x</value>")));
  EXPECT_FALSE(IsPlainSubset(ResponseWith("<value a='1'>x</value>")));
  EXPECT_FALSE(IsPlainSubset(ResponseWith("<value>&nbsp;</value>")));
  EXPECT_FALSE(IsPlainSubset(ResponseWith("<value>&#0;</value>")));
  EXPECT_FALSE(IsPlainSubset(ResponseWith("<value>\r</value>")));
  EXPECT_FALSE(IsPlainSubset(" " + ResponseWith("<value>x</value>")));
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
