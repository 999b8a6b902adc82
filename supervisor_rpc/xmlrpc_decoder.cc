#include "supervisor_rpc/xmlrpc_decoder.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xml_pull_parser.h"
#include "supervisor_rpc/xmlrpc_scalar.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using Token = XmlPullParser::Token;

// Recursive descent over the token stream. Every Decode* function is called
// just after the start tag of its element and returns just after its end tag.
// Recursion is bounded by options.max_value_depth (checked before each
// <value> is entered); unexpected elements are rejected when met, so the
// parser never descends into them.
class Decoder {
 public:
  Decoder(absl::string_view body, const DecodeOptions& options)
      : parser_(body),
        options_(options),
        item_buffers_(std::max(options.max_value_depth, 0) + 1),
        member_buffers_(std::max(options.max_value_depth, 0) + 1) {}

  absl::StatusOr<XmlRpcValue> Run();

 private:
  absl::Status Malformed(std::size_t offset, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("malformed XML-RPC response (",
                                                   parser_.Position(offset), "): ", what));
  }

  bool Dropped() const { return options_.drop_whitespace_runs && parser_.c_space_only(); }

  absl::Status NextChild(bool* found);
  absl::Status FirstChildNamed(absl::string_view parent, absl::string_view name);
  absl::Status NoMoreChildren(absl::string_view parent);
  absl::Status ReadText(absl::string_view element, std::string* out);
  absl::Status DecodeValue(int depth, XmlRpcValue* out);
  absl::Status DecodeArray(int depth, XmlRpcValue* out);
  absl::Status DecodeStruct(int depth, XmlRpcValue* out);
  absl::Status DecodeMember(int depth, XmlRpcValue::Member* out);

  XmlPullParser parser_;
  const DecodeOptions& options_;
  // Per nesting depth, reused buffers in which the items of an array or the
  // members of a struct are collected before they are moved into a vector of
  // the exact size: one allocation per container instead of one per growth.
  // Sized once (depth <= max_value_depth), so references into them stay valid.
  std::vector<std::vector<XmlRpcValue>> item_buffers_;
  std::vector<std::vector<XmlRpcValue::Member>> member_buffers_;
};

// Moves the contents of `buffer` into a new vector of exactly their size.
template <typename T>
std::vector<T> TakeExact(std::vector<T>& buffer) {
  std::vector<T> out(std::make_move_iterator(buffer.begin()), std::make_move_iterator(buffer.end()));
  buffer.clear();
  return out;
}

// The next child element of `parent` in element-only content: *found with
// the start tag read (name in parser_.name()), or !*found with parent's end
// tag read. Whitespace between elements is skipped, other text rejected.
absl::Status Decoder::NextChild(bool* found) {
  Token token;
  while (true) {
    absl::Status s = parser_.NextInElementContent(&token);
    if (!s.ok()) return s;
    switch (token) {
      case Token::kStartTag:
        *found = true;
        return absl::OkStatus();
      case Token::kEndTag:
      case Token::kEnd:  // not reached: the parser ends the root first
        *found = false;
        return absl::OkStatus();
      case Token::kText:
        if (parser_.whitespace_only()) continue;
        return Malformed(parser_.token_offset(),
                         absl::StrCat("unexpected text '", parser_.text().substr(0, 40), "'"));
    }
  }
}

// Reads the first child of `parent`, which must be a `name` element.
absl::Status Decoder::FirstChildNamed(absl::string_view parent, absl::string_view name) {
  bool found = false;
  absl::Status s = NextChild(&found);
  if (!s.ok()) return s;
  if (!found) {
    return Malformed(parser_.token_offset(), absl::StrCat("<", parent, "> has no <", name, ">"));
  }
  if (parser_.name() != name) {
    return Malformed(parser_.token_offset(), absl::StrCat("<", parser_.name(), "> inside <",
                                                          parent, ">, want <", name, ">"));
  }
  return absl::OkStatus();
}

// Reads up to the end tag of `parent`, which must have no further child.
absl::Status Decoder::NoMoreChildren(absl::string_view parent) {
  bool found = false;
  absl::Status s = NextChild(&found);
  if (!s.ok()) return s;
  if (found) {
    return Malformed(parser_.token_offset(),
                     absl::StrCat("<", parent, "> has more than one child"));
  }
  return absl::OkStatus();
}

// The character data of `element` up to its end tag (text and CDATA;
// comments skipped by the parser; child elements rejected).
absl::Status Decoder::ReadText(absl::string_view element, std::string* out) {
  out->clear();
  Token token;
  while (true) {
    absl::Status s = parser_.Next(&token);
    if (!s.ok()) return s;
    if (token == Token::kText) {
      if (!Dropped()) out->append(parser_.text().data(), parser_.text().size());
      continue;
    }
    if (token == Token::kStartTag) {
      return Malformed(parser_.token_offset(), absl::StrCat("markup inside <", element, ">"));
    }
    return absl::OkStatus();
  }
}

absl::Status Decoder::DecodeValue(int depth, XmlRpcValue* out) {
  if (depth > options_.max_value_depth) {
    return absl::ResourceExhaustedError(
        absl::StrCat("XML-RPC response nests values deeper than ", options_.max_value_depth, " (",
                     parser_.Position(parser_.token_offset()), ")"));
  }
  // Text before a typed child is kept in case there is none (a bare
  // <value>text</value> is a string); the first non-blank piece of it is an
  // error if a typed child follows.
  std::string text;
  std::size_t stray_offset = 0;
  std::string stray;
  bool has_stray = false;
  Token token;
  while (true) {
    absl::Status s = parser_.Next(&token);
    if (!s.ok()) return s;
    if (token == Token::kText) {
      if (!parser_.whitespace_only() && !has_stray) {
        has_stray = true;
        stray_offset = parser_.token_offset();
        stray = std::string(parser_.text().substr(0, 40));
      }
      if (!Dropped()) text.append(parser_.text().data(), parser_.text().size());
      continue;
    }
    if (token != Token::kStartTag) {
      *out = XmlRpcValue::String(std::move(text));
      return absl::OkStatus();
    }
    break;
  }
  if (has_stray) return Malformed(stray_offset, absl::StrCat("unexpected text '", stray, "'"));
  const absl::string_view type = parser_.name();
  const std::size_t type_offset = parser_.token_offset();
  absl::Status s;
  if (type == "array") {
    s = DecodeArray(depth, out);
  } else if (type == "struct") {
    s = DecodeStruct(depth, out);
  } else {
    s = ReadText(type, &text);
    if (s.ok()) {
      s = ScalarFromText(type, std::move(text), out);
      if (!s.ok()) return Malformed(type_offset, s.message());
    }
  }
  if (!s.ok()) return s;
  return NoMoreChildren("value");
}

absl::Status Decoder::DecodeArray(int depth, XmlRpcValue* out) {
  absl::Status s = FirstChildNamed("array", "data");
  if (!s.ok()) return s;
  std::vector<XmlRpcValue>& items = item_buffers_[depth];
  items.clear();
  while (true) {
    bool found = false;
    s = NextChild(&found);
    if (!s.ok()) return s;
    if (!found) break;
    if (parser_.name() != "value") {
      return Malformed(parser_.token_offset(),
                       absl::StrCat("<", parser_.name(), "> inside <data>, want <value>"));
    }
    items.emplace_back();
    s = DecodeValue(depth + 1, &items.back());
    if (!s.ok()) return s;
  }
  *out = XmlRpcValue::Array(TakeExact(items));
  return NoMoreChildren("array");
}

absl::Status Decoder::DecodeStruct(int depth, XmlRpcValue* out) {
  std::vector<XmlRpcValue::Member>& members = member_buffers_[depth];
  members.clear();
  while (true) {
    bool found = false;
    absl::Status s = NextChild(&found);
    if (!s.ok()) return s;
    if (!found) break;
    if (parser_.name() != "member") {
      return Malformed(parser_.token_offset(),
                       absl::StrCat("<", parser_.name(), "> inside <struct>, want <member>"));
    }
    members.emplace_back();
    s = DecodeMember(depth, &members.back());
    if (!s.ok()) return s;
  }
  *out = XmlRpcValue::Struct(TakeExact(members));
  return absl::OkStatus();
}

// <name> and <value> in either order, once each.
absl::Status Decoder::DecodeMember(int depth, XmlRpcValue::Member* out) {
  const std::size_t member_offset = parser_.token_offset();
  bool has_name = false;
  bool has_value = false;
  while (true) {
    bool found = false;
    absl::Status s = NextChild(&found);
    if (!s.ok()) return s;
    if (!found) break;
    const absl::string_view child = parser_.name();
    bool* seen = child == "name" ? &has_name : child == "value" ? &has_value : nullptr;
    if (seen == nullptr) {
      return Malformed(parser_.token_offset(), absl::StrCat("<", child, "> inside <member>"));
    }
    if (*seen) {
      return Malformed(parser_.token_offset(), absl::StrCat("<member> has two <", child, ">"));
    }
    *seen = true;
    s = seen == &has_name ? ReadText("name", &out->first) : DecodeValue(depth + 1, &out->second);
    if (!s.ok()) return s;
  }
  if (!has_name) return Malformed(member_offset, "<member> has no <name>");
  if (!has_value) return Malformed(member_offset, "<member> has no <value>");
  return absl::OkStatus();
}

absl::StatusOr<XmlRpcValue> Decoder::Run() {
  Token token;
  absl::Status s = parser_.Next(&token);  // the root's start tag, or an error
  if (!s.ok()) return s;
  if (parser_.name() != "methodResponse") {
    return Malformed(parser_.token_offset(),
                     absl::StrCat("root is <", parser_.name(), ">, want <methodResponse>"));
  }
  bool found = false;
  s = NextChild(&found);
  if (!s.ok()) return s;
  if (!found) return Malformed(parser_.token_offset(), "<methodResponse> is empty");
  XmlRpcValue value;
  absl::Status fault_status;
  if (parser_.name() == "fault") {
    const std::size_t fault_offset = parser_.token_offset();
    if (!(s = FirstChildNamed("fault", "value")).ok()) return s;
    if (!(s = DecodeValue(1, &value)).ok()) return s;
    if (!(s = NoMoreChildren("fault")).ok()) return s;
    bool is_fault = false;
    fault_status = FaultValueToStatus(value, &is_fault);
    if (!is_fault) return Malformed(fault_offset, fault_status.message());
  } else {
    if (parser_.name() != "params") {
      return Malformed(parser_.token_offset(), absl::StrCat("<", parser_.name(),
                                                            "> inside <methodResponse>, want <params>"));
    }
    if (!(s = FirstChildNamed("params", "param")).ok()) return s;
    if (!(s = FirstChildNamed("param", "value")).ok()) return s;
    if (!(s = DecodeValue(1, &value)).ok()) return s;
    if (!(s = NoMoreChildren("param")).ok()) return s;
    if (!(s = NoMoreChildren("params")).ok()) return s;
  }
  if (!(s = NoMoreChildren("methodResponse")).ok()) return s;
  if (!(s = parser_.Next(&token)).ok()) return s;  // kEnd, or what follows the root
  if (!fault_status.ok()) return fault_status;
  return value;
}

}  // namespace

absl::StatusOr<XmlRpcValue> DecodeXmlRpcResponse(absl::string_view body,
                                                 const DecodeOptions& options) {
  if (body.size() > options.max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("XML-RPC response of ", body.size(),
                                                     " bytes exceeds the limit of ",
                                                     options.max_bytes));
  }
  Decoder decoder(body, options);
  return decoder.Run();
}

}  // namespace supervisor_rpc
}  // namespace svl
