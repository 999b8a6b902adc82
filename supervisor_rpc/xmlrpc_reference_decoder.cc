#include "supervisor_rpc/xmlrpc_reference_decoder.h"

#include <tinyxml2.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_scalar.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;
using tinyxml2::XMLNode;

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
  std::string text;
  absl::Status s = ElementText(typed, &text);
  if (!s.ok()) return s;
  s = ScalarFromText(typed->Name(), std::move(text), out);
  if (!s.ok()) return Malformed(typed, s.message());
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
  bool is_fault = false;
  s = FaultValueToStatus(value, &is_fault);
  if (!is_fault) return Malformed(fault_element, s.message());
  return s;
}

}  // namespace

absl::StatusOr<XmlRpcValue> DecodeMethodResponseReference(absl::string_view body) {
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
