#include "supervisor_rpc/xmlrpc_codec.h"

#include <tinyxml2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;
using tinyxml2::XMLNode;

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

// ---------------------------------------------------------------- decoding

absl::Status Malformed(const XMLNode* at, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed XML-RPC response (line ", at->GetLineNum(), "): ", what));
}

bool IsNamed(const XMLElement* element, const char* name) {
  return std::strcmp(element->Name(), name) == 0;
}

// Returns the next element sibling starting at `node` (inclusive), skipping
// comments, and at document level (`prolog`) the XML declaration and DOCTYPE;
// any other node (non-whitespace text, declarations) is an error. tinyxml2
// drops whitespace-only text between elements, which is how the `\n` that
// supervisord writes between tags disappears.
absl::Status NextElement(const XMLNode* node, const XMLElement** out, bool prolog = false) {
  for (; node != nullptr; node = node->NextSibling()) {
    if (const XMLElement* element = node->ToElement()) {
      *out = element;
      return absl::OkStatus();
    }
    if (node->ToComment() != nullptr) continue;
    if (prolog && (node->ToDeclaration() != nullptr || node->ToUnknown() != nullptr)) continue;
    if (node->ToText() != nullptr) {
      return Malformed(node, absl::StrCat("unexpected text '",
                                          absl::string_view(node->Value()).substr(0, 40), "'"));
    }
    return Malformed(node, "unexpected markup");
  }
  *out = nullptr;
  return absl::OkStatus();
}

// The only child element of `parent`, which must be named `name`.
absl::Status OnlyChild(const XMLElement* parent, const char* name, const XMLElement** out) {
  absl::Status s = NextElement(parent->FirstChild(), out);
  if (!s.ok()) return s;
  if (*out == nullptr) {
    return Malformed(parent, absl::StrCat("<", parent->Name(), "> has no <", name, ">"));
  }
  if (!IsNamed(*out, name)) {
    return Malformed(*out, absl::StrCat("<", (*out)->Name(), "> inside <", parent->Name(),
                                        ">, want <", name, ">"));
  }
  const XMLElement* extra = nullptr;
  s = NextElement((*out)->NextSibling(), &extra);
  if (!s.ok()) return s;
  if (extra != nullptr) {
    return Malformed(extra, absl::StrCat("<", parent->Name(), "> has more than one child"));
  }
  return absl::OkStatus();
}

// The character data of `element` (text and CDATA; comments skipped; child
// elements rejected).
absl::Status ElementText(const XMLElement* element, std::string* out) {
  out->clear();
  for (const XMLNode* node = element->FirstChild(); node != nullptr; node = node->NextSibling()) {
    if (const tinyxml2::XMLText* text = node->ToText()) {
      out->append(text->Value());
    } else if (node->ToComment() == nullptr) {
      return Malformed(node, absl::StrCat("markup inside <", element->Name(), ">"));
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeValue(const XMLElement* value_element, int depth, XmlRpcValue* out);

absl::Status DecodeArray(const XMLElement* array, int depth, XmlRpcValue* out) {
  const XMLElement* data = nullptr;
  absl::Status s = OnlyChild(array, "data", &data);
  if (!s.ok()) return s;
  std::vector<XmlRpcValue> items;
  const XMLElement* item = nullptr;
  for (s = NextElement(data->FirstChild(), &item); s.ok() && item != nullptr;
       s = NextElement(item->NextSibling(), &item)) {
    if (!IsNamed(item, "value")) {
      return Malformed(item, absl::StrCat("<", item->Name(), "> inside <data>, want <value>"));
    }
    items.emplace_back();
    s = DecodeValue(item, depth + 1, &items.back());
    if (!s.ok()) return s;
  }
  if (!s.ok()) return s;
  *out = XmlRpcValue::Array(std::move(items));
  return absl::OkStatus();
}

absl::Status DecodeMember(const XMLElement* member, int depth, XmlRpcValue::Member* out) {
  const XMLElement* name = nullptr;
  const XMLElement* value = nullptr;
  const XMLElement* child = nullptr;
  absl::Status s;
  for (s = NextElement(member->FirstChild(), &child); s.ok() && child != nullptr;
       s = NextElement(child->NextSibling(), &child)) {
    const XMLElement** slot = IsNamed(child, "name")    ? &name
                              : IsNamed(child, "value") ? &value
                                                        : nullptr;
    if (slot == nullptr) {
      return Malformed(child, absl::StrCat("<", child->Name(), "> inside <member>"));
    }
    if (*slot != nullptr) {
      return Malformed(child, absl::StrCat("<member> has two <", child->Name(), ">"));
    }
    *slot = child;
  }
  if (!s.ok()) return s;
  if (name == nullptr) return Malformed(member, "<member> has no <name>");
  if (value == nullptr) return Malformed(member, "<member> has no <value>");
  s = ElementText(name, &out->first);
  if (!s.ok()) return s;
  return DecodeValue(value, depth + 1, &out->second);
}

absl::Status DecodeStruct(const XMLElement* element, int depth, XmlRpcValue* out) {
  std::vector<XmlRpcValue::Member> members;
  const XMLElement* member = nullptr;
  absl::Status s;
  for (s = NextElement(element->FirstChild(), &member); s.ok() && member != nullptr;
       s = NextElement(member->NextSibling(), &member)) {
    if (!IsNamed(member, "member")) {
      return Malformed(member, absl::StrCat("<", member->Name(), "> inside <struct>, want <member>"));
    }
    members.emplace_back();
    s = DecodeMember(member, depth, &members.back());
    if (!s.ok()) return s;
  }
  if (!s.ok()) return s;
  *out = XmlRpcValue::Struct(std::move(members));
  return absl::OkStatus();
}

absl::Status DecodeScalar(const XMLElement* typed, XmlRpcValue* out) {
  const char* type = typed->Name();
  std::string text;
  absl::Status s = ElementText(typed, &text);
  if (!s.ok()) return s;
  if (std::strcmp(type, "string") == 0) {
    *out = XmlRpcValue::String(std::move(text));
  } else if (std::strcmp(type, "int") == 0 || std::strcmp(type, "i4") == 0) {
    std::int32_t value = 0;
    if (!absl::SimpleAtoi(text, &value)) {
      return Malformed(typed, absl::StrCat("<", type, "> '", absl::string_view(text).substr(0, 40),
                                           "' is not a 32-bit integer"));
    }
    *out = XmlRpcValue::Int(value);
  } else if (std::strcmp(type, "boolean") == 0) {
    if (text != "0" && text != "1") {
      return Malformed(typed, absl::StrCat("<boolean> '", absl::string_view(text).substr(0, 40),
                                           "' is not 0 or 1"));
    }
    *out = XmlRpcValue::Boolean(text == "1");
  } else if (std::strcmp(type, "double") == 0) {
    double value = 0;
    if (!absl::SimpleAtod(text, &value)) {
      return Malformed(typed, absl::StrCat("<double> '", absl::string_view(text).substr(0, 40),
                                           "' is not a number"));
    }
    *out = XmlRpcValue::Double(value);
  } else if (std::strcmp(type, "base64") == 0) {
    text.erase(std::remove_if(text.begin(), text.end(),
                              [](char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }),
               text.end());
    std::string decoded;
    if (!absl::Base64Unescape(text, &decoded)) {
      return Malformed(typed, "<base64> is not valid base64");
    }
    *out = XmlRpcValue::Base64(std::move(decoded));
  } else if (std::strcmp(type, "dateTime.iso8601") == 0) {
    *out = XmlRpcValue::DateTime(std::move(text));
  } else if (std::strcmp(type, "nil") == 0) {
    if (!text.empty()) return Malformed(typed, "<nil> is not empty");
    *out = XmlRpcValue();
  } else {
    return Malformed(typed, absl::StrCat("unknown value type <", type, ">"));
  }
  return absl::OkStatus();
}

absl::Status DecodeValue(const XMLElement* value_element, int depth, XmlRpcValue* out) {
  if (depth > kMaxValueDepth) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "XML-RPC response nests values deeper than ", kMaxValueDepth, " (line ",
        value_element->GetLineNum(), ")"));
  }
  const XMLElement* typed = value_element->FirstChildElement();
  if (typed == nullptr) {
    // A bare <value>text</value> is a string.
    std::string text;
    absl::Status s = ElementText(value_element, &text);
    if (!s.ok()) return s;
    *out = XmlRpcValue::String(std::move(text));
    return absl::OkStatus();
  }
  absl::Status s = OnlyChild(value_element, typed->Name(), &typed);
  if (!s.ok()) return s;
  if (IsNamed(typed, "array")) return DecodeArray(typed, depth, out);
  if (IsNamed(typed, "struct")) return DecodeStruct(typed, depth, out);
  return DecodeScalar(typed, out);
}

absl::Status DecodeFault(const XMLElement* fault_element) {
  const XMLElement* value_element = nullptr;
  absl::Status s = OnlyChild(fault_element, "value", &value_element);
  if (!s.ok()) return s;
  XmlRpcValue value;
  s = DecodeValue(value_element, 1, &value);
  if (!s.ok()) return s;
  const XmlRpcValue* code = value.Find("faultCode");
  const XmlRpcValue* fault_string = value.Find("faultString");
  if (code == nullptr || code->type() != XmlRpcValue::Type::kInt) {
    return Malformed(fault_element, "<fault> has no int faultCode");
  }
  if (fault_string == nullptr || fault_string->type() != XmlRpcValue::Type::kString) {
    return Malformed(fault_element, "<fault> has no string faultString");
  }
  Fault fault;
  fault.code = static_cast<int>(code->int_value());
  fault.fault_string = fault_string->string_value();
  return FaultToStatus(fault);
}

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

absl::StatusOr<XmlRpcValue> DecodeMethodResponse(absl::string_view body) {
  if (body.size() > kMaxResponseBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "XML-RPC response of ", body.size(), " bytes exceeds the limit of ", kMaxResponseBytes));
  }
  XMLDocument doc(/*processEntities=*/true, tinyxml2::PRESERVE_WHITESPACE);
  if (doc.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS) {
    if (doc.ErrorID() == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED) {
      return absl::ResourceExhaustedError(
          absl::StrCat("XML-RPC response nests elements too deeply: ", doc.ErrorStr()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("malformed XML in XML-RPC response: ", doc.ErrorStr()));
  }
  // Exactly one root element; the declaration and comments may surround it.
  const XMLElement* root = nullptr;
  absl::Status s = NextElement(doc.FirstChild(), &root, /*prolog=*/true);
  if (!s.ok()) return s;
  if (root == nullptr) return absl::InvalidArgumentError("XML-RPC response has no root element");
  const XMLElement* extra = nullptr;
  s = NextElement(root->NextSibling(), &extra, /*prolog=*/true);
  if (!s.ok()) return s;
  if (extra != nullptr) return Malformed(extra, "a second root element");
  if (!IsNamed(root, "methodResponse")) {
    return Malformed(root, absl::StrCat("root is <", root->Name(), ">, want <methodResponse>"));
  }
  const XMLElement* child = nullptr;
  s = NextElement(root->FirstChild(), &child);
  if (!s.ok()) return s;
  if (child == nullptr) return Malformed(root, "<methodResponse> is empty");
  if (IsNamed(child, "fault")) {
    s = OnlyChild(root, "fault", &child);
    if (!s.ok()) return s;
    return DecodeFault(child);
  }
  const XMLElement* params = nullptr;
  s = OnlyChild(root, "params", &params);
  if (!s.ok()) return s;
  const XMLElement* param = nullptr;
  s = OnlyChild(params, "param", &param);
  if (!s.ok()) return s;
  const XMLElement* value_element = nullptr;
  s = OnlyChild(param, "value", &value_element);
  if (!s.ok()) return s;
  XmlRpcValue value;
  s = DecodeValue(value_element, 1, &value);
  if (!s.ok()) return s;
  return value;
}

}  // namespace supervisor_rpc
}  // namespace svl
