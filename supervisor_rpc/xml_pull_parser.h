// File: supervisor_rpc/xml_pull_parser.h
//
// Private to //supervisor_rpc: a strict, streaming XML tokenizer for the
// subset XML-RPC uses. It checks well-formedness as it goes (matching end
// tags, one root element, nothing but comments and whitespace around it) and
// hands out one token at a time, without building a tree.
//
// Accepted: an optional UTF-8 BOM; an XML declaration `<?xml ...?>` only as
// the very first bytes (after the BOM); comments (without `--` inside);
// start tags without attributes (`<name>`, `<name >`), end tags (`</name >`),
// self-closing tags (`<nil/>`: a start then an end token); character data
// with the five predefined entities and numeric character references (`&#NN;`,
// `&#xHH;`, encoded to UTF-8); CDATA sections. Line ends in character data
// are normalised as XML 1.0 §2.11 says (CR LF and lone CR become LF).
//
// Rejected with kInvalidArgument (message carries line and byte offset):
// attributes, DOCTYPE and other `<!` declarations, processing instructions
// other than the leading declaration, unknown entities, a bare `&`, character
// references to NUL, surrogates or past U+10FFFF, NUL bytes anywhere, text or
// a second element outside the root, mismatched or unclosed tags, and the end
// of input anywhere but after the root. Elements nested deeper than
// `max_depth`: kResourceExhausted. Bytes >= 0x80 and control characters other
// than NUL are passed through in character data unchecked (as tinyxml2 does;
// supervisord escapes only & < >).
//
// The input is an absl::string_view: never read past its end, no NUL
// terminator assumed. Every token is O(its length); nothing is quadratic.
//
// Example:
//
//   XmlPullParser parser(body);
//   XmlPullParser::Token token;
//   while (true) {
//     absl::Status s = parser.Next(&token);
//     if (!s.ok()) return s;
//     if (token == XmlPullParser::Token::kEnd) break;
//     if (token == XmlPullParser::Token::kStartTag) Use(parser.name());
//   }

#ifndef SVL_SUPERVISOR_RPC_XML_PULL_PARSER_H_
#define SVL_SUPERVISOR_RPC_XML_PULL_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace supervisor_rpc {

// Byte classes shared by the inline fast path and the .cc (not API).
namespace xml_pull_parser_internal {

inline bool IsXmlSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// XML 1.0 NameStartChar / NameChar, approximated for bytes: every byte >= 0x80
// is allowed (as in tinyxml2), so UTF-8 names pass without decoding.
struct NameClasses {
  bool start[256];
  bool rest[256];
  constexpr NameClasses() : start(), rest() {
    for (int c = 0; c < 256; ++c) {
      start[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                 c >= 0x80;
      rest[c] = start[c] || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }
  }
};
inline constexpr NameClasses kNameClasses;

inline bool IsNameStart(char c) { return kNameClasses.start[static_cast<unsigned char>(c)]; }
inline bool IsNameChar(char c) { return kNameClasses.rest[static_cast<unsigned char>(c)]; }

// Byte classes for the text scanner.
enum : std::uint8_t { kPlain = 0, kSpace = 1, kSpecial = 2, kCSpace = 3 };
struct TextClasses {
  std::uint8_t of[256];
  constexpr TextClasses() : of() {
    of[static_cast<unsigned char>(' ')] = kSpace;
    of[static_cast<unsigned char>('\t')] = kSpace;
    of[static_cast<unsigned char>('\n')] = kSpace;
    of[static_cast<unsigned char>('\v')] = kCSpace;  // isspace() but not XML whitespace
    of[static_cast<unsigned char>('\f')] = kCSpace;
    of[static_cast<unsigned char>('\r')] = kSpecial;  // whitespace, but needs normalising
    of[static_cast<unsigned char>('&')] = kSpecial;
    of[static_cast<unsigned char>('<')] = kSpecial;
    of[0] = kSpecial;
  }
};
inline constexpr TextClasses kTextClasses;

}  // namespace xml_pull_parser_internal

class XmlPullParser {
 public:
  enum class Token {
    kStartTag,  // name(); a self-closing tag gives kStartTag then kEndTag
    kEndTag,    // name()
    kText,      // text(), whitespace_only(); only inside the root element
    kEnd,       // after the root element and trailing comments/whitespace
  };

  // `input` must outlive the parser. `max_depth` bounds open elements.
  explicit XmlPullParser(absl::string_view input, int max_depth = 256);

  XmlPullParser(const XmlPullParser&) = delete;
  XmlPullParser& operator=(const XmlPullParser&) = delete;

  // Next() reads the next token into *token. After an error or kEnd, every
  // further call returns the same error / kEnd. Comments are skipped. One
  // kText is a run of character data up to the next markup (references
  // decoded inside it), or one CDATA section; a comment or CDATA section thus
  // splits text into several kText tokens (callers concatenate).
  ABSL_MUST_USE_RESULT absl::Status Next(Token* token) {
    if (Ready() && FastToken(token, false)) return absl::OkStatus();
    return NextToken(token, false);
  }

  // NextInElementContent() is Next() for element-only content: text runs
  // that are whitespace_only() are skipped instead of returned.
  ABSL_MUST_USE_RESULT absl::Status NextInElementContent(Token* token) {
    if (Ready() && FastToken(token, true)) return absl::OkStatus();
    return NextToken(token, true);
  }

  // The element name of the current kStartTag/kEndTag (points into input).
  absl::string_view name() const { return absl::string_view(name_data_, name_size_); }

  // The decoded characters of the current kText: valid until the next call.
  absl::string_view text() const { return text_; }

  // True when the current kText is a run of raw XML whitespace (space, tab,
  // CR, LF) between two pieces of markup, with no reference or CDATA in it:
  // text that may sit between elements.
  bool whitespace_only() const { return whitespace_only_; }

  // Like whitespace_only(), with C isspace() (also \v and \f) as the test:
  // exactly the text nodes tinyxml2 drops (see xmlrpc_reference_decoder.h).
  bool c_space_only() const { return c_space_only_; }

  // The byte offset at which the current token starts.
  std::size_t token_offset() const { return token_start_; }

  // "line L, byte B" for a byte offset of the input (1-based line; O(offset),
  // meant for error messages only).
  std::string Position(std::size_t offset) const;

 private:
  // Inside the root with nothing pending: where FastToken() may run.
  bool Ready() const { return started_ && !pending_end_ && !open_.empty() && error_.ok(); }
  absl::Status Fail(std::size_t offset, absl::string_view what);
  absl::Status ReadProlog();
  absl::Status NextToken(Token* token, bool skip_blank);
  bool FastToken(Token* token, bool skip_blank);
  absl::Status ReadMarkupOrText(Token* token, bool skip_blank);
  absl::Status ReadStartTag(Token* token);
  absl::Status ReadEndTag(Token* token);
  absl::Status SkipComment();
  absl::Status ReadCData();
  absl::Status ReadText();
  absl::Status ReadReference(std::size_t run_end);
  absl::Status ReadName(absl::string_view* name);
  absl::Status AtDocumentLevel(Token* token);

  absl::string_view input_;
  std::size_t pos_ = 0;
  std::size_t token_start_ = 0;
  const int max_depth_;
  // An open element's name. Stored and read field by field (as is name_*):
  // copying a string_view through memory as one 16-byte load right after
  // two 8-byte stores stalls store forwarding, which showed in profiles.
  struct OpenTag {
    const char* data;
    std::size_t size;
    absl::string_view view() const { return absl::string_view(data, size); }
  };
  void Push(absl::string_view name) {
    open_.emplace_back();
    open_.back().data = name.data();
    open_.back().size = name.size();
  }
  void SetName(absl::string_view name) {
    name_data_ = name.data();
    name_size_ = name.size();
  }
  std::vector<OpenTag> open_;  // names of the open elements
  bool started_ = false;      // prolog read
  bool root_done_ = false;    // root element closed
  bool pending_end_ = false;  // self-closing tag: the end token is next
  bool finished_ = false;     // kEnd returned
  absl::Status error_;        // sticky
  const char* name_data_ = nullptr;
  std::size_t name_size_ = 0;
  absl::string_view text_;
  bool whitespace_only_ = false;
  bool c_space_only_ = false;
  std::string scratch_;  // decoded text when it differs from the input
};

// The shapes of nearly every token of a supervisord response, without the
// checks and Status plumbing of the general path: optional blanks (when
// skipping them), then `<name>`, `</open-name>` or a run of plain text ending
// at '<'. Returns false, having consumed at most blanks, for anything else.
inline bool XmlPullParser::FastToken(Token* token, bool skip_blank) {
  using xml_pull_parser_internal::IsNameChar;
  using xml_pull_parser_internal::IsNameStart;
  using xml_pull_parser_internal::IsXmlSpace;
  using xml_pull_parser_internal::kPlain;
  using xml_pull_parser_internal::kSpace;
  using xml_pull_parser_internal::kTextClasses;
  const char* const data = input_.data();
  const std::size_t n = input_.size();
  std::size_t p = pos_;
  if (skip_blank) {
    while (p < n && IsXmlSpace(data[p])) ++p;
    pos_ = p;
  }
  if (n - p < 3) return false;
  token_start_ = p;
  if (data[p] == '<') {
    if (data[p + 1] == '/') {
      const absl::string_view open = open_.back().view();
      const std::size_t len = open.size();
      if (n - p - 2 <= len || data[p + 2 + len] != '>') return false;
      for (std::size_t i = 0; i < len; ++i) {
        if (data[p + 2 + i] != open[i]) return false;
      }
      pos_ = p + 3 + len;
      SetName(open);
      open_.pop_back();
      if (open_.empty()) root_done_ = true;
      *token = Token::kEndTag;
      return true;
    }
    if (!IsNameStart(data[p + 1])) return false;
    std::size_t q = p + 2;
    while (q < n && IsNameChar(data[q])) ++q;
    if (q == n || data[q] != '>' || static_cast<int>(open_.size()) >= max_depth_) return false;
    const absl::string_view name(data + p + 1, q - p - 1);
    Push(name);
    SetName(name);
    pos_ = q + 1;
    *token = Token::kStartTag;
    return true;
  }
  bool space_only = true;
  std::size_t q = p;
  for (; q < n; ++q) {
    const std::uint8_t cls = kTextClasses.of[static_cast<unsigned char>(data[q])];
    if (cls == kPlain) {
      space_only = false;
    } else if (cls != kSpace) {
      break;
    }
  }
  if (q == n || data[q] != '<') return false;
  text_ = absl::string_view(data + p, q - p);
  whitespace_only_ = space_only;
  c_space_only_ = space_only;
  pos_ = q;
  *token = Token::kText;
  return true;
}

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XML_PULL_PARSER_H_
