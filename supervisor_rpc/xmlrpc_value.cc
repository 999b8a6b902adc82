#include "supervisor_rpc/xmlrpc_value.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace svl {
namespace supervisor_rpc {

XmlRpcValue XmlRpcValue::Int(std::int64_t value) {
  XmlRpcValue v;
  v.type_ = Type::kInt;
  v.int_ = value;
  return v;
}

XmlRpcValue XmlRpcValue::Boolean(bool value) {
  XmlRpcValue v;
  v.type_ = Type::kBoolean;
  v.int_ = value ? 1 : 0;
  return v;
}

XmlRpcValue XmlRpcValue::String(std::string value) {
  XmlRpcValue v;
  v.type_ = Type::kString;
  v.string_ = std::move(value);
  return v;
}

XmlRpcValue XmlRpcValue::Double(double value) {
  XmlRpcValue v;
  v.type_ = Type::kDouble;
  v.double_ = value;
  return v;
}

XmlRpcValue XmlRpcValue::Base64(std::string decoded_bytes) {
  XmlRpcValue v;
  v.type_ = Type::kBase64;
  v.string_ = std::move(decoded_bytes);
  return v;
}

XmlRpcValue XmlRpcValue::DateTime(std::string iso8601) {
  XmlRpcValue v;
  v.type_ = Type::kDateTime;
  v.string_ = std::move(iso8601);
  return v;
}

XmlRpcValue XmlRpcValue::Array(std::vector<XmlRpcValue> items) {
  XmlRpcValue v;
  v.type_ = Type::kArray;
  v.array_ = std::move(items);
  return v;
}

XmlRpcValue XmlRpcValue::Struct(std::vector<Member> members) {
  XmlRpcValue v;
  v.type_ = Type::kStruct;
  v.members_ = std::move(members);
  return v;
}

const XmlRpcValue* XmlRpcValue::Find(absl::string_view name) const {
  if (type_ != Type::kStruct) return nullptr;
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

bool operator==(const XmlRpcValue& a, const XmlRpcValue& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case XmlRpcValue::Type::kNil:
      return true;
    case XmlRpcValue::Type::kInt:
    case XmlRpcValue::Type::kBoolean:
      return a.int_ == b.int_;
    case XmlRpcValue::Type::kDouble:
      return a.double_ == b.double_;
    case XmlRpcValue::Type::kString:
    case XmlRpcValue::Type::kBase64:
    case XmlRpcValue::Type::kDateTime:
      return a.string_ == b.string_;
    case XmlRpcValue::Type::kArray:
      return a.array_ == b.array_;
    case XmlRpcValue::Type::kStruct:
      return a.members_ == b.members_;
  }
  return false;
}

}  // namespace supervisor_rpc
}  // namespace svl
