// The direct getAllProcessInfo decoder against the general path: every
// capture, a table of variations, and every truncation of the capture.

#include "supervisor_rpc/process_info_list_decoder.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/process_info_list_differential.h"
#include "supervisor_rpc/testdata_reader.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;


std::string Member(const std::string& name, const std::string& value_xml) {
  return absl::StrCat("<member>\n<name>", name, "</name>\n<value>", value_xml,
                      "</value>\n</member>\n");
}

std::string Str(const std::string& s) { return absl::StrCat("<string>", s, "</string>"); }
std::string Int(const std::string& s) { return absl::StrCat("<int>", s, "</int>"); }

// supervisord's members for one process, in its order.
std::vector<std::string> Members() {
  return {
      Member("name", Str("foo")),          Member("group", Str("bar")),
      Member("start", Int("1795611196")),  Member("stop", Int("0")),
      Member("now", Int("1795611212")),    Member("state", Int("20")),
      Member("statename", Str("RUNNING")), Member("spawnerr", Str("")),
      Member("exitstatus", Int("0")),      Member("logfile", Str("/var/log/foo.log")),
      Member("stdout_logfile", Str("/var/log/foo.log")),
      Member("stderr_logfile", Str("")),   Member("pid", Int("4242")),
      Member("description", Str("pid 4242, uptime 0:00:16")),
  };
}

std::string Struct(const std::vector<std::string>& members) {
  std::string out = "<value><struct>\n";
  for (const std::string& m : members) out += m;
  return out + "</struct></value>\n";
}

std::string List(const std::vector<std::string>& items) {
  std::string out = "<value><array><data>\n";
  for (const std::string& item : items) out += item;
  return ResponseWith(out + "</data></array></value>");
}

// Members() with member `name` replaced by `value_xml` (or removed when
// value_xml is empty).
std::vector<std::string> With(const std::string& name, const std::string& value_xml) {
  std::vector<std::string> out;
  for (const std::string& m : Members()) {
    if (absl::StrContains(m, absl::StrCat("<name>", name, "</name>"))) {
      if (!value_xml.empty()) out.push_back(Member(name, value_xml));
    } else {
      out.push_back(m);
    }
  }
  return out;
}

std::vector<std::string> Plus(std::vector<std::string> members, const std::string& extra) {
  members.push_back(extra);
  return members;
}

enum class Want { kDirect, kFallback };

struct Case {
  const char* label;
  std::string body;
  Want want;
};

std::vector<Case> Cases() {
  std::vector<std::string> reversed = Members();
  std::reverse(reversed.begin(), reversed.end());
  std::vector<std::string> shuffled = Members();
  std::rotate(shuffled.begin(), shuffled.begin() + 5, shuffled.end());
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<value><array><data>";
  for (int i = 0; i < 40; ++i) deep += "</data></array></value>";
  const std::string deep_member = absl::StrCat("<member><name>x</name>", deep, "</member>");
  return {
      {"one process", List({Struct(Members())}), Want::kDirect},
      {"two processes", List({Struct(Members()), Struct(With("name", Str("b")))}), Want::kDirect},
      {"empty array", List({}), Want::kDirect},
      {"self-closing data", ResponseWith("<value><array><data/></array></value>"), Want::kDirect},
      {"members reversed", List({Struct(reversed)}), Want::kDirect},
      {"members rotated", List({Struct(shuffled)}), Want::kDirect},
      {"only required members",
       List({Struct({Member("pid", Int("1")), Member("state", Int("0")),
                     Member("group", Str("g")), Member("name", Str("n"))})}),
       Want::kDirect},
      {"duplicate int, last wins", List({Struct(Plus(Members(), Member("pid", Int("99"))))}),
       Want::kDirect},
      {"duplicate string, last wins",
       List({Struct(Plus(Members(), Member("name", Str("second"))))}), Want::kDirect},
      {"duplicate, earlier wrongly typed",
       List({Struct(Plus(With("pid", Str("x")), Member("pid", Int("5"))))}), Want::kFallback},
      {"duplicate, later wrongly typed",
       List({Struct(Plus(Members(), Member("pid", Str("5"))))}), Want::kFallback},
      {"unknown string member", List({Struct(Plus(Members(), Member("extra", Str("x"))))}),
       Want::kDirect},
      {"unknown scalar members",
       List({Struct(Plus(Plus(Plus(Plus(Plus(Plus(Members(), Member("a", "<boolean>1</boolean>")),
                                                Member("b", "<double>1.5</double>")),
                                           Member("c", "<base64>Zm9v</base64>")),
                                      Member("d", "<nil/>")),
                                 Member("e", "<dateTime.iso8601>x</dateTime.iso8601>")),
                            Member("f", "bare text")))}),
       Want::kDirect},
      {"unknown member, invalid int",
       List({Struct(Plus(Members(), Member("extra", Int("x"))))}), Want::kFallback},
      {"unknown member, invalid boolean",
       List({Struct(Plus(Members(), Member("extra", "<boolean>2</boolean>")))}), Want::kFallback},
      {"unknown member, unknown type",
       List({Struct(Plus(Members(), Member("extra", "<i8>1</i8>")))}), Want::kFallback},
      {"unknown member, nil with text",
       List({Struct(Plus(Members(), Member("extra", "<nil>x</nil>")))}), Want::kFallback},
      {"unknown member, nested array",
       List({Struct(Plus(Members(), Member("extra", "<array><data><value>1</value></data></array>")))}),
       Want::kFallback},
      {"unknown member, nested struct",
       List({Struct(Plus(Members(), Member("extra", "<struct>" + Member("a", Int("1")) + "</struct>")))}),
       Want::kFallback},
      {"unknown member, nested bad struct",
       List({Struct(Plus(Members(), Member("extra", "<struct><member><name>a</name></member></struct>")))}),
       Want::kFallback},
      {"unknown member, nested too deep", List({Struct(Plus(Members(), deep_member))}),
       Want::kFallback},
      {"missing name", List({Struct(With("name", ""))}), Want::kFallback},
      {"missing group", List({Struct(With("group", ""))}), Want::kFallback},
      {"missing state", List({Struct(With("state", ""))}), Want::kFallback},
      {"missing pid", List({Struct(With("pid", ""))}), Want::kFallback},
      {"missing optional", List({Struct(With("description", ""))}), Want::kDirect},
      {"name is int", List({Struct(With("name", Int("1")))}), Want::kFallback},
      {"state is string", List({Struct(With("state", Str("20")))}), Want::kFallback},
      {"state is bare string", List({Struct(With("state", "20"))}), Want::kFallback},
      {"pid is boolean", List({Struct(With("pid", "<boolean>1</boolean>"))}), Want::kFallback},
      {"stop is double", List({Struct(With("stop", "<double>1</double>"))}), Want::kFallback},
      {"logfile is nil", List({Struct(With("logfile", "<nil/>"))}), Want::kFallback},
      {"description is array",
       List({Struct(With("description", "<array><data/></array>"))}), Want::kFallback},
      {"statename is struct", List({Struct(With("statename", "<struct/>"))}), Want::kFallback},
      {"pid above int32", List({Struct(With("pid", Int("2147483648")))}), Want::kFallback},
      {"pid below int32", List({Struct(With("pid", Int("-2147483649")))}), Want::kFallback},
      {"pid at int32 max", List({Struct(With("pid", Int("2147483647")))}), Want::kDirect},
      {"pid at int32 min", List({Struct(With("pid", Int("-2147483648")))}), Want::kDirect},
      {"int with blanks and plus", List({Struct(With("pid", Int(" +7 ")))}), Want::kDirect},
      {"int not decimal", List({Struct(With("pid", Int("0x10")))}), Want::kFallback},
      {"i4", List({Struct(With("state", "<i4>10</i4>"))}), Want::kDirect},
      {"unknown state code", List({Struct(With("state", Int("7")))}), Want::kDirect},
      {"negative state code", List({Struct(With("state", Int("-1")))}), Want::kDirect},
      {"untyped value is a string", List({Struct(With("name", "foo"))}), Want::kDirect},
      {"untyped empty value", List({Struct(With("spawnerr", "<!-- c -->"))}), Want::kDirect},
      {"untyped value with entities",
       List({Struct(With("description", " a &amp; b &#x41;<![CDATA[<c>]]> "))}), Want::kDirect},
      {"blanks around typed value", List({Struct(With("name", " \n<string>x</string>\t"))}),
       Want::kDirect},
      {"text before typed value", List({Struct(With("name", "x<string>y</string>"))}),
       Want::kFallback},
      {"text after typed value", List({Struct(With("name", "<string>y</string>x"))}),
       Want::kFallback},
      {"entity before typed value", List({Struct(With("name", "&#32;<string>y</string>"))}),
       Want::kFallback},
      {"entity in member name", List({Struct(Plus(With("pid", ""), Member("p&#105;d", Int("3"))))}),
       Want::kDirect},
      {"CDATA member name",
       List({Struct(Plus(With("pid", ""), Member("<![CDATA[pid]]>", Int("3"))))}), Want::kDirect},
      {"comment in member name",
       List({Struct(Plus(With("pid", ""), Member("p<!-- x -->id", Int("3"))))}), Want::kDirect},
      {"blank in member name",
       List({Struct(Plus(With("pid", ""), Member(" pid", Int("3"))))}), Want::kFallback},
      {"entities in string value",
       List({Struct(With("description", Str("&lt;a&gt; &amp; \r\n &#233;")))}), Want::kDirect},
      {"CDATA in string value",
       List({Struct(With("description", Str("a<![CDATA[<&>]]>b")))}), Want::kDirect},
      {"markup in string value", List({Struct(With("description", Str("a<b/>")))}),
       Want::kFallback},
      {"value before name",
       List({Struct(Plus(With("pid", ""), "<member><value><int>3</int></value><name>pid</name></member>"))}),
       Want::kFallback},
      {"member without value",
       List({Struct(Plus(Members(), "<member><name>x</name></member>"))}), Want::kFallback},
      {"member without name",
       List({Struct(Plus(Members(), "<member><value>x</value></member>"))}), Want::kFallback},
      {"member with two names",
       List({Struct(Plus(Members(), "<member><name>x</name><name>y</name><value>x</value></member>"))}),
       Want::kFallback},
      {"text in struct", List({"<value><struct>x" + Member("name", Str("a")) + "</struct></value>"}),
       Want::kFallback},
      {"other element in struct", List({"<value><struct><foo/></struct></value>"}),
       Want::kFallback},
      {"fault",
       "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n" +
           Member("faultCode", Int("10")) + Member("faultString", Str("BAD_NAME: foo")) +
           "</struct></value>\n</fault>\n</methodResponse>\n",
       Want::kFallback},
      {"param is a struct", ResponseWith(Struct(Members())), Want::kFallback},
      {"param is a string", ResponseWith("<value><string>x</string></value>"), Want::kFallback},
      {"param is bare text", ResponseWith("<value>x</value>"), Want::kFallback},
      {"item is an int", List({"<value><int>1</int></value>"}), Want::kFallback},
      {"item is bare text", List({"<value>x</value>"}), Want::kFallback},
      {"item is an array", List({"<value><array><data/></array></value>"}), Want::kFallback},
      {"second item invalid", List({Struct(Members()), Struct(With("pid", Str("x")))}),
       Want::kFallback},
      {"conversion error then malformed XML",
       List({Struct(With("pid", Str("x")))}) + "<extra/>", Want::kFallback},
      {"element in data", List({"<foo/>"}), Want::kFallback},
      {"array without data", ResponseWith("<value><array></array></value>"), Want::kFallback},
      {"array with two datas", ResponseWith("<value><array><data/><data/></array></value>"),
       Want::kFallback},
      {"two params",
       "<methodResponse><params><param><value><array><data/></array></value></param>"
       "<param><value>x</value></param></params></methodResponse>",
       Want::kFallback},
      {"wrong root", "<methodCall/>", Want::kFallback},
      {"empty methodResponse", "<methodResponse/>", Want::kFallback},
      {"trailing element", List({}) + "<x/>", Want::kFallback},
      {"trailing comment and blanks", List({}) + "<!-- x -->\n\n", Want::kDirect},
      {"BOM and no declaration",
       "\xEF\xBB\xBF<methodResponse><params><param><value><array><data/></array></value>"
       "</param></params></methodResponse>",
       Want::kDirect},
      {"attribute", "<methodResponse a='1'/>", Want::kFallback},
      {"NUL byte", List({Struct(With("name", Str(std::string("a\0b", 3))))}), Want::kFallback},
      {"empty body", "", Want::kFallback},
  };
}

TEST(ProcessInfoListDecoderTest, VariationsAgreeWithGeneralPath) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.label);
    std::string why;
    bool direct = false;
    EXPECT_TRUE(ProcessInfoListPathsAgree(c.body, &why, &direct)) << why;
    EXPECT_EQ(direct, c.want == Want::kDirect);
  }
}

TEST(ProcessInfoListDecoderTest, CapturesAgreeWithGeneralPath) {
  for (const char* name : kTestdataCaptures) {
    SCOPED_TRACE(name);
    const std::string body = ReadTestdata(name);
    ASSERT_FALSE(body.empty());
    std::string why;
    bool direct = false;
    EXPECT_TRUE(ProcessInfoListPathsAgree(body, &why, &direct)) << why;
    EXPECT_EQ(direct, std::string(name) == "getAllProcessInfo.xml");
  }
}

TEST(ProcessInfoListDecoderTest, EveryTruncationOfTheCapture) {
  const std::string body = ReadTestdata("getAllProcessInfo.xml");
  ASSERT_FALSE(body.empty());
  int direct_count = 0;
  for (std::size_t len = 0; len <= body.size(); ++len) {
    // A copy of exactly `len` bytes, so that ASan sees any read past it.
    const std::string prefix = body.substr(0, len);
    std::string why;
    bool direct = false;
    ASSERT_TRUE(ProcessInfoListPathsAgree(prefix, &why, &direct)) << "length " << len << ": "
                                                                  << why;
    direct_count += direct;
  }
  // The whole capture, and the capture without its final newline.
  EXPECT_EQ(direct_count, 2);
}

// The outcomes themselves, so that the table above cannot pass vacuously.
TEST(ProcessInfoListDecoderTest, CapturedListDecodes) {
  const absl::StatusOr<std::vector<ProcessInfo>> infos =
      DecodeProcessInfoListResponse(ReadTestdata("getAllProcessInfo.xml"));
  ASSERT_THAT(infos, IsOk());
  ASSERT_FALSE(infos->empty());
  EXPECT_EQ((*infos)[0].name, "baz_00");
  EXPECT_EQ((*infos)[0].group, "baz");
  EXPECT_EQ((*infos)[0].start, 1795611196);
  EXPECT_EQ((*infos)[0].state, ProcessState::kStopped);
}

TEST(ProcessInfoListDecoderTest, LastDuplicateWins) {
  const absl::StatusOr<std::vector<ProcessInfo>> infos =
      DecodeProcessInfoListResponse(List({Struct(Plus(Members(), Member("pid", Int("99"))))}));
  ASSERT_THAT(infos, IsOk());
  ASSERT_EQ(infos->size(), 1u);
  EXPECT_EQ((*infos)[0].pid, 99);
  EXPECT_EQ((*infos)[0].name, "foo");
  EXPECT_EQ((*infos)[0].state, ProcessState::kRunning);
}

TEST(ProcessInfoListDecoderTest, UnknownStateCode) {
  const absl::StatusOr<std::vector<ProcessInfo>> infos =
      DecodeProcessInfoListResponse(List({Struct(With("state", Int("7")))}));
  ASSERT_THAT(infos, IsOk());
  EXPECT_EQ((*infos)[0].state, ProcessState::kUnknown);
  EXPECT_EQ((*infos)[0].state_code, 7);
}

TEST(ProcessInfoListDecoderTest, Errors) {
  EXPECT_THAT(DecodeProcessInfoListResponse(ResponseWith("<value>x</value>")),
              StatusIs(absl::StatusCode::kInvalidArgument, "supervisord returned no array"));
  EXPECT_THAT(DecodeProcessInfoListResponse(List({Struct(With("pid", ""))})),
              StatusIs(absl::StatusCode::kInvalidArgument, "process info has no 'pid' member"));
  EXPECT_THAT(DecodeProcessInfoListResponse(List({Struct(With("state", Str("x")))})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "process info member 'state' is string, want int"));
  EXPECT_THAT(DecodeProcessInfoListResponse(List({Struct(With("pid", Int("2147483648")))})),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not a 32-bit integer")));
  EXPECT_THAT(DecodeProcessInfoListResponse(List({"<value>x</value>"})),
              StatusIs(absl::StatusCode::kInvalidArgument, "process info is string, want struct"));
}

TEST(ProcessInfoListDecoderTest, TooLargeBody) {
  const std::string body = List({}) + std::string(kMaxResponseBytes, ' ');
  std::string why;
  bool direct = true;
  EXPECT_TRUE(ProcessInfoListPathsAgree(body, &why, &direct)) << why;
  EXPECT_FALSE(direct);
  EXPECT_THAT(DecodeProcessInfoListResponse(body),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
