// DecodeMethodResponse() (declared in xmlrpc_codec.h): tinyxml2 reads the
// XML into a DOM, then a walk over it checks the XML-RPC shape and builds
// the XmlRpcValue.

#include <tinyxml2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;
using tinyxml2::XMLNode;

// Every error about the body's shape: kInvalidArgument, with the line.
absl::Status Malformed(const XMLNode* at, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed XML-RPC response (line ", at->GetLineNum(), "): ", what));
}

// The first 40 bytes of a text, for messages.
absl::string_view Excerpt(absl::string_view text) { return text.substr(0, 40); }

bool IsNamed(const XMLElement* element, const char* name) {
  return std::strcmp(element->Name(), name) == 0;
}

// Attributes are not part of XML-RPC; tinyxml2 would keep them silently.
absl::Status NoAttributes(const XMLElement* element) {
  if (element->FirstAttribute() == nullptr) return absl::OkStatus();
  return Malformed(element,
                   absl::StrCat("attributes are not supported (in <", element->Name(), ">)"));
}

// The error for a DOCTYPE (or other `<!` declaration) or a processing
// instruction, which tinyxml2 reads but XML-RPC has no use for.
absl::Status Unsupported(const XMLNode* node) {
  if (node->ToUnknown() != nullptr) {
    return Malformed(node, "DOCTYPE and other <! declarations are not supported");
  }
  return Malformed(node, "processing instructions are not supported");
}

// The next element sibling from `node` on (inclusive), skipping comments;
// any other node is an error: text that is not only whitespace (tinyxml2
// drops whitespace-only text, such as the "\n" supervisord writes between
// tags), DOCTYPE and other `<!` declarations, processing instructions.
absl::Status NextElement(const XMLNode* node, const XMLElement** out) {
  for (; node != nullptr; node = node->NextSibling()) {
    if (const XMLElement* element = node->ToElement()) {
      *out = element;
      return NoAttributes(element);
    }
    if (node->ToComment() != nullptr) continue;
    if (node->ToText() != nullptr) {
      return Malformed(node, absl::StrCat("unexpected text '", Excerpt(node->Value()), "'"));
    }
    return Unsupported(node);
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

// The character data of `element`: its text and CDATA, comments skipped;
// any markup is an error.
absl::Status ElementText(const XMLElement* element, std::string* out) {
  out->clear();
  for (const XMLNode* node = element->FirstChild(); node != nullptr; node = node->NextSibling()) {
    if (const tinyxml2::XMLText* text = node->ToText()) {
      out->append(text->Value());
    } else if (node->ToElement() != nullptr) {
      return Malformed(node, absl::StrCat("markup inside <", element->Name(), ">"));
    } else if (node->ToComment() == nullptr) {
      return Unsupported(node);
    }
  }
  return absl::OkStatus();
}

// The value of a typed scalar element <type>text</type>; the message of an
// error names the type and quotes the text.
absl::Status ScalarFromText(absl::string_view type, std::string text, XmlRpcValue* out) {
  if (type == "string") {
    *out = XmlRpcValue::String(std::move(text));
  } else if (type == "int" || type == "i4") {
    std::int32_t value = 0;
    if (!absl::SimpleAtoi(text, &value)) {  // surrounding whitespace allowed, as int() does
      return absl::InvalidArgumentError(
          absl::StrCat("<", type, "> '", Excerpt(text), "' is not a 32-bit integer"));
    }
    *out = XmlRpcValue::Int(value);
  } else if (type == "boolean") {
    if (text != "0" && text != "1") {
      return absl::InvalidArgumentError(
          absl::StrCat("<boolean> '", Excerpt(text), "' is not 0 or 1"));
    }
    *out = XmlRpcValue::Boolean(text == "1");
  } else if (type == "double") {
    double value = 0;
    if (!absl::SimpleAtod(text, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("<double> '", Excerpt(text), "' is not a number"));
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

// <name> and <value> in either order, once each.
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
      return Malformed(member,
                       absl::StrCat("<", member->Name(), "> inside <struct>, want <member>"));
    }
    members.emplace_back();
    s = DecodeMember(member, depth, &members.back());
    if (!s.ok()) return s;
  }
  if (!s.ok()) return s;
  *out = XmlRpcValue::Struct(std::move(members));
  return absl::OkStatus();
}

// `depth` counts <value> levels, the param's own value being 1.
absl::Status DecodeValue(const XMLElement* value_element, int depth, XmlRpcValue* out) {
  if (depth > kMaxValueDepth) {
    return absl::ResourceExhaustedError(absl::StrCat("XML-RPC response nests values deeper than ",
                                                     kMaxValueDepth, " (line ",
                                                     value_element->GetLineNum(), ")"));
  }
  const XMLElement* typed = value_element->FirstChildElement();
  if (typed == nullptr) {
    // No child element: a bare <value>text</value> is a string.
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
  std::string text;
  s = ElementText(typed, &text);
  if (!s.ok()) return s;
  s = ScalarFromText(typed->Name(), std::move(text), out);
  if (!s.ok()) return Malformed(typed, s.message());
  return absl::OkStatus();
}

// The Status of a <fault>: FaultToStatus() of its faultCode and faultString
// members (the last of each if repeated), or a Malformed() error.
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

// What a tinyxml2 parse error means, in words (tinyxml2's own text, with
// its code and line, follows in the message).
absl::string_view ParseErrorMeaning(tinyxml2::XMLError error) {
  switch (error) {
    case tinyxml2::XML_ERROR_EMPTY_DOCUMENT: return "document has no root element";
    case tinyxml2::XML_ERROR_MISMATCHED_ELEMENT: return "mismatched or unclosed element";
    case tinyxml2::XML_ERROR_PARSING_ELEMENT: return "malformed tag";
    case tinyxml2::XML_ERROR_PARSING_ATTRIBUTE: return "malformed attribute or tag";
    case tinyxml2::XML_ERROR_PARSING_TEXT: return "text runs to the end of the document";
    case tinyxml2::XML_ERROR_PARSING_CDATA: return "unterminated CDATA section";
    case tinyxml2::XML_ERROR_PARSING_COMMENT: return "unterminated comment";
    case tinyxml2::XML_ERROR_PARSING_DECLARATION:
      return "malformed or misplaced XML declaration or processing instruction";
    case tinyxml2::XML_ERROR_PARSING_UNKNOWN: return "malformed <! declaration";
    default: return "malformed markup";
  }
}

// tinyxml2 turns a character reference to NUL into the end of the string,
// and encodes surrogates and code points past U+10FFFF as invalid UTF-8, or
// keeps a malformed reference as text; all of these are rejected here,
// before parsing. (Only "&#" is looked for, so a CDATA section or comment
// containing it counts too: supervisord writes neither.)
absl::Status CheckCharacterReferences(absl::string_view body) {
  for (std::size_t at = body.find("&#"); at != absl::string_view::npos;
       at = body.find("&#", at + 2)) {
    std::size_t p = at + 2;
    const bool hex = p < body.size() && body[p] == 'x';
    if (hex) ++p;
    const std::size_t digits_start = p;
    std::uint32_t code = 0;
    for (; p < body.size(); ++p) {
      const unsigned char c = static_cast<unsigned char>(body[p]);
      if (!(hex ? absl::ascii_isxdigit(c) : absl::ascii_isdigit(c))) break;
      const std::uint32_t digit =
          absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10;
      code = std::min<std::uint32_t>(code * (hex ? 16 : 10) + digit, 0x110000);  // saturate
    }
    absl::string_view what;
    if (p == digits_start) {
      what = p < body.size() && body[p] == ';' ? "character reference without digits"
                                                : "malformed character reference";
    } else if (p == body.size() || body[p] != ';') {
      what = "malformed character reference";
    } else if (code == 0 || (code >= 0xD800 && code <= 0xDFFF)) {
      what = "character reference to NUL or a surrogate";
    } else if (code > 0x10FFFF) {
      what = "character reference past U+10FFFF";
    } else {
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat("malformed XML-RPC response (byte ", at, "): ",
                                                   what, " '", Excerpt(body.substr(at, p + 1 - at)),
                                                   "'"));
  }
  return absl::OkStatus();
}

// The root element, alone at document level but for comments and, as the
// very first bytes (after a UTF-8 BOM), the XML declaration.
absl::Status RootElement(const XMLDocument& doc, absl::string_view body, const XMLElement** out) {
  const XMLNode* node = doc.FirstChild();
  if (node != nullptr && node->ToDeclaration() != nullptr) {
    absl::ConsumePrefix(&body, "\xEF\xBB\xBF");
    const absl::string_view text = node->Value();
    const bool xml_declaration =
        absl::StartsWith(text, "xml") &&
        (text.size() == 3 || absl::ascii_isspace(static_cast<unsigned char>(text[3])));
    if (!xml_declaration || !absl::StartsWith(body, "<?")) {
      return Malformed(node, "processing instructions are not supported");
    }
    node = node->NextSibling();
  }
  absl::Status s = NextElement(node, out);
  if (!s.ok()) return s;
  if (*out == nullptr) {
    return absl::InvalidArgumentError("malformed XML-RPC response: document has no root element");
  }
  const XMLElement* extra = nullptr;
  s = NextElement((*out)->NextSibling(), &extra);
  if (!s.ok()) return s;
  if (extra != nullptr) return Malformed(extra, "a second root element");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<XmlRpcValue> DecodeMethodResponse(absl::string_view body) {
  if (body.size() > kMaxResponseBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "XML-RPC response of ", body.size(), " bytes exceeds the limit of ", kMaxResponseBytes));
  }
  // tinyxml2 stops reading at a NUL byte, silently: the rest would be lost.
  const absl::string_view::size_type nul = body.find('\0');
  if (nul != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed XML-RPC response: NUL byte at byte ", nul));
  }
  absl::Status s = CheckCharacterReferences(body);
  if (!s.ok()) return s;
  XMLDocument doc(/*processEntities=*/true, tinyxml2::PRESERVE_WHITESPACE);
  if (doc.Parse(body.data(), body.size()) != tinyxml2::XML_SUCCESS) {
    if (doc.ErrorID() == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "XML-RPC response nests elements deeper than ", TINYXML2_MAX_ELEMENT_DEPTH,
          " (values nest at most ", kMaxValueDepth, " deep; line ", doc.ErrorLineNum(), ")"));
    }
    // tinyxml2's own text (its error name and numbers) says nothing more to
    // an operator; line 0 means it found no line at all (an empty body).
    const int line = doc.ErrorLineNum();
    return absl::InvalidArgumentError(
        absl::StrCat("malformed XML in XML-RPC response", line > 0 ? absl::StrCat(" (line ", line, ")") : "",
                     ": ", ParseErrorMeaning(doc.ErrorID())));
  }
  const XMLElement* root = nullptr;
  s = RootElement(doc, body, &root);
  if (!s.ok()) return s;
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
