#include "supervisor_rpc/xml_pull_parser.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using xml_pull_parser_internal::IsNameChar;
using xml_pull_parser_internal::IsNameStart;
using xml_pull_parser_internal::IsXmlSpace;
using xml_pull_parser_internal::kCSpace;
using xml_pull_parser_internal::kPlain;
using xml_pull_parser_internal::kSpecial;
using xml_pull_parser_internal::kTextClasses;

constexpr absl::string_view kBom = "\xEF\xBB\xBF";
constexpr absl::string_view kCDataOpen = "<![CDATA[";
constexpr absl::string_view kCommentOpen = "<!--";

void AppendUtf8(std::uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Appends `raw` to `out` with CR LF and lone CR turned into LF.
void AppendNormalisingLineEnds(absl::string_view raw, std::string* out) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\r') {
      out->push_back(raw[i]);
      continue;
    }
    out->push_back('\n');
    if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
  }
}

}  // namespace

XmlPullParser::XmlPullParser(absl::string_view input, int max_depth)
    : input_(input), max_depth_(max_depth) {}

std::string XmlPullParser::Position(std::size_t offset) const {
  offset = std::min(offset, input_.size());
  const std::size_t line = 1 + static_cast<std::size_t>(
                                   std::count(input_.begin(), input_.begin() + offset, '\n'));
  return absl::StrCat("line ", line, ", byte ", offset);
}

absl::Status XmlPullParser::Fail(std::size_t offset, absl::string_view what) {
  error_ = absl::InvalidArgumentError(
      absl::StrCat("malformed XML at ", Position(offset), ": ", what));
  return error_;
}

absl::Status XmlPullParser::NextToken(Token* token, bool skip_blank) {
  if (!error_.ok()) return error_;
  if (finished_) {
    *token = Token::kEnd;
    return absl::OkStatus();
  }
  if (pending_end_) {
    pending_end_ = false;
    SetName(open_.back().view());
    open_.pop_back();
    if (open_.empty()) root_done_ = true;
    *token = Token::kEndTag;
    return absl::OkStatus();
  }
  if (!started_) {
    started_ = true;
    absl::Status s = ReadProlog();
    if (!s.ok()) return s;
  }
  if (open_.empty()) return AtDocumentLevel(token);
  return ReadMarkupOrText(token, skip_blank);
}

absl::Status XmlPullParser::ReadProlog() {
  if (absl::StartsWith(input_, kBom)) pos_ = kBom.size();
  const absl::string_view rest = input_.substr(pos_);
  if (rest.size() >= 6 && rest.substr(0, 5) == "<?xml" &&
      (IsXmlSpace(rest[5]) || rest[5] == '?')) {
    const std::size_t end = input_.find("?>", pos_ + 5);
    if (end == absl::string_view::npos) return Fail(pos_, "unterminated XML declaration");
    if (input_.substr(pos_, end - pos_).find('\0') != absl::string_view::npos) {
      return Fail(pos_, "NUL byte in the XML declaration");
    }
    pos_ = end + 2;
  }
  return absl::OkStatus();
}

// Before and after the root element: whitespace and comments only.
absl::Status XmlPullParser::AtDocumentLevel(Token* token) {
  while (true) {
    while (pos_ < input_.size() && IsXmlSpace(input_[pos_])) ++pos_;
    token_start_ = pos_;
    if (pos_ == input_.size()) {
      if (!root_done_) return Fail(pos_, "document has no root element");
      finished_ = true;
      *token = Token::kEnd;
      return absl::OkStatus();
    }
    const absl::string_view rest = input_.substr(pos_);
    if (rest[0] != '<') {
      return Fail(pos_, root_done_ ? "text after the root element" : "text before the root element");
    }
    if (absl::StartsWith(rest, kCommentOpen)) {
      absl::Status s = SkipComment();
      if (!s.ok()) return s;
      continue;
    }
    if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?')) {
      return Fail(pos_, rest[1] == '?' ? "processing instructions are not supported"
                                       : "DOCTYPE and <! declarations are not supported");
    }
    if (rest.size() > 1 && rest[1] == '/') return Fail(pos_, "end tag outside the root element");
    if (root_done_) return Fail(pos_, "a second root element");
    return ReadStartTag(token);
  }
}

absl::Status XmlPullParser::ReadMarkupOrText(Token* token, bool skip_blank) {
  const char* const data = input_.data();
  const std::size_t n = input_.size();
  while (true) {
    token_start_ = pos_;
    if (pos_ == n) {
      return Fail(pos_, absl::StrCat("unexpected end of document inside <", open_.back().view(), ">"));
    }
    if (data[pos_] != '<') {
      if (skip_blank) {
        std::size_t end = pos_;
        while (end < n && IsXmlSpace(data[end])) ++end;
        if (end < n && data[end] == '<') {
          pos_ = end;
          continue;
        }
      }
      *token = Token::kText;
      return ReadText();
    }
    const char next = pos_ + 1 < n ? data[pos_ + 1] : '\0';
    if (next == '/') return ReadEndTag(token);
    if (next == '!') {
      const absl::string_view rest = input_.substr(pos_);
      if (absl::StartsWith(rest, kCommentOpen)) {
        absl::Status s = SkipComment();
        if (!s.ok()) return s;
        continue;
      }
      if (absl::StartsWith(rest, kCDataOpen)) {
        *token = Token::kText;
        return ReadCData();
      }
      return Fail(pos_, "DOCTYPE and <! declarations are not supported");
    }
    if (next == '?') return Fail(pos_, "processing instructions are not supported");
    return ReadStartTag(token);
  }
}

absl::Status XmlPullParser::ReadName(absl::string_view* name) {
  const std::size_t start = pos_;
  if (pos_ >= input_.size() || !IsNameStart(input_[pos_])) {
    return Fail(pos_, "expected an element name");
  }
  ++pos_;
  while (pos_ < input_.size() && IsNameChar(input_[pos_])) ++pos_;
  *name = input_.substr(start, pos_ - start);
  return absl::OkStatus();
}

absl::Status XmlPullParser::ReadStartTag(Token* token) {
  ++pos_;  // '<'
  absl::string_view name;
  absl::Status s = ReadName(&name);
  if (!s.ok()) return s;
  if (pos_ < input_.size() && input_[pos_] == '>' && static_cast<int>(open_.size()) < max_depth_) {
    // The common case: exactly `<name>`.
    ++pos_;
    Push(name);
    SetName(name);
    *token = Token::kStartTag;
    return absl::OkStatus();
  }
  while (pos_ < input_.size() && IsXmlSpace(input_[pos_])) ++pos_;
  if (pos_ == input_.size()) return Fail(pos_, absl::StrCat("unterminated tag <", name, ">"));
  bool self_closing = false;
  if (input_[pos_] == '/') {
    self_closing = true;
    ++pos_;
    if (pos_ == input_.size() || input_[pos_] != '>') {
      return Fail(pos_, absl::StrCat("expected '>' after '/' in <", name, "/>"));
    }
  } else if (input_[pos_] != '>') {
    if (IsNameStart(input_[pos_])) {
      return Fail(pos_, absl::StrCat("attributes are not supported (in <", name, ">)"));
    }
    return Fail(pos_, absl::StrCat("unexpected character in tag <", name, ">"));
  }
  ++pos_;  // '>'
  if (static_cast<int>(open_.size()) >= max_depth_) {
    error_ = absl::ResourceExhaustedError(absl::StrCat(
        "XML elements nest deeper than ", max_depth_, " at ", Position(token_start_)));
    return error_;
  }
  Push(name);
  pending_end_ = self_closing;
  SetName(name);
  *token = Token::kStartTag;
  return absl::OkStatus();
}

absl::Status XmlPullParser::ReadEndTag(Token* token) {
  pos_ += 2;  // "</"
  const absl::string_view open = open_.back().view();
  if (input_.size() - pos_ > open.size() && input_[pos_ + open.size()] == '>' &&
      std::memcmp(input_.data() + pos_, open.data(), open.size()) == 0) {
    // The common case: exactly `</open>`.
    pos_ += open.size() + 1;
    open_.pop_back();
    if (open_.empty()) root_done_ = true;
    SetName(open);
    *token = Token::kEndTag;
    return absl::OkStatus();
  }
  absl::string_view name;
  absl::Status s = ReadName(&name);
  if (!s.ok()) return s;
  while (pos_ < input_.size() && IsXmlSpace(input_[pos_])) ++pos_;
  if (pos_ == input_.size() || input_[pos_] != '>') {
    return Fail(pos_, absl::StrCat("expected '>' to end </", name, ">"));
  }
  ++pos_;
  if (name != open_.back().view()) {
    return Fail(token_start_, absl::StrCat("</", name, "> does not close <", open_.back().view(), ">"));
  }
  open_.pop_back();
  if (open_.empty()) root_done_ = true;
  SetName(name);
  *token = Token::kEndTag;
  return absl::OkStatus();
}

absl::Status XmlPullParser::SkipComment() {
  const std::size_t body = pos_ + kCommentOpen.size();
  const std::size_t dashes = input_.find("--", body);
  if (dashes == absl::string_view::npos) return Fail(pos_, "unterminated comment");
  if (dashes + 2 >= input_.size() || input_[dashes + 2] != '>') {
    return Fail(dashes, "'--' inside a comment");
  }
  if (input_.substr(body, dashes - body).find('\0') != absl::string_view::npos) {
    return Fail(pos_, "NUL byte in a comment");
  }
  pos_ = dashes + 3;
  return absl::OkStatus();
}

absl::Status XmlPullParser::ReadCData() {
  const std::size_t body = pos_ + kCDataOpen.size();
  const std::size_t end = input_.find("]]>", body);
  if (end == absl::string_view::npos) return Fail(pos_, "unterminated CDATA section");
  const absl::string_view raw = input_.substr(body, end - body);
  if (raw.find('\0') != absl::string_view::npos) return Fail(pos_, "NUL byte in CDATA");
  pos_ = end + 3;
  whitespace_only_ = false;
  c_space_only_ = false;
  if (raw.find('\r') == absl::string_view::npos) {
    text_ = raw;
  } else {
    scratch_.clear();
    AppendNormalisingLineEnds(raw, &scratch_);
    text_ = scratch_;
  }
  return absl::OkStatus();
}

// A run of character data up to the next '<' (or the end, which is an error
// inside the root). The fast path hands out a view of the input; references
// and CRs make a second, decoding pass into scratch_.
absl::Status XmlPullParser::ReadText() {
  const std::size_t start = pos_;
  const std::size_t n = input_.size();
  bool space_only = true;
  bool c_space_only = true;
  bool plain = true;
  std::size_t i = pos_;
  for (; i < n; ++i) {
    const char c = input_[i];
    const std::uint8_t cls = kTextClasses.of[static_cast<unsigned char>(c)];
    if (cls == kPlain) {
      space_only = false;
      c_space_only = false;
    } else if (cls == kCSpace) {
      space_only = false;
    } else if (cls == kSpecial) {
      if (c == '<') break;
      if (c == '\0') return Fail(i, "NUL byte in character data");
      if (c == '&') space_only = c_space_only = false;
      plain = false;
    }
  }
  if (i == n) {
    return Fail(i, absl::StrCat("unexpected end of document inside <", open_.back().view(), ">"));
  }
  whitespace_only_ = space_only;
  c_space_only_ = c_space_only;
  if (plain) {
    pos_ = i;
    text_ = input_.substr(start, i - start);
    return absl::OkStatus();
  }
  scratch_.clear();
  const absl::string_view raw = input_.substr(start, i - start);
  std::size_t done = 0;  // raw[0, done) is in scratch_
  for (std::size_t amp = raw.find('&'); amp != absl::string_view::npos;
       amp = raw.find('&', done)) {
    AppendNormalisingLineEnds(raw.substr(done, amp - done), &scratch_);
    pos_ = start + amp;
    absl::Status s = ReadReference(i);
    if (!s.ok()) return s;
    done = pos_ - start;
  }
  AppendNormalisingLineEnds(raw.substr(done), &scratch_);
  pos_ = i;
  text_ = scratch_;
  return absl::OkStatus();
}

// One reference at pos_ ('&'), appended to scratch_; pos_ moves past ';'.
// The ';' is looked for only up to `run_end`, so the scans of all references
// of a run add up to the run's length.
absl::Status XmlPullParser::ReadReference(std::size_t run_end) {
  const std::size_t amp = pos_;
  const std::size_t semi =
      input_.substr(0, run_end).find(';', amp);
  if (semi == absl::string_view::npos) {
    return Fail(amp, "'&' not starting a reference (write &amp;)");
  }
  const absl::string_view ref = input_.substr(amp + 1, semi - amp - 1);
  pos_ = semi + 1;
  if (ref == "amp") { scratch_.push_back('&'); return absl::OkStatus(); }
  if (ref == "lt") { scratch_.push_back('<'); return absl::OkStatus(); }
  if (ref == "gt") { scratch_.push_back('>'); return absl::OkStatus(); }
  if (ref == "quot") { scratch_.push_back('"'); return absl::OkStatus(); }
  if (ref == "apos") { scratch_.push_back('\''); return absl::OkStatus(); }
  if (ref.empty() || ref[0] != '#') {
    return Fail(amp, absl::StrCat("unknown entity &", ref.substr(0, 20), ";"));
  }
  const bool hex = ref.size() > 1 && ref[1] == 'x';
  const absl::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty()) return Fail(amp, "character reference without digits");
  std::uint32_t cp = 0;
  for (char c : digits) {
    int d = -1;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    }
    if (d < 0) return Fail(amp, "malformed character reference");
    cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
    if (cp > 0x10FFFF) return Fail(amp, "character reference past U+10FFFF");
  }
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return Fail(amp, "character reference to NUL or a surrogate");
  }
  AppendUtf8(cp, &scratch_);
  return absl::OkStatus();
}

}  // namespace supervisor_rpc
}  // namespace svl
