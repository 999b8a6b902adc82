// File: supervisor_rpc/xmlrpc_value.h
//
// The XML-RPC value model: int (i4), boolean, string, double, base64,
// dateTime.iso8601, array, struct, and nil (tolerated on decode only; supervisord
// cannot parse it, so it is never sent).
//
// Example:
//
//   XmlRpcValue v = XmlRpcValue::Struct({{"name", XmlRpcValue::String("foo")},
//                                         {"pid", XmlRpcValue::Int(11)}});
//   const XmlRpcValue* pid = v.Find("pid");

#ifndef SVL_SUPERVISOR_RPC_XMLRPC_VALUE_H_
#define SVL_SUPERVISOR_RPC_XMLRPC_VALUE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace svl {
namespace supervisor_rpc {

// XmlRpcValue is one XML-RPC value of any type.
class XmlRpcValue {
 public:
  enum class Type { kNil, kInt, kBoolean, kString, kDouble, kBase64, kDateTime, kArray, kStruct };
  using Member = std::pair<std::string, XmlRpcValue>;

  XmlRpcValue() = default;  // nil
  static XmlRpcValue Int(std::int64_t value);  // encoded as <int>; must fit int32 on the wire
  static XmlRpcValue Boolean(bool value);
  static XmlRpcValue String(std::string value);
  static XmlRpcValue Double(double value);
  static XmlRpcValue Base64(std::string decoded_bytes);
  static XmlRpcValue DateTime(std::string iso8601);
  static XmlRpcValue Array(std::vector<XmlRpcValue> items);
  static XmlRpcValue Struct(std::vector<Member> members);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  std::int64_t int_value() const { return int_; }      // kInt
  bool bool_value() const { return int_ != 0; }        // kBoolean
  double double_value() const { return double_; }      // kDouble
  const std::string& string_value() const { return string_; }  // kString, kBase64 (decoded), kDateTime
  const std::vector<XmlRpcValue>& array() const { return array_; }  // kArray
  const std::vector<Member>& members() const { return members_; }  // kStruct, in wire order

  // Find() returns the struct member named `name` (the last one if repeated),
  // or nullptr when this is not a struct or has no such member.
  const XmlRpcValue* Find(absl::string_view name) const;

  friend bool operator==(const XmlRpcValue& a, const XmlRpcValue& b);
  friend bool operator!=(const XmlRpcValue& a, const XmlRpcValue& b) { return !(a == b); }

 private:
  Type type_ = Type::kNil;
  std::int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::vector<XmlRpcValue> array_;
  std::vector<Member> members_;
};

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XMLRPC_VALUE_H_
