#include "kit/python_text.h"

#include <time.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "base/utf8.h"

namespace svl {
namespace kit {
namespace {

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

}  // namespace

std::string PythonRepr(absl::string_view utf8) {
  const bool has_single = utf8.find('\'') != absl::string_view::npos;
  const bool has_double = utf8.find('"') != absl::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';

  std::string out(1, quote);
  for (absl::string_view rest = utf8; !rest.empty();) {
    const unsigned char raw = static_cast<unsigned char>(rest[0]);
    const base::Utf8Step step = base::DecodeUtf8(rest);
    rest.remove_prefix(step.length);
    const char32_t cp = step.code_point;
    if (!step.valid()) {
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
      base::AppendUtf8(cp, &out);
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

absl::TimeZone LocalZoneAt(absl::Time time) {
  const time_t seconds = absl::ToTimeT(time);
  struct tm local;
  if (localtime_r(&seconds, &local) == nullptr) return absl::UTCTimeZone();
  return absl::FixedTimeZone(static_cast<int>(local.tm_gmtoff));
}

std::string LocalZoneAbbreviation(absl::Time time) {
  const time_t seconds = absl::ToTimeT(time);
  struct tm local;
  if (localtime_r(&seconds, &local) == nullptr) return "";
  char buffer[64];
  const size_t length = strftime(buffer, sizeof(buffer), "%Z", &local);
  return std::string(buffer, length);
}

}  // namespace kit
}  // namespace svl
