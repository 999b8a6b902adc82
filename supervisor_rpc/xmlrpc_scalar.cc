#include "supervisor_rpc/xmlrpc_scalar.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

absl::Status ScalarFromText(absl::string_view type, std::string text, XmlRpcValue* out) {
  if (type == "string") {
    *out = XmlRpcValue::String(std::move(text));
  } else if (type == "int" || type == "i4") {
    std::int32_t value = 0;
    if (!absl::SimpleAtoi(text, &value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "<", type, "> '", absl::string_view(text).substr(0, 40), "' is not a 32-bit integer"));
    }
    *out = XmlRpcValue::Int(value);
  } else if (type == "boolean") {
    if (text != "0" && text != "1") {
      return absl::InvalidArgumentError(absl::StrCat(
          "<boolean> '", absl::string_view(text).substr(0, 40), "' is not 0 or 1"));
    }
    *out = XmlRpcValue::Boolean(text == "1");
  } else if (type == "double") {
    double value = 0;
    if (!absl::SimpleAtod(text, &value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "<double> '", absl::string_view(text).substr(0, 40), "' is not a number"));
    }
    *out = XmlRpcValue::Double(value);
  } else if (type == "base64") {
    text.erase(std::remove_if(text.begin(), text.end(),
                              [](char c) {
                                return absl::ascii_isspace(static_cast<unsigned char>(c));
                              }),
               text.end());
    std::string decoded;
    if (!absl::Base64Unescape(text, &decoded)) {
      return absl::InvalidArgumentError("<base64> is not valid base64");
    }
    *out = XmlRpcValue::Base64(std::move(decoded));
  } else if (type == "dateTime.iso8601") {
    *out = XmlRpcValue::DateTime(std::move(text));
  } else if (type == "nil") {
    if (!text.empty()) return absl::InvalidArgumentError("<nil> is not empty");
    *out = XmlRpcValue();
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown value type <", type, ">"));
  }
  return absl::OkStatus();
}

absl::Status FaultValueToStatus(const XmlRpcValue& value, bool* is_fault) {
  *is_fault = false;
  const XmlRpcValue* code = value.Find("faultCode");
  const XmlRpcValue* fault_string = value.Find("faultString");
  if (code == nullptr || code->type() != XmlRpcValue::Type::kInt) {
    return absl::InvalidArgumentError("<fault> has no int faultCode");
  }
  if (fault_string == nullptr || fault_string->type() != XmlRpcValue::Type::kString) {
    return absl::InvalidArgumentError("<fault> has no string faultString");
  }
  Fault fault;
  fault.code = static_cast<int>(code->int_value());
  fault.fault_string = fault_string->string_value();
  *is_fault = true;
  return FaultToStatus(fault);
}

}  // namespace supervisor_rpc
}  // namespace svl
