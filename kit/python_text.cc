#include "kit/python_text.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace svl {
namespace kit {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// DecodeOne() decodes the UTF-8 sequence at `text[*pos]`, advancing *pos.
// Returns kInvalid (advancing by one byte) for a byte that does not start a
// valid, shortest-form, non-surrogate sequence.
char32_t DecodeOne(absl::string_view text, std::size_t* pos) {
  const auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(*pos);
  if (lead < 0x80) {
    ++*pos;
    return lead;
  }
  int length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    ++*pos;
    return kInvalid;
  }
  if (*pos + length > text.size()) {
    ++*pos;
    return kInvalid;
  }
  for (int i = 1; i < length; ++i) {
    const unsigned char next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) {
      ++*pos;
      return kInvalid;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*pos;
    return kInvalid;
  }
  *pos += length;
  return cp;
}

bool InRanges(char32_t cp, std::initializer_list<std::pair<char32_t, char32_t>> ranges) {
  for (const auto& [lo, hi] : ranges) {
    if (cp >= lo && cp <= hi) return true;
  }
  return false;
}

// IsPrintable() approximates Python's str.isprintable() for one code point
// (see the header for what is covered).
bool IsPrintable(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0)) return false;
  if ((cp & 0xFFFE) == 0xFFFE) return false;  // U+xxFFFE, U+xxFFFF
  return !InRanges(cp, {
                           // Zs other than ' ', Zl, Zp.
                           {0x00AD, 0x00AD},  // soft hyphen (Cf)
                           {0x1680, 0x1680},
                           {0x2000, 0x200F},  // spaces, ZWSP..RLM (Cf)
                           {0x2028, 0x202F},  // LS, PS, bidi (Cf), NNBSP
                           {0x205F, 0x2064},
                           {0x2066, 0x206F},
                           {0x3000, 0x3000},
                           // Other Cf.
                           {0x0600, 0x0605},
                           {0x061C, 0x061C},
                           {0x06DD, 0x06DD},
                           {0x070F, 0x070F},
                           {0x0890, 0x0891},
                           {0x08E2, 0x08E2},
                           {0x180E, 0x180E},
                           {0xFEFF, 0xFEFF},
                           {0xFFF9, 0xFFFB},
                           {0x110BD, 0x110BD},
                           {0x110CD, 0x110CD},
                           {0x13430, 0x1343F},
                           {0x1BCA0, 0x1BCA3},
                           {0x1D173, 0x1D17A},
                           {0xE0001, 0xE0001},
                           {0xE0020, 0xE007F},
                           // Surrogates (not decodable here), private use.
                           {0xD800, 0xF8FF},
                           {0xF0000, 0x10FFFF},
                           // Noncharacters.
                           {0xFDD0, 0xFDEF},
                       });
}

void AppendUtf8(char32_t cp, std::string* out) {
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

}  // namespace

std::string PythonRepr(absl::string_view utf8) {
  const bool has_single = utf8.find('\'') != absl::string_view::npos;
  const bool has_double = utf8.find('"') != absl::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';

  std::string out(1, quote);
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const unsigned char raw = static_cast<unsigned char>(utf8[pos]);
    const char32_t cp = DecodeOne(utf8, &pos);
    if (cp == kInvalid) {
      absl::StrAppendFormat(&out, "\\udc%02x", raw);
    } else if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (IsPrintable(cp)) {
      AppendUtf8(cp, &out);
    } else if (cp < 0x100) {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned>(cp));
    } else if (cp < 0x10000) {
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned>(cp));
    } else {
      absl::StrAppendFormat(&out, "\\U%08x", static_cast<unsigned>(cp));
    }
  }
  out.push_back(quote);
  return out;
}

std::string PythonListRepr(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += PythonRepr(items[i]);
  }
  out += "]";
  return out;
}

std::string PythonFaultRepr(int code, absl::string_view fault_string) {
  return absl::StrCat("<Fault ", code, ": ", PythonRepr(fault_string), ">");
}

std::string SupervisorAsctime(absl::Time time, absl::TimeZone zone) {
  const absl::TimeZone::CivilInfo local = zone.At(time);
  // At() floors to the second; subseconds are what is left, in [0, 1 s).
  const int64_t milliseconds = absl::ToInt64Milliseconds(local.subsecond);
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d:%02d,%03d", local.cs.year(),
                         local.cs.month(), local.cs.day(), local.cs.hour(), local.cs.minute(),
                         local.cs.second(), milliseconds);
}

std::string PythonAsctime(absl::Time time, absl::TimeZone zone) {
  // C's names, whatever the locale.
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilSecond cs = zone.At(time).cs;
  const int weekday = static_cast<int>(absl::GetWeekday(cs));  // Monday is 0
  return absl::StrFormat("%s %s%3d %02d:%02d:%02d %d", kDays[weekday], kMonths[cs.month() - 1],
                         cs.day(), cs.hour(), cs.minute(), cs.second(), cs.year());
}

}  // namespace kit
}  // namespace svl
