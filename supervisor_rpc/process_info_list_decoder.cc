#include "supervisor_rpc/process_info_list_decoder.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/xml_pull_parser.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_scalar.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

using Token = XmlPullParser::Token;

// Values sit at depth 1 (the param), 2 (array items) and 3 (members): the
// general path's depth limit never applies to what the direct decoder accepts.
static_assert(kMaxValueDepth >= 3, "the direct decoder assumes value depth 3 is allowed");

// The members ProcessInfoFromValue() reads; every other name is ignored.
enum class Field {
  kUnknown, kName, kGroup, kStart, kStop, kNow, kState, kStatename, kSpawnerr,
  kExitstatus, kLogfile, kStdoutLogfile, kStderrLogfile, kPid, kDescription,
};

// Is `name` (of the size of `literal`) equal to it? A memcmp of constant
// size, which the compiler inlines.
template <std::size_t N>
bool Is(absl::string_view name, const char (&literal)[N]) {
  return std::memcmp(name.data(), literal, N - 1) == 0;
}

// Dispatches on the size first: this runs for every member of the body.
Field FieldOf(absl::string_view name) {
  switch (name.size()) {
    case 3:
      if (Is(name, "now")) return Field::kNow;
      if (Is(name, "pid")) return Field::kPid;
      break;
    case 4:
      if (Is(name, "name")) return Field::kName;
      if (Is(name, "stop")) return Field::kStop;
      break;
    case 5:
      if (Is(name, "group")) return Field::kGroup;
      if (Is(name, "start")) return Field::kStart;
      if (Is(name, "state")) return Field::kState;
      break;
    case 7:
      if (Is(name, "logfile")) return Field::kLogfile;
      break;
    case 8:
      if (Is(name, "spawnerr")) return Field::kSpawnerr;
      break;
    case 9:
      if (Is(name, "statename")) return Field::kStatename;
      break;
    case 10:
      if (Is(name, "exitstatus")) return Field::kExitstatus;
      break;
    case 11:
      if (Is(name, "description")) return Field::kDescription;
      break;
    case 14:
      if (Is(name, "stdout_logfile")) return Field::kStdoutLogfile;
      if (Is(name, "stderr_logfile")) return Field::kStderrLogfile;
      break;
    default:
      break;
  }
  return Field::kUnknown;
}

// The string member `field` of `info`, or nullptr for an int member.
std::string* StringField(Field field, ProcessInfo* info) {
  switch (field) {
    case Field::kName: return &info->name;
    case Field::kGroup: return &info->group;
    case Field::kStatename: return &info->statename;
    case Field::kSpawnerr: return &info->spawnerr;
    case Field::kLogfile: return &info->logfile;
    case Field::kStdoutLogfile: return &info->stdout_logfile;
    case Field::kStderrLogfile: return &info->stderr_logfile;
    case Field::kDescription: return &info->description;
    default: return nullptr;
  }
}

// Stores an int member (the codec's int32 range; same narrowings as
// ProcessInfoFromValue()).
void SetIntField(Field field, std::int32_t value, ProcessInfo* info) {
  switch (field) {
    case Field::kStart: info->start = value; break;
    case Field::kStop: info->stop = value; break;
    case Field::kNow: info->now = value; break;
    case Field::kState: info->state_code = value; break;
    case Field::kExitstatus: info->exitstatus = value; break;
    case Field::kPid: info->pid = value; break;
    default: break;
  }
}

// Bits of the required members seen in one struct.
constexpr unsigned kSeenName = 1, kSeenGroup = 2, kSeenState = 4, kSeenPid = 8;
constexpr unsigned kSeenRequired = kSeenName | kSeenGroup | kSeenState | kSeenPid;

unsigned SeenBit(Field field) {
  switch (field) {
    case Field::kName: return kSeenName;
    case Field::kGroup: return kSeenGroup;
    case Field::kState: return kSeenState;
    case Field::kPid: return kSeenPid;
    default: return 0;
  }
}

// The direct decoder. It walks the token stream as xmlrpc_decoder.cc does,
// with the same acceptance rules at every step it takes, and every method
// returns false ("decline") at the first thing it does not handle, which
// includes every error. Each method is called just after the start tag of its
// element and returns just after its end tag.
class DirectDecoder {
 public:
  explicit DirectDecoder(absl::string_view body) : parser_(body) {}

  bool Run(std::vector<ProcessInfo>* out);

 private:
  bool NextChild(bool* found);
  bool FirstChildNamed(absl::string_view name);
  bool NoMoreChildren();
  bool ReadText(std::string* out);
  bool OpenValue(bool* bare);
  bool DecodeProcess(ProcessInfo* info);
  bool DecodeMember(ProcessInfo* info, unsigned* seen);
  bool DecodeMemberValue(Field field, ProcessInfo* info, unsigned* seen);

  XmlPullParser parser_;
  std::string member_name_;  // scratch buffers, reused
  std::string text_;
  std::string scalar_;
};

// As Decoder::NextChild: whitespace between elements skipped, other text
// declined.
bool DirectDecoder::NextChild(bool* found) {
  Token token;
  while (true) {
    if (!parser_.NextInElementContent(&token).ok()) return false;
    if (token == Token::kStartTag) {
      *found = true;
      return true;
    }
    if (token != Token::kText) {
      *found = false;
      return true;
    }
    if (!parser_.whitespace_only()) return false;
  }
}

bool DirectDecoder::FirstChildNamed(absl::string_view name) {
  bool found = false;
  return NextChild(&found) && found && parser_.name() == name;
}

bool DirectDecoder::NoMoreChildren() {
  bool found = false;
  return NextChild(&found) && !found;
}

// As Decoder::ReadText: the character data up to the end tag.
bool DirectDecoder::ReadText(std::string* out) {
  out->clear();
  Token token;
  while (true) {
    if (!parser_.Next(&token).ok()) return false;
    if (token == Token::kText) {
      out->append(parser_.text().data(), parser_.text().size());
      continue;
    }
    return token == Token::kEndTag;
  }
}

// The start of Decoder::DecodeValue, just after <value>: either a bare value
// (*bare; its text in text_, the end tag read) or the typed child's start
// tag read (whitespace-only text before it, as the general path allows).
bool DirectDecoder::OpenValue(bool* bare) {
  text_.clear();
  bool stray = false;
  Token token;
  while (true) {
    if (!parser_.Next(&token).ok()) return false;
    if (token == Token::kText) {
      if (!parser_.whitespace_only()) stray = true;
      text_.append(parser_.text().data(), parser_.text().size());
      continue;
    }
    if (token == Token::kStartTag) {
      *bare = false;
      return !stray;
    }
    *bare = true;
    return token == Token::kEndTag;
  }
}

// One array item: <value><struct>members</struct></value>, with every member
// ProcessInfoFromValue() requires, none wrongly typed.
bool DirectDecoder::DecodeProcess(ProcessInfo* info) {
  bool bare = false;
  if (!OpenValue(&bare) || bare || parser_.name() != "struct") return false;
  unsigned seen = 0;
  while (true) {
    bool found = false;
    if (!NextChild(&found)) return false;
    if (!found) break;
    if (parser_.name() != "member" || !DecodeMember(info, &seen)) return false;
  }
  if (!NoMoreChildren()) return false;  // </value>
  if ((seen & kSeenRequired) != kSeenRequired) return false;
  info->state = ProcessStateFromCode(info->state_code);
  return true;
}

// <member>: <name> then <value> (the other order is declined: the member
// would have to be buffered).
bool DirectDecoder::DecodeMember(ProcessInfo* info, unsigned* seen) {
  bool has_name = false;
  bool has_value = false;
  while (true) {
    bool found = false;
    if (!NextChild(&found)) return false;
    if (!found) break;
    const absl::string_view child = parser_.name();
    if (child == "name" && !has_name) {
      has_name = true;
      if (!ReadText(&member_name_)) return false;
    } else if (child == "value" && has_name && !has_value) {
      has_value = true;
      if (!DecodeMemberValue(FieldOf(member_name_), info, seen)) return false;
    } else {
      return false;
    }
  }
  return has_name && has_value;
}

// A member's <value> (just read): stored when `field` is known and the value
// has its type; validated as the general path would when unknown; declined
// when wrongly typed, invalid, or (unknown member) an array or struct.
bool DirectDecoder::DecodeMemberValue(Field field, ProcessInfo* info, unsigned* seen) {
  bool bare = false;
  if (!OpenValue(&bare)) return false;
  std::string* const string_field = StringField(field, info);
  if (bare) {  // a string
    if (field == Field::kUnknown) return true;
    if (string_field == nullptr) return false;
    string_field->swap(text_);
    *seen |= SeenBit(field);
    return true;
  }
  const absl::string_view type = parser_.name();  // points into the body
  if (field == Field::kUnknown) {
    if (type == "array" || type == "struct") return false;
    if (!ReadText(&scalar_)) return false;
    XmlRpcValue ignored;
    if (!ScalarFromText(type, std::move(scalar_), &ignored).ok()) return false;
    scalar_.clear();
    return NoMoreChildren();
  }
  if (string_field != nullptr) {
    if (type != "string" || !ReadText(string_field)) return false;
  } else {
    if (type != "int" && type != "i4") return false;
    std::int32_t value = 0;
    if (!ReadText(&scalar_) || !absl::SimpleAtoi(scalar_, &value)) return false;
    SetIntField(field, value, info);
  }
  *seen |= SeenBit(field);
  return NoMoreChildren();  // </value>
}

bool DirectDecoder::Run(std::vector<ProcessInfo>* out) {
  out->clear();
  Token token;
  if (!parser_.Next(&token).ok() || token != Token::kStartTag ||
      parser_.name() != "methodResponse") {
    return false;
  }
  if (!FirstChildNamed("params") || !FirstChildNamed("param") || !FirstChildNamed("value")) {
    return false;
  }
  bool bare = false;
  if (!OpenValue(&bare) || bare || parser_.name() != "array" || !FirstChildNamed("data")) {
    return false;
  }
  while (true) {
    bool found = false;
    if (!NextChild(&found)) return false;
    if (!found) break;
    if (parser_.name() != "value") return false;
    out->emplace_back();
    if (!DecodeProcess(&out->back())) return false;
  }
  // </array>, </value>, </param>, </params>, </methodResponse>, the end.
  for (int i = 0; i < 5; ++i) {
    if (!NoMoreChildren()) return false;
  }
  return parser_.Next(&token).ok() && token == Token::kEnd;
}

}  // namespace

absl::StatusOr<std::vector<ProcessInfo>> ProcessInfoListFromValue(const XmlRpcValue& value) {
  if (value.type() != XmlRpcValue::Type::kArray) {
    return absl::InvalidArgumentError("supervisord returned no array");
  }
  std::vector<ProcessInfo> out;
  out.reserve(value.array().size());
  for (const XmlRpcValue& item : value.array()) {
    absl::StatusOr<ProcessInfo> info = ProcessInfoFromValue(item);
    if (!info.ok()) return info.status();
    out.push_back(*std::move(info));
  }
  return out;
}

absl::StatusOr<std::vector<ProcessInfo>> DecodeProcessInfoListGeneral(absl::string_view body) {
  absl::StatusOr<XmlRpcValue> value = DecodeMethodResponse(body);
  if (!value.ok()) return value.status();
  return ProcessInfoListFromValue(*value);
}

bool DecodeProcessInfoListDirect(absl::string_view body, std::vector<ProcessInfo>* out) {
  if (body.size() > kMaxResponseBytes) return false;
  DirectDecoder decoder(body);
  return decoder.Run(out);
}

absl::StatusOr<std::vector<ProcessInfo>> DecodeProcessInfoListResponse(absl::string_view body) {
  std::vector<ProcessInfo> out;
  if (DecodeProcessInfoListDirect(body, &out)) return out;
  return DecodeProcessInfoListGeneral(body);
}

}  // namespace supervisor_rpc
}  // namespace svl
