#include "httpok/status_spec.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace svl {
namespace httpok {
namespace {

using ::svl::testing::IsOk;
using ::svl::testing::StatusIs;
using ::testing::HasSubstr;

TEST(StatusSpecTest, NoValuesMeansExactly200) {
  absl::StatusOr<StatusSpec> spec = ParseStatusSpec({});
  ASSERT_THAT(spec, IsOk());
  EXPECT_EQ(spec->ToString(), "200");
  EXPECT_TRUE(spec->Matches(200));
  EXPECT_FALSE(spec->Matches(201));
  EXPECT_FALSE(spec->Matches(199));
  EXPECT_EQ(StatusSpec().ToString(), "200");
}

struct GoodCase {
  std::vector<std::string> values;
  std::string canonical;  // ToString() of the merged ranges
};

TEST(StatusSpecTest, ParsesAndMerges) {
  const GoodCase cases[] = {
      {{"200"}, "200"},
      {{"204"}, "204"},              // a single -c replaces the default 200
      {{"200", "204"}, "200,204"},   // upstream: repeated -c
      {{"204", "200"}, "200,204"},   // sorted
      {{"200,204,301-302"}, "200,204,301-302"},
      {{"200-399"}, "200-399"},
      {{"100-599"}, "100-599"},
      {{"200", "200"}, "200"},       // duplicates merge
      {{"200-204", "203-210"}, "200-210"},  // overlaps merge
      {{"200", "201"}, "200-201"},   // adjacent merge
      {{"300-301", "200"}, "200,300-301"},
      {{" 200 "}, "200"},            // Python int() strips whitespace
      {{"\t200 , 204\n"}, "200,204"},
      {{"200 - 204"}, "200-204"},
      {{"+200"}, "200"},             // Python int() takes a sign
      {{"0200"}, "200"},             // and leading zeros
      {{"200-200"}, "200"},
  };
  for (const GoodCase& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.values));
    absl::StatusOr<StatusSpec> spec = ParseStatusSpec(c.values);
    ASSERT_THAT(spec, IsOk());
    EXPECT_EQ(spec->ToString(), c.canonical);
  }
}

TEST(StatusSpecTest, MatchesRangeEndsInclusive) {
  absl::StatusOr<StatusSpec> spec = ParseStatusSpec({"200-299", "301,302", "418"});
  ASSERT_THAT(spec, IsOk());
  EXPECT_EQ(spec->ranges(), (std::vector<StatusRange>{{200, 299}, {301, 302}, {418, 418}}));
  struct {
    int status;
    bool matches;
  } const cases[] = {
      {199, false}, {200, true}, {250, true}, {299, true}, {300, false}, {301, true},
      {302, true},  {303, false}, {417, false}, {418, true}, {419, false}, {0, false},
      {-200, false}, {100000, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(spec->Matches(c.status), c.matches) << c.status;
  }
}

struct BadCase {
  std::vector<std::string> values;
  std::string message;  // the full error message
};

TEST(StatusSpecTest, RejectsBadValuesNamingThem) {
  const BadCase cases[] = {
      {{"abc"}, "bad -c/--code value \"abc\": \"abc\" is not a status code"},
      {{"200", "200,abc"}, "bad -c/--code value \"200,abc\": \"abc\" is not a status code"},
      {{""}, "bad -c/--code value \"\": empty"},
      {{"  "}, "bad -c/--code value \"  \": empty"},
      {{"200,"}, "bad -c/--code value \"200,\": empty item"},
      {{"200,,204"}, "bad -c/--code value \"200,,204\": empty item"},
      {{",200"}, "bad -c/--code value \",200\": empty item"},
      {{"399-200"}, "bad -c/--code value \"399-200\": range 399-200 is reversed"},
      {{"700"}, "bad -c/--code value \"700\": 700 is outside 100-599"},
      {{"99"}, "bad -c/--code value \"99\": 99 is outside 100-599"},
      {{"0"}, "bad -c/--code value \"0\": 0 is outside 100-599"},
      {{"200-600"}, "bad -c/--code value \"200-600\": 600 is outside 100-599"},
      {{"99999999999999999999"},
       "bad -c/--code value \"99999999999999999999\": 99999999999999999999 is outside 100-599"},
      {{"-200"}, "bad -c/--code value \"-200\": \"\" is not a status code"},
      {{"200-"}, "bad -c/--code value \"200-\": \"\" is not a status code"},
      {{"200--300"}, "bad -c/--code value \"200--300\": \"-300\" is not a status code"},
      {{"200-300-400"}, "bad -c/--code value \"200-300-400\": \"300-400\" is not a status code"},
      {{"2_00"}, "bad -c/--code value \"2_00\": \"2_00\" is not a status code"},
      {{"200.0"}, "bad -c/--code value \"200.0\": \"200.0\" is not a status code"},
      {{"++200"}, "bad -c/--code value \"++200\": \"++200\" is not a status code"},
      {{"2xx"}, "bad -c/--code value \"2xx\": \"2xx\" is not a status code"},
      {{"200;204"}, "bad -c/--code value \"200;204\": \"200;204\" is not a status code"},
      {{std::string("20\0" "0", 4)}, "bad -c/--code value \"20\\0000\": \"20\\0000\" is not a status code"},
      {{"\x01"}, "bad -c/--code value \"\\001\": \"\\001\" is not a status code"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.values));
    EXPECT_THAT(ParseStatusSpec(c.values),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message));
  }
}

TEST(StatusSpecTest, ErrorQuotesTheValueNotTheDefault) {
  EXPECT_THAT(ParseStatusSpec({"200", "204", "x"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"x\"")));
}

}  // namespace
}  // namespace httpok
}  // namespace svl
