#include "httpok/python_repr.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace svl {
namespace httpok {
namespace {

struct ReprCase {
  std::string input;     // UTF-8 (or invalid) bytes
  std::string expected;  // Python 3.11 repr(), checked with /usr/bin/python3
};

TEST(PythonReprTest, MatchesPython) {
  const std::vector<ReprCase> cases = {
      {"foo", "'foo'"},
      {"", "''"},
      {"can't", "\"can't\""},
      {"say \"hi\"", "'say \"hi\"'"},
      {"both ' and \"", "'both \\' and \"'"},
      {"back\\slash", "'back\\\\slash'"},
      {"a\nb\rc\td", "'a\\nb\\rc\\td'"},
      {std::string("\x00\x1f\x7f", 3), "'\\x00\\x1f\\x7f'"},
      {"\xc2\x85\xc2\xa0", "'\\x85\\xa0'"},
      {"\xc3\xa9\xe2\x98\x83", "'\xc3\xa9\xe2\x98\x83'"},
      {"\xe2\x80\xa8", "'\\u2028'"},
      {"\xe2\x80\x8b", "'\\u200b'"},
      {"\xef\xbb\xbf", "'\\ufeff'"},
      {"\xf0\x9f\x98\x80", "'\xf0\x9f\x98\x80'"},
      {"\xee\x80\x80", "'\\ue000'"},
      {"\xf3\xb0\x80\x80", "'\\U000f0000'"},
      {"\xef\xb7\x90", "'\\ufdd0'"},
      {"\xef\xbf\xbf", "'\\uffff'"},
      {"NO_FILE: can't find command '/nonexistent/bin'",
       "\"NO_FILE: can't find command '/nonexistent/bin'\""},
      // Invalid UTF-8 as Python shows surrogateescape-decoded text.
      {"\xff\x80" "abc", "'\\udcff\\udc80abc'"},
      {"\xc3", "'\\udcc3'"},
      {"\xed\xa0\x80", "'\\udced\\udca0\\udc80'"},
      {"\xc0\x80", "'\\udcc0\\udc80'"},
  };
  for (const ReprCase& c : cases) {
    EXPECT_EQ(PythonRepr(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(PythonListReprTest, MatchesPython) {
  EXPECT_EQ(PythonListRepr({}), "[]");
  EXPECT_EQ(PythonListRepr({"foo"}), "['foo']");
  EXPECT_EQ(PythonListRepr({"foo", "bar", "baz_01", "notexisting"}),
            "['foo', 'bar', 'baz_01', 'notexisting']");
  EXPECT_EQ(PythonListRepr({"grp:web", "it's"}), "['grp:web', \"it's\"]");
}

TEST(PythonFaultReprTest, MatchesXmlrpcClientFault) {
  EXPECT_EQ(PythonFaultRepr(50, "SPAWN_ERROR"), "<Fault 50: 'SPAWN_ERROR'>");
  EXPECT_EQ(PythonFaultRepr(30, "FAILED"), "<Fault 30: 'FAILED'>");
  EXPECT_EQ(PythonFaultRepr(50, "SPAWN_ERROR: foo:bar"), "<Fault 50: 'SPAWN_ERROR: foo:bar'>");
  EXPECT_EQ(PythonFaultRepr(20, "NO_FILE: can't find command '/nonexistent/bin'"),
            "<Fault 20: \"NO_FILE: can't find command '/nonexistent/bin'\">");
}

}  // namespace
}  // namespace httpok
}  // namespace svl
