#include "supervisor_rpc/process_info.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supervisor_rpc/testdata_reader.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

XmlRpcValue FullStruct() {
  // Deliberately not in supervisord's member order.
  return XmlRpcValue::Struct({
      {"description", XmlRpcValue::String("pid 11537, uptime 0:00:09")},
      {"pid", XmlRpcValue::Int(11537)},
      {"name", XmlRpcValue::String("baz_01")},
      {"group", XmlRpcValue::String("baz")},
      {"start", XmlRpcValue::Int(1795611196)},
      {"stop", XmlRpcValue::Int(0)},
      {"now", XmlRpcValue::Int(1795611202)},
      {"state", XmlRpcValue::Int(20)},
      {"statename", XmlRpcValue::String("RUNNING")},
      {"spawnerr", XmlRpcValue::String("")},
      {"exitstatus", XmlRpcValue::Int(0)},
      {"logfile", XmlRpcValue::String("/l/out")},
      {"stdout_logfile", XmlRpcValue::String("/l/out")},
      {"stderr_logfile", XmlRpcValue::String("/l/err")},
      {"extra", XmlRpcValue::Array({})},
  });
}

TEST(ProcessInfoTest, ReadsEveryField) {
  absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(FullStruct());
  ASSERT_TRUE(info.ok()) << info.status();
  ProcessInfo want;
  want.name = "baz_01";
  want.group = "baz";
  want.start = 1795611196;
  want.stop = 0;
  want.now = 1795611202;
  want.state = ProcessState::kRunning;
  want.state_code = 20;
  want.statename = "RUNNING";
  want.spawnerr = "";
  want.exitstatus = 0;
  want.logfile = "/l/out";
  want.stdout_logfile = "/l/out";
  want.stderr_logfile = "/l/err";
  want.pid = 11537;
  want.description = "pid 11537, uptime 0:00:09";
  EXPECT_TRUE(*info == want);
}

TEST(ProcessInfoTest, UnlistedStateIsUnknownWithRawCode) {
  XmlRpcValue v = XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                                       {"group", XmlRpcValue::String("a")},
                                       {"state", XmlRpcValue::Int(55)},
                                       {"pid", XmlRpcValue::Int(0)}});
  absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(v);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->state, ProcessState::kUnknown);
  EXPECT_EQ(info->state_code, 55);
}

TEST(ProcessInfoTest, RejectsMissingOrMistypedMembers) {
  struct Case {
    XmlRpcValue value;
    const char* message;
  };
  const Case cases[] = {
      {XmlRpcValue::Int(1), "process info is int, want struct"},
      {XmlRpcValue::Struct({{"group", XmlRpcValue::String("a")}}), "no 'name' member"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::Int(1)}}), "member 'name' is int, want string"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"pid", XmlRpcValue::Int(1)}}),
       "no 'state' member"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"state", XmlRpcValue::String("20")},
                            {"pid", XmlRpcValue::Int(1)}}),
       "member 'state' is string, want int"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"state", XmlRpcValue::Int(20)}}),
       "no 'pid' member"},
      {XmlRpcValue::Struct({{"name", XmlRpcValue::String("a")},
                            {"group", XmlRpcValue::String("a")},
                            {"state", XmlRpcValue::Int(20)},
                            {"pid", XmlRpcValue::Int(1)},
                            {"description", XmlRpcValue()}}),
       "member 'description' is nil, want string"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ProcessInfoFromValue(c.value),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

TEST(ProcessStateTest, NamesAndGroups) {
  EXPECT_EQ(ProcessStateName(ProcessState::kStopped), "STOPPED");
  EXPECT_EQ(ProcessStateName(ProcessState::kStarting), "STARTING");
  EXPECT_EQ(ProcessStateName(ProcessState::kRunning), "RUNNING");
  EXPECT_EQ(ProcessStateName(ProcessState::kBackoff), "BACKOFF");
  EXPECT_EQ(ProcessStateName(ProcessState::kStopping), "STOPPING");
  EXPECT_EQ(ProcessStateName(ProcessState::kExited), "EXITED");
  EXPECT_EQ(ProcessStateName(ProcessState::kFatal), "FATAL");
  EXPECT_EQ(ProcessStateName(ProcessState::kUnknown), "UNKNOWN");
  EXPECT_EQ(ProcessStateName(static_cast<ProcessState>(3)), "UNKNOWN");
  for (ProcessState s : {ProcessState::kRunning, ProcessState::kBackoff, ProcessState::kStarting}) {
    EXPECT_TRUE(IsRunningState(s));
    EXPECT_FALSE(IsStoppedState(s));
  }
  for (ProcessState s : {ProcessState::kStopped, ProcessState::kExited, ProcessState::kFatal,
                         ProcessState::kUnknown}) {
    EXPECT_TRUE(IsStoppedState(s));
    EXPECT_FALSE(IsRunningState(s));
  }
  EXPECT_FALSE(IsRunningState(ProcessState::kStopping));
  EXPECT_FALSE(IsStoppedState(ProcessState::kStopping));
}

TEST(ProcessStateTest, FromCodeKeepsKnownCodesAndMapsOthersToUnknown) {
  EXPECT_EQ(ProcessStateFromCode(0), ProcessState::kStopped);
  EXPECT_EQ(ProcessStateFromCode(20), ProcessState::kRunning);
  EXPECT_EQ(ProcessStateFromCode(200), ProcessState::kFatal);
  EXPECT_EQ(ProcessStateFromCode(1000), ProcessState::kUnknown);
  EXPECT_EQ(ProcessStateFromCode(7), ProcessState::kUnknown);
  EXPECT_EQ(ProcessStateFromCode(-1), ProcessState::kUnknown);
}

TEST(NamespecTest, MakeNamespec) {
  EXPECT_EQ(MakeNamespec("foo", "foo"), "foo");
  EXPECT_EQ(MakeNamespec("baz", "baz_01"), "baz:baz_01");
  EXPECT_EQ(MakeNamespec("", ""), "");
}

TEST(NamespecTest, SplitNamespec) {
  struct Case {
    const char* spec;
    const char* group;
    const char* name;
  };
  const Case cases[] = {
      {"foo", "foo", "foo"},
      {"baz:baz_01", "baz", "baz_01"},
      {"baz:", "baz", ""},
      {"baz:*", "baz", ""},
      {"a:b:c", "a", "b:c"},
      {":x", "", "x"},
      {"", "", ""},
  };
  for (const Case& c : cases) {
    NamespecParts parts = SplitNamespec(c.spec);
    EXPECT_EQ(parts.group, c.group) << c.spec;
    EXPECT_EQ(parts.name, c.name) << c.spec;
  }
}

// ---------------------------------------------------------------------------
// getAllProcessInfo bodies: DecodeMethodResponse(), then
// ProcessInfoListFromValue(), as SupervisorClient::GetAllProcessInfo() does.

absl::StatusOr<std::vector<ProcessInfo>> DecodeList(const std::string& body) {
  absl::StatusOr<XmlRpcValue> value = DecodeMethodResponse(body);
  if (!value.ok()) return value.status();
  return ProcessInfoListFromValue(*value);
}

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

// The ProcessInfo of Members().
ProcessInfo Foo() {
  ProcessInfo info;
  info.name = "foo";
  info.group = "bar";
  info.start = 1795611196;
  info.now = 1795611212;
  info.state = ProcessState::kRunning;
  info.state_code = 20;
  info.statename = "RUNNING";
  info.logfile = "/var/log/foo.log";
  info.stdout_logfile = "/var/log/foo.log";
  info.pid = 4242;
  info.description = "pid 4242, uptime 0:00:16";
  return info;
}

// Foo() changed by `edit`.
ProcessInfo FooWith(const std::function<void(ProcessInfo&)>& edit) {
  ProcessInfo info = Foo();
  edit(info);
  return info;
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

struct ListCase {
  const char* label;
  std::string body;
  bool ok;
  std::vector<ProcessInfo> infos;  // when ok
  absl::StatusCode code = absl::StatusCode::kOk;
  const char* message = "";  // a part of the error message
};

ListCase Ok(const char* label, std::string body, std::vector<ProcessInfo> infos) {
  return ListCase{label, std::move(body), true, std::move(infos)};
}
ListCase Bad(const char* label, std::string body, const char* message,
             absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  return ListCase{label, std::move(body), false, {}, code, message};
}

std::vector<ListCase> ListCases() {
  std::vector<std::string> reversed = Members();
  std::reverse(reversed.begin(), reversed.end());
  std::vector<std::string> shuffled = Members();
  std::rotate(shuffled.begin(), shuffled.begin() + 5, shuffled.end());
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<value><array><data>";
  for (int i = 0; i < 40; ++i) deep += "</data></array></value>";
  const std::string deep_member = absl::StrCat("<member><name>x</name>", deep, "</member>");
  ProcessInfo required;
  required.name = "n";
  required.group = "g";
  required.pid = 1;
  required.state = ProcessState::kStopped;
  const auto pid = [](std::int64_t p) { return FooWith([p](ProcessInfo& i) { i.pid = p; }); };
  const auto state = [](int code) {
    return FooWith([code](ProcessInfo& i) {
      i.state_code = code;
      i.state = ProcessStateFromCode(code);
    });
  };
  const auto name = [](const char* n) { return FooWith([n](ProcessInfo& i) { i.name = n; }); };
  const auto description = [](const char* d) {
    return FooWith([d](ProcessInfo& i) { i.description = d; });
  };
  return {
      Ok("one process", List({Struct(Members())}), {Foo()}),
      Ok("two processes", List({Struct(Members()), Struct(With("name", Str("b")))}),
         {Foo(), name("b")}),
      Ok("empty array", List({}), {}),
      Ok("self-closing data", ResponseWith("<value><array><data/></array></value>"), {}),
      Ok("members reversed", List({Struct(reversed)}), {Foo()}),
      Ok("members rotated", List({Struct(shuffled)}), {Foo()}),
      Ok("only required members",
         List({Struct({Member("pid", Int("1")), Member("state", Int("0")),
                       Member("group", Str("g")), Member("name", Str("n"))})}),
         {required}),
      Ok("duplicate int, last wins", List({Struct(Plus(Members(), Member("pid", Int("99"))))}),
         {pid(99)}),
      Ok("duplicate string, last wins",
         List({Struct(Plus(Members(), Member("name", Str("second"))))}), {name("second")}),
      Ok("duplicate, earlier wrongly typed",
         List({Struct(Plus(With("pid", Str("x")), Member("pid", Int("5"))))}), {pid(5)}),
      Bad("duplicate, later wrongly typed",
          List({Struct(Plus(Members(), Member("pid", Str("5"))))}),
          "process info member 'pid' is string, want int"),
      Ok("unknown string member", List({Struct(Plus(Members(), Member("extra", Str("x"))))}),
         {Foo()}),
      Ok("unknown scalar members",
         List({Struct(Plus(Plus(Plus(Plus(Plus(Plus(Members(), Member("a", "<boolean>1</boolean>")),
                                                  Member("b", "<double>1.5</double>")),
                                             Member("c", "<base64>Zm9v</base64>")),
                                        Member("d", "<nil/>")),
                                   Member("e", "<dateTime.iso8601>x</dateTime.iso8601>")),
                              Member("f", "bare text")))}),
         {Foo()}),
      Bad("unknown member, invalid int",
          List({Struct(Plus(Members(), Member("extra", Int("x"))))}),
          "<int> 'x' is not a 32-bit integer"),
      Bad("unknown member, invalid boolean",
          List({Struct(Plus(Members(), Member("extra", "<boolean>2</boolean>")))}),
          "<boolean> '2' is not 0 or 1"),
      Bad("unknown member, unknown type",
          List({Struct(Plus(Members(), Member("extra", "<i8>1</i8>")))}),
          "unknown value type <i8>"),
      Bad("unknown member, nil with text",
          List({Struct(Plus(Members(), Member("extra", "<nil>x</nil>")))}), "<nil> is not empty"),
      Ok("unknown member, nested array",
         List({Struct(Plus(Members(),
                           Member("extra", "<array><data><value>1</value></data></array>")))}),
         {Foo()}),
      Ok("unknown member, nested struct",
         List({Struct(
             Plus(Members(), Member("extra", "<struct>" + Member("a", Int("1")) + "</struct>")))}),
         {Foo()}),
      Bad("unknown member, nested bad struct",
          List({Struct(Plus(Members(),
                            Member("extra", "<struct><member><name>a</name></member></struct>")))}),
          "<member> has no <value>"),
      Bad("unknown member, nested too deep", List({Struct(Plus(Members(), deep_member))}),
          "nests", absl::StatusCode::kResourceExhausted),
      Bad("missing name", List({Struct(With("name", ""))}), "process info has no 'name' member"),
      Bad("missing group", List({Struct(With("group", ""))}),
          "process info has no 'group' member"),
      Bad("missing state", List({Struct(With("state", ""))}),
          "process info has no 'state' member"),
      Bad("missing pid", List({Struct(With("pid", ""))}), "process info has no 'pid' member"),
      Ok("missing optional", List({Struct(With("description", ""))}), {description("")}),
      Bad("name is int", List({Struct(With("name", Int("1")))}),
          "process info member 'name' is int, want string"),
      Bad("state is string", List({Struct(With("state", Str("20")))}),
          "process info member 'state' is string, want int"),
      Bad("state is bare string", List({Struct(With("state", "20"))}),
          "process info member 'state' is string, want int"),
      Bad("pid is boolean", List({Struct(With("pid", "<boolean>1</boolean>"))}),
          "process info member 'pid' is boolean, want int"),
      Bad("stop is double", List({Struct(With("stop", "<double>1</double>"))}),
          "process info member 'stop' is double, want int"),
      Bad("logfile is nil", List({Struct(With("logfile", "<nil/>"))}),
          "process info member 'logfile' is nil, want string"),
      Bad("description is array", List({Struct(With("description", "<array><data/></array>"))}),
          "process info member 'description' is array, want string"),
      Bad("statename is struct", List({Struct(With("statename", "<struct/>"))}),
          "process info member 'statename' is struct, want string"),
      Bad("pid above int32", List({Struct(With("pid", Int("2147483648")))}),
          "<int> '2147483648' is not a 32-bit integer"),
      Bad("pid below int32", List({Struct(With("pid", Int("-2147483649")))}),
          "<int> '-2147483649' is not a 32-bit integer"),
      Ok("pid at int32 max", List({Struct(With("pid", Int("2147483647")))}), {pid(2147483647)}),
      Ok("pid at int32 min", List({Struct(With("pid", Int("-2147483648")))}),
         {pid(-2147483648LL)}),
      Ok("int with blanks and plus", List({Struct(With("pid", Int(" +7 ")))}), {pid(7)}),
      Bad("int not decimal", List({Struct(With("pid", Int("0x10")))}),
          "<int> '0x10' is not a 32-bit integer"),
      Ok("i4", List({Struct(With("state", "<i4>10</i4>"))}), {state(10)}),
      Ok("unknown state code", List({Struct(With("state", Int("7")))}), {state(7)}),
      Ok("negative state code", List({Struct(With("state", Int("-1")))}), {state(-1)}),
      Ok("untyped value is a string", List({Struct(With("name", "foo"))}), {Foo()}),
      Ok("untyped empty value", List({Struct(With("spawnerr", "<!-- c -->"))}), {Foo()}),
      // tinyxml2 drops the last " ": whitespace-only text before markup.
      Ok("untyped value with entities",
         List({Struct(With("description", " a &amp; b &#x41;<![CDATA[<c>]]> "))}),
         {description(" a & b A<c>")}),
      Ok("blanks around typed value", List({Struct(With("name", " \n<string>x</string>\t"))}),
         {name("x")}),
      Bad("text before typed value", List({Struct(With("name", "x<string>y</string>"))}),
          "unexpected text 'x'"),
      Bad("text after typed value", List({Struct(With("name", "<string>y</string>x"))}),
          "unexpected text 'x'"),
      Bad("entity before typed value", List({Struct(With("name", "&#32;<string>y</string>"))}),
          "unexpected text ' '"),
      Ok("entity in member name",
         List({Struct(Plus(With("pid", ""), Member("p&#105;d", Int("3"))))}), {pid(3)}),
      Ok("CDATA member name",
         List({Struct(Plus(With("pid", ""), Member("<![CDATA[pid]]>", Int("3"))))}), {pid(3)}),
      Ok("comment in member name",
         List({Struct(Plus(With("pid", ""), Member("p<!-- x -->id", Int("3"))))}), {pid(3)}),
      Bad("blank in member name", List({Struct(Plus(With("pid", ""), Member(" pid", Int("3"))))}),
          "process info has no 'pid' member"),
      Ok("entities in string value",
         List({Struct(With("description", Str("&lt;a&gt; &amp; \r\n &#233;")))}),
         {description("<a> & \n \xC3\xA9")}),
      Ok("CDATA in string value", List({Struct(With("description", Str("a<![CDATA[<&>]]>b")))}),
         {description("a<&>b")}),
      Bad("markup in string value", List({Struct(With("description", Str("a<b/>")))}),
          "markup inside <string>"),
      Ok("value before name",
         List({Struct(Plus(With("pid", ""),
                           "<member><value><int>3</int></value><name>pid</name></member>"))}),
         {pid(3)}),
      Bad("member without value",
          List({Struct(Plus(Members(), "<member><name>x</name></member>"))}),
          "<member> has no <value>"),
      Bad("member without name",
          List({Struct(Plus(Members(), "<member><value>x</value></member>"))}),
          "<member> has no <name>"),
      Bad("member with two names",
          List({Struct(Plus(Members(),
                            "<member><name>x</name><name>y</name><value>x</value></member>"))}),
          "<member> has two <name>"),
      Bad("text in struct",
          List({"<value><struct>x" + Member("name", Str("a")) + "</struct></value>"}),
          "unexpected text 'x'"),
      Bad("other element in struct", List({"<value><struct><foo/></struct></value>"}),
          "<foo> inside <struct>, want <member>"),
      Bad("fault",
          "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n" +
              Member("faultCode", Int("10")) + Member("faultString", Str("BAD_NAME: foo")) +
              "</struct></value>\n</fault>\n</methodResponse>\n",
          "BAD_NAME: foo", absl::StatusCode::kNotFound),
      Bad("param is a struct", ResponseWith(Struct(Members())), "supervisord returned no array"),
      Bad("param is a string", ResponseWith("<value><string>x</string></value>"),
          "supervisord returned no array"),
      Bad("param is bare text", ResponseWith("<value>x</value>"), "supervisord returned no array"),
      Bad("item is an int", List({"<value><int>1</int></value>"}),
          "process info is int, want struct"),
      Bad("item is bare text", List({"<value>x</value>"}), "process info is string, want struct"),
      Bad("item is an array", List({"<value><array><data/></array></value>"}),
          "process info is array, want struct"),
      Bad("second item invalid", List({Struct(Members()), Struct(With("pid", Str("x")))}),
          "process info member 'pid' is string, want int"),
      // The whole document is read first: the second root is reported.
      Bad("conversion error then malformed XML",
          List({Struct(With("pid", Str("x")))}) + "<extra/>", "a second root element"),
      Bad("element in data", List({"<foo/>"}), "<foo> inside <data>, want <value>"),
      Bad("array without data", ResponseWith("<value><array></array></value>"),
          "<array> has no <data>"),
      Bad("array with two datas", ResponseWith("<value><array><data/><data/></array></value>"),
          "<array> has more than one child"),
      Bad("two params",
          "<methodResponse><params><param><value><array><data/></array></value></param>"
          "<param><value>x</value></param></params></methodResponse>",
          "<params> has more than one child"),
      Bad("wrong root", "<methodCall/>", "root is <methodCall>, want <methodResponse>"),
      Bad("empty methodResponse", "<methodResponse/>", "<methodResponse> is empty"),
      Bad("trailing element", List({}) + "<x/>", "a second root element"),
      Ok("trailing comment and blanks", List({}) + "<!-- x -->\n\n", {}),
      Ok("BOM and no declaration",
         "\xEF\xBB\xBF<methodResponse><params><param><value><array><data/></array></value>"
         "</param></params></methodResponse>",
         {}),
      Bad("attribute", "<methodResponse a='1'/>", "attributes are not supported"),
      Bad("NUL byte", List({Struct(With("name", Str(std::string("a\0b", 3))))}), "NUL byte"),
      Bad("empty body", "", "document has no root element"),
      Bad("too large body", List({}) + std::string(kMaxResponseBytes, ' '), "exceeds the limit",
          absl::StatusCode::kResourceExhausted),
  };
}

TEST(ProcessInfoListTest, DecodedBodies) {
  for (const ListCase& c : ListCases()) {
    SCOPED_TRACE(c.label);
    const absl::StatusOr<std::vector<ProcessInfo>> got = DecodeList(c.body);
    if (c.ok) {
      ASSERT_THAT(got, IsOk());
      EXPECT_TRUE(*got == c.infos);
    } else {
      EXPECT_THAT(got, StatusIs(c.code, HasSubstr(c.message)));
    }
  }
}

TEST(ProcessInfoListTest, CapturedList) {
  const absl::StatusOr<std::vector<ProcessInfo>> infos =
      DecodeList(ReadTestdata("getAllProcessInfo.xml"));
  ASSERT_THAT(infos, IsOk());
  ASSERT_EQ(infos->size(), 6u);
  EXPECT_EQ((*infos)[0].name, "baz_00");
  EXPECT_EQ((*infos)[0].group, "baz");
  EXPECT_EQ((*infos)[0].start, 1795611196);
  EXPECT_EQ((*infos)[0].state, ProcessState::kStopped);
}

// Every capture other than getAllProcessInfo's is a fault or not an array.
TEST(ProcessInfoListTest, OtherCapturesAreNoList) {
  for (const char* name : kTestdataCaptures) {
    if (std::string(name) == "getAllProcessInfo.xml") continue;
    SCOPED_TRACE(name);
    const std::string body = ReadTestdata(name);
    ASSERT_FALSE(body.empty());
    EXPECT_FALSE(DecodeList(body).ok());
  }
}

TEST(ProcessInfoListTest, FromValue) {
  EXPECT_THAT(ProcessInfoListFromValue(XmlRpcValue::Int(1)),
              StatusIs(absl::StatusCode::kInvalidArgument, "supervisord returned no array"));
  EXPECT_THAT(ProcessInfoListFromValue(XmlRpcValue::Array({FullStruct(), XmlRpcValue::Int(1)})),
              StatusIs(absl::StatusCode::kInvalidArgument, "process info is int, want struct"));
  absl::StatusOr<std::vector<ProcessInfo>> infos =
      ProcessInfoListFromValue(XmlRpcValue::Array({FullStruct(), FullStruct()}));
  ASSERT_THAT(infos, IsOk());
  ASSERT_EQ(infos->size(), 2u);
  EXPECT_EQ((*infos)[1].name, "baz_01");
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
