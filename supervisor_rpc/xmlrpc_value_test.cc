#include "supervisor_rpc/xmlrpc_value.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace svl {
namespace supervisor_rpc {
namespace {

TEST(XmlRpcValueTest, DefaultIsNil) {
  XmlRpcValue v;
  EXPECT_TRUE(v.is_nil());
  EXPECT_EQ(v.type(), XmlRpcValue::Type::kNil);
}

TEST(XmlRpcValueTest, ScalarsKeepTheirValues) {
  EXPECT_EQ(XmlRpcValue::Int(-7).int_value(), -7);
  EXPECT_TRUE(XmlRpcValue::Boolean(true).bool_value());
  EXPECT_FALSE(XmlRpcValue::Boolean(false).bool_value());
  EXPECT_EQ(XmlRpcValue::String("a&b").string_value(), "a&b");
  EXPECT_EQ(XmlRpcValue::Double(1.5).double_value(), 1.5);
  EXPECT_EQ(XmlRpcValue::Base64(std::string("\0\1", 2)).string_value(), std::string("\0\1", 2));
  EXPECT_EQ(XmlRpcValue::DateTime("20260101T00:00:00").type(), XmlRpcValue::Type::kDateTime);
}

TEST(XmlRpcValueTest, FindReturnsLastOfRepeatedMembers) {
  XmlRpcValue v = XmlRpcValue::Struct({{"pid", XmlRpcValue::Int(1)},
                                       {"name", XmlRpcValue::String("foo")},
                                       {"pid", XmlRpcValue::Int(2)}});
  ASSERT_NE(v.Find("pid"), nullptr);
  EXPECT_EQ(v.Find("pid")->int_value(), 2);
  EXPECT_EQ(v.Find("nope"), nullptr);
  EXPECT_EQ(XmlRpcValue::Int(1).Find("pid"), nullptr);
}

TEST(XmlRpcValueTest, EqualityComparesTypeAndValue) {
  EXPECT_EQ(XmlRpcValue::Int(1), XmlRpcValue::Int(1));
  EXPECT_NE(XmlRpcValue::Int(1), XmlRpcValue::Boolean(true));
  EXPECT_NE(XmlRpcValue::String("x"), XmlRpcValue::Base64("x"));
  EXPECT_EQ(XmlRpcValue::Array({XmlRpcValue::Int(1), XmlRpcValue()}),
            XmlRpcValue::Array({XmlRpcValue::Int(1), XmlRpcValue()}));
  EXPECT_NE(XmlRpcValue::Array({XmlRpcValue::Int(1)}), XmlRpcValue::Array({}));
  EXPECT_NE(XmlRpcValue::Struct({{"a", XmlRpcValue::Int(1)}}),
            XmlRpcValue::Struct({{"b", XmlRpcValue::Int(1)}}));
}

}  // namespace
}  // namespace supervisor_rpc
}  // namespace svl
