#include "supervisor_rpc/xmlrpc_codec.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/testdata_reader.h"
#include "supervisor_rpc/xmlrpc_value.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::IsOkAndHolds;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<XmlRpcValue> Decode(absl::string_view body) { return DecodeMethodResponse(body); }

std::string Response(const std::string& value_xml) {
  return absl::StrCat("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n", value_xml,
                      "\n</param>\n</params>\n</methodResponse>\n");
}

TEST(EncodeMethodCallTest, MatchesPythonBytes) {
  // Captured from Python's xmlrpc.client.
  EXPECT_EQ(EncodeMethodCall("supervisor.getProcessInfo", {XmlRpcValue::String("foo")}),
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getProcessInfo"
            "</methodName>\n<params>\n<param>\n<value><string>foo</string></value>\n</param>\n"
            "</params>\n</methodCall>\n");
  EXPECT_EQ(EncodeMethodCall("supervisor.getAllProcessInfo", {}),
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getAllProcessInfo"
            "</methodName>\n<params>\n</params>\n</methodCall>\n");
  EXPECT_EQ(EncodeMethodCall("supervisor.startProcess",
                             {XmlRpcValue::String("baz:baz_01"), XmlRpcValue::Boolean(false)}),
            "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess"
            "</methodName>\n<params>\n<param>\n<value><string>baz:baz_01</string></value>\n"
            "</param>\n<param>\n<value><boolean>0</boolean></value>\n</param>\n</params>\n"
            "</methodCall>\n");
}

TEST(EncodeMethodCallTest, ValueShapes) {
  struct Case {
    XmlRpcValue value;
    const char* xml;
  };
  const Case cases[] = {
      {XmlRpcValue::Int(-5), "<value><int>-5</int></value>\n"},
      {XmlRpcValue::Boolean(true), "<value><boolean>1</boolean></value>\n"},
      {XmlRpcValue::String("a&b<c>d'\""), "<value><string>a&amp;b&lt;c&gt;d'\"</string></value>\n"},
      {XmlRpcValue::Double(0.1), "<value><double>0.1</double></value>\n"},
      {XmlRpcValue::Double(2), "<value><double>2.0</double></value>\n"},
      {XmlRpcValue::Base64("hi"), "<value><base64>\naGk=\n</base64></value>\n"},
      {XmlRpcValue::DateTime("20260101T00:00:00"),
       "<value><dateTime.iso8601>20260101T00:00:00</dateTime.iso8601></value>\n"},
      {XmlRpcValue::Array({XmlRpcValue::Int(1)}),
       "<value><array><data>\n<value><int>1</int></value>\n</data></array></value>\n"},
      {XmlRpcValue::Struct({{"k&", XmlRpcValue::Int(1)}}),
       "<value><struct>\n<member>\n<name>k&amp;</name>\n<value><int>1</int></value>\n"
       "</member>\n</struct></value>\n"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EncodeMethodCall("m", {c.value}),
              absl::StrCat("<?xml version='1.0'?>\n<methodCall>\n<methodName>m</methodName>\n"
                           "<params>\n<param>\n",
                           c.xml, "</param>\n</params>\n</methodCall>\n"));
  }
}

// Decoding a captured body and re-encoding it gives back supervisord's exact
// bytes: the encoder writes what supervisord writes, and the decoder loses
// nothing.
TEST(DecodeTest, CapturedRoundTripExactly) {
  for (const char* name : {"getAllProcessInfo.xml", "getProcessInfo_foo.xml",
                           "getProcessInfo_fatal.xml", "boolean_true.xml", "signal_ok.xml",
                           "group_stop.xml", "group_start.xml"}) {
    SCOPED_TRACE(name);
    const std::string body = ReadTestdata(name);
    ASSERT_FALSE(body.empty());
    absl::StatusOr<XmlRpcValue> value = Decode(body);
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(EncodeMethodResponse(*value), body);
  }
}

TEST(DecodeTest, CapturedBooleanTrue) {
  EXPECT_THAT(Decode(ReadTestdata("boolean_true.xml")),
              IsOkAndHolds(XmlRpcValue::Boolean(true)));
}

TEST(DecodeTest, CapturedGroupOperationArray) {
  absl::StatusOr<XmlRpcValue> value = Decode(ReadTestdata("group_stop.xml"));
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, XmlRpcValue::Array({
                        XmlRpcValue::Struct({{"name", XmlRpcValue::String("baz_01")},
                                             {"group", XmlRpcValue::String("baz")},
                                             {"status", XmlRpcValue::Int(80)},
                                             {"description", XmlRpcValue::String("OK")}}),
                        XmlRpcValue::Struct({{"name", XmlRpcValue::String("baz_00")},
                                             {"group", XmlRpcValue::String("baz")},
                                             {"status", XmlRpcValue::Int(80)},
                                             {"description", XmlRpcValue::String("OK")}}),
                    }));
}

TEST(DecodeTest, CapturedGetAllProcessInfoShape) {
  absl::StatusOr<XmlRpcValue> value = Decode(ReadTestdata("getAllProcessInfo.xml"));
  ASSERT_TRUE(value.ok()) << value.status();
  ASSERT_EQ(value->type(), XmlRpcValue::Type::kArray);
  ASSERT_EQ(value->array().size(), 6u);
  const XmlRpcValue& first = value->array()[0];
  ASSERT_EQ(first.members().size(), 14u);
  EXPECT_EQ(first.Find("name")->string_value(), "baz_00");
  EXPECT_EQ(first.Find("spawnerr")->string_value(), "");
}

TEST(DecodeTest, CapturedFaultsBecomeStatuses) {
  struct Case {
    const char* file;
    int code;
    const char* fault_string;
    absl::StatusCode status_code;
  };
  const Case cases[] = {
      {"fault_bad_name.xml", 10, "BAD_NAME: nosuch_name", absl::StatusCode::kNotFound},
      {"fault_not_running.xml", 70, "NOT_RUNNING: stopped", absl::StatusCode::kFailedPrecondition},
      {"fault_already_started.xml", 60, "ALREADY_STARTED: foo", absl::StatusCode::kAlreadyExists},
      {"fault_no_file.xml", 20, "NO_FILE: can't find command '/nonexistent/bin'",
       absl::StatusCode::kAborted},
      {"fault_spawn_error.xml", 50, "SPAWN_ERROR: quick", absl::StatusCode::kAborted},
      {"fault_bad_signal.xml", 11, "BAD_SIGNAL: NOPE", absl::StatusCode::kInvalidArgument},
      {"fault_unknown_method.xml", 1, "UNKNOWN_METHOD", absl::StatusCode::kUnimplemented},
      {"fault_incorrect_parameters.xml", 2, "INCORRECT_PARAMETERS",
       absl::StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string body = ReadTestdata(c.file);
    ASSERT_FALSE(body.empty());
    absl::StatusOr<XmlRpcValue> value = Decode(body);
    EXPECT_THAT(value, StatusIs(c.status_code, c.fault_string));
    absl::optional<Fault> fault = FaultFromStatus(value.status());
    ASSERT_TRUE(fault.has_value());
    EXPECT_EQ(fault->code, c.code);
    EXPECT_EQ(fault->fault_string, c.fault_string);
    EXPECT_EQ(EncodeFaultResponse(c.code, c.fault_string), body);
  }
}

TEST(DecodeTest, ValueTypes) {
  struct Case {
    const char* xml;
    XmlRpcValue want;
  };
  const Case cases[] = {
      {"<value><int>42</int></value>", XmlRpcValue::Int(42)},
      {"<value><i4>-2147483648</i4></value>", XmlRpcValue::Int(-2147483648LL)},
      {"<value><int> 7 </int></value>", XmlRpcValue::Int(7)},  // Python int() tolerance
      {"<value><boolean>0</boolean></value>", XmlRpcValue::Boolean(false)},
      {"<value><string>a &amp; b &lt;c&gt; &#x263A;</string></value>",
       XmlRpcValue::String("a & b <c> \xE2\x98\xBA")},
      {"<value><string></string></value>", XmlRpcValue::String("")},
      {"<value><string/></value>", XmlRpcValue::String("")},
      {"<value>bare text</value>", XmlRpcValue::String("bare text")},
      {"<value></value>", XmlRpcValue::String("")},
      {"<value><string>  lead and trail  </string></value>",
       XmlRpcValue::String("  lead and trail  ")},
      {"<value><string><![CDATA[<raw>]]></string></value>", XmlRpcValue::String("<raw>")},
      {"<value><string>a<!-- c -->b</string></value>", XmlRpcValue::String("ab")},
      {"<value><double>-1.5e3</double></value>", XmlRpcValue::Double(-1500)},
      {"<value><base64>\naGVs\nbG8=\n</base64></value>", XmlRpcValue::Base64("hello")},
      {"<value><dateTime.iso8601>20260101T01:02:03</dateTime.iso8601></value>",
       XmlRpcValue::DateTime("20260101T01:02:03")},
      {"<value><nil/></value>", XmlRpcValue()},
      {"<value><array><data></data></array></value>", XmlRpcValue::Array({})},
      {"<value><array><data>\n<value>x</value>\n<value><int>1</int></value>\n</data></array>"
       "</value>",
       XmlRpcValue::Array({XmlRpcValue::String("x"), XmlRpcValue::Int(1)})},
      {"<value><struct></struct></value>", XmlRpcValue::Struct({})},
      // <value> before <name> is accepted too.
      {"<value><struct>\n<member>\n<value><int>1</int></value>\n<name>a</name>\n</member>\n"
       "</struct></value>",
       XmlRpcValue::Struct({{"a", XmlRpcValue::Int(1)}})},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Decode(Response(c.xml)), IsOkAndHolds(c.want)) << c.xml;
  }
}

// tinyxml2 drops a text node of only whitespace directly followed by markup,
// so such a string or member name decodes as "".
TEST(DecodeTest, WhitespaceOnlyText) {
  EXPECT_THAT(Decode(Response("<value><string> \n </string></value>")),
              IsOkAndHolds(XmlRpcValue::String("")));
  EXPECT_THAT(Decode(Response("<value> \n </value>")), IsOkAndHolds(XmlRpcValue::String("")));
  EXPECT_THAT(Decode(Response("<value><struct><member><name> </name><value/></member></struct>"
                              "</value>")),
              IsOkAndHolds(XmlRpcValue::Struct({{"", XmlRpcValue::String("")}})));
  // Whitespace next to other text is kept.
  EXPECT_THAT(Decode(Response("<value><string> x </string></value>")),
              IsOkAndHolds(XmlRpcValue::String(" x ")));
}

TEST(DecodeTest, StructMemberOrderIsIrrelevant) {
  const std::string fault_reversed =
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n"
      "<name>faultString</name>\n<value><string>BAD_NAME: x</string></value>\n</member>\n"
      "<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n"
      "</struct></value>\n</fault>\n</methodResponse>\n";
  absl::StatusOr<XmlRpcValue> value = Decode(fault_reversed);
  EXPECT_THAT(value, StatusIs(absl::StatusCode::kNotFound, "BAD_NAME: x"));
  ASSERT_TRUE(FaultFromStatus(value.status()).has_value());
  EXPECT_EQ(FaultFromStatus(value.status())->code, 10);
}

TEST(DecodeTest, RejectsMalformedDocuments) {
  struct Case {
    std::string body;
    const char* message;
  };
  const Case cases[] = {
      {"", "malformed XML"},
      {"not xml at all", "malformed XML"},
      {"<!-- c -->", "has no root element"},
      {"<methodResponse><params>", "malformed XML"},
      {"<methodResponse></methodResponse>", "<methodResponse> is empty"},
      {"<methodCall></methodCall>", "root is <methodCall>, want <methodResponse>"},
      // The whole document is read first: malformed XML and a second root
      // are reported before XML-RPC errors.
      {"<methodResponse/><methodResponse/>", "a second root element"},
      {"<methodResponse><params/></methodResponse><methodResponse/>", "a second root element"},
      {Response("<value>1</value>") + "<methodResponse/>", "a second root element"},
      {"<methodResponse><params></params></methodResponse>", "<params> has no <param>"},
      {"<methodResponse><params><param><value>1</value></param><param><value>2</value></param>"
       "</params></methodResponse>",
       "<params> has more than one child"},
      {"<methodResponse><params><param></param></params></methodResponse>",
       "<param> has no <value>"},
      {"<methodResponse><params><param><value>1</value></param></params><fault/>"
       "</methodResponse>",
       "<methodResponse> has more than one child"},
      {"<methodResponse>text<params/></methodResponse>", "unexpected text 'text'"},
      {Response("<value><int>x</int></value>"), "<int> 'x' is not a 32-bit integer"},
      {Response("<value><int></int></value>"), "<int> '' is not a 32-bit integer"},
      {Response("<value><int>2147483648</int></value>"), "is not a 32-bit integer"},
      {Response("<value><i8>1</i8></value>"), "unknown value type <i8>"},
      {Response("<value><boolean>true</boolean></value>"), "<boolean> 'true' is not 0 or 1"},
      {Response("<value><double>abc</double></value>"), "<double> 'abc' is not a number"},
      {Response("<value><base64>@@@</base64></value>"), "<base64> is not valid base64"},
      {Response("<value><nil>x</nil></value>"), "<nil> is not empty"},
      {Response("<value><string><b/></string></value>"), "markup inside <string>"},
      {Response("<value><int>1</int><int>2</int></value>"), "<value> has more than one child"},
      {Response("<value>x<int>1</int></value>"), "unexpected text 'x'"},
      {Response("<value><array></array></value>"), "<array> has no <data>"},
      {Response("<value><array><data><int>1</int></data></array></value>"),
       "<int> inside <data>, want <value>"},
      {Response("<value><struct><value/></struct></value>"),
       "<value> inside <struct>, want <member>"},
      {Response("<value><struct><member><value/></member></struct></value>"),
       "<member> has no <name>"},
      {Response("<value><struct><member><name>a</name></member></struct></value>"),
       "<member> has no <value>"},
      {Response("<value><struct><member><name>a</name><name>b</name><value/></member></struct>"
                "</value>"),
       "<member> has two <name>"},
      {"<methodResponse><fault><value><struct></struct></value></fault></methodResponse>",
       "<fault> has no int faultCode"},
      {"<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int>"
       "</value></member></struct></value></fault></methodResponse>",
       "<fault> has no string faultString"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(Decode(c.body), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.body;
  }
}

std::string NestedArrays(int depth) {
  std::string xml;
  for (int i = 0; i < depth; ++i) xml += "<value><array><data>";
  xml += "<value><int>1</int></value>";
  for (int i = 0; i < depth; ++i) xml += "</data></array></value>";
  return Response(xml);
}

TEST(DecodeTest, DepthLimit) {
  // kMaxValueDepth values in total (depth-1 arrays around one int) decode.
  EXPECT_TRUE(Decode(NestedArrays(kMaxValueDepth - 1)).ok());
  // One more level is refused. Every value level costs three elements, so
  // tinyxml2's own element-depth limit (100) trips at the same level as
  // kMaxValueDepth; either way the answer is kResourceExhausted.
  EXPECT_THAT(Decode(NestedArrays(kMaxValueDepth)),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("nests")));
  EXPECT_THAT(Decode(NestedArrays(1000)),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("nests elements deeper than 100")));
}

TEST(DecodeTest, SizeLimit) {
  std::string body = Response("<value><string>x</string></value>");
  body.resize(kMaxResponseBytes + 1, ' ');
  EXPECT_THAT(Decode(body),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("exceeds the limit")));
}

TEST(DecodeTest, EmbeddedNulIsNotTruncation) {
  // Parse(ptr, size) sees the whole buffer: a NUL inside it is malformed XML,
  // not the end of the document.
  std::string body = Response("<value><string>x</string></value>");
  body.insert(body.find("x"), std::string("\0", 1));
  EXPECT_THAT(Decode(body), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DecodeTest, RoundTripEncodeThenDecode) {
  const XmlRpcValue value = XmlRpcValue::Struct({
      {"i", XmlRpcValue::Int(-2147483647)},
      {"b", XmlRpcValue::Boolean(true)},
      {"s", XmlRpcValue::String("<&>\t\"' \xC3\xA9")},
      {"d", XmlRpcValue::Double(3.141592653589793)},
      {"bin", XmlRpcValue::Base64(std::string(200, '\xff'))},
      {"t", XmlRpcValue::DateTime("20260101T00:00:00")},
      {"n", XmlRpcValue()},
      {"a", XmlRpcValue::Array({XmlRpcValue::Array({}), XmlRpcValue::Struct({})})},
  });
  EXPECT_THAT(Decode(EncodeMethodResponse(value)), IsOkAndHolds(value));
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
