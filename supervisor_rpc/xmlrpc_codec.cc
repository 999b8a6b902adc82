#include "supervisor_rpc/xmlrpc_codec.h"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

// ---------------------------------------------------------------- encoding

// Escapes & < > as Python's xmlrpc.client.escape() does.
void AppendEscaped(absl::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '&': out->append("&amp;"); break;
      case '<': out->append("&lt;"); break;
      case '>': out->append("&gt;"); break;
      default: out->push_back(c);
    }
  }
}

// The shortest %g rendering that reads back as the same double (Python's
// repr), with ".0" added to integral values as repr() does.
std::string FormatDouble(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  std::string text(buf);
  if (text.find_first_not_of("-0123456789") == std::string::npos) text.append(".0");
  return text;
}

// Base64 in 76-character lines, each ended by \n (base64.encodebytes).
void AppendBase64Lines(absl::string_view bytes, std::string* out) {
  const std::string encoded = absl::Base64Escape(bytes);
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    out->append(encoded, i, 76);
    out->push_back('\n');
  }
}

void AppendValue(const XmlRpcValue& value, std::string* out) {
  switch (value.type()) {
    case XmlRpcValue::Type::kNil:
      out->append("<value><nil/></value>\n");
      return;
    case XmlRpcValue::Type::kInt:
      absl::StrAppend(out, "<value><int>", value.int_value(), "</int></value>\n");
      return;
    case XmlRpcValue::Type::kBoolean:
      out->append(value.bool_value() ? "<value><boolean>1</boolean></value>\n"
                                     : "<value><boolean>0</boolean></value>\n");
      return;
    case XmlRpcValue::Type::kString:
      out->append("<value><string>");
      AppendEscaped(value.string_value(), out);
      out->append("</string></value>\n");
      return;
    case XmlRpcValue::Type::kDouble:
      absl::StrAppend(out, "<value><double>", FormatDouble(value.double_value()),
                      "</double></value>\n");
      return;
    case XmlRpcValue::Type::kBase64:
      out->append("<value><base64>\n");
      AppendBase64Lines(value.string_value(), out);
      out->append("</base64></value>\n");
      return;
    case XmlRpcValue::Type::kDateTime:
      out->append("<value><dateTime.iso8601>");
      AppendEscaped(value.string_value(), out);
      out->append("</dateTime.iso8601></value>\n");
      return;
    case XmlRpcValue::Type::kArray:
      out->append("<value><array><data>\n");
      for (const XmlRpcValue& item : value.array()) AppendValue(item, out);
      out->append("</data></array></value>\n");
      return;
    case XmlRpcValue::Type::kStruct:
      out->append("<value><struct>\n");
      for (const XmlRpcValue::Member& member : value.members()) {
        out->append("<member>\n<name>");
        AppendEscaped(member.first, out);
        out->append("</name>\n");
        AppendValue(member.second, out);
        out->append("</member>\n");
      }
      out->append("</struct></value>\n");
      return;
  }
}

constexpr absl::string_view kXmlDeclaration = "<?xml version='1.0'?>\n";

}  // namespace

std::string EncodeMethodCall(absl::string_view method, const std::vector<XmlRpcValue>& params) {
  std::string out(kXmlDeclaration);
  out.append("<methodCall>\n<methodName>");
  AppendEscaped(method, &out);
  out.append("</methodName>\n<params>\n");
  for (const XmlRpcValue& param : params) {
    out.append("<param>\n");
    AppendValue(param, &out);
    out.append("</param>\n");
  }
  out.append("</params>\n</methodCall>\n");
  return out;
}

std::string EncodeMethodResponse(const XmlRpcValue& value) {
  std::string out(kXmlDeclaration);
  out.append("<methodResponse>\n<params>\n<param>\n");
  AppendValue(value, &out);
  out.append("</param>\n</params>\n</methodResponse>\n");
  return out;
}

std::string EncodeFaultResponse(int code, absl::string_view fault_string) {
  std::string out(kXmlDeclaration);
  out.append("<methodResponse>\n<fault>\n");
  AppendValue(XmlRpcValue::Struct({{"faultCode", XmlRpcValue::Int(code)},
                                   {"faultString", XmlRpcValue::String(std::string(fault_string))}}),
              &out);
  out.append("</fault>\n</methodResponse>\n");
  return out;
}

}  // namespace supervisor_rpc
}  // namespace svl
