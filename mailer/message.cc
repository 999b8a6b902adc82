#include "mailer/message.h"

#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/control_chars.h"
#include "base/utf8.h"

namespace svl {
namespace mailer {
namespace {

// An encoded word is "=?UTF-8?B?" + base64 + "?=" (12 characters of frame).
// 75 - 12 = 63 characters of base64, rounded down to a multiple of 4 = 60,
// which carries 45 bytes.
constexpr size_t kMaxBytesPerEncodedWord = 45;

std::string EncodedWord(absl::string_view bytes) {
  return absl::StrCat("=?UTF-8?B?", absl::Base64Escape(bytes), "?=");
}

// RFC 5322 section 3.3 date-time in UTC, independent of the C locale:
// "Thu, 05 Feb 2026 10:00:00 +0000".
std::string FormatRfc5322Date(absl::Time time) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                          "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilSecond cs = absl::ToCivilSecond(time, absl::UTCTimeZone());
  const int weekday = static_cast<int>(absl::GetWeekday(cs));  // Monday == 0
  return absl::StrFormat("%s, %02d %s %04d %02d:%02d:%02d +0000",
                         kDays[weekday], cs.day(), kMonths[cs.month() - 1],
                         cs.year(), cs.hour(), cs.minute(), cs.second());
}

void AppendHeader(absl::string_view name, absl::string_view value,
                  std::string* out) {
  absl::StrAppend(out, name, ": ", value, "\n");
}

}  // namespace

std::string SanitizeHeaderValue(absl::string_view value) {
  std::string out(value.data(), value.size());
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

std::string EncodeHeaderWord(absl::string_view value) {
  if (base::IsPrintableAsciiOrTab(value)) return std::string(value.data(), value.size());
  std::string out;
  size_t chunk_start = 0;
  size_t i = 0;
  while (i < value.size()) {
    // A code point is never split; an invalid byte is a unit of its own.
    const size_t len = base::DecodeUtf8(value.substr(i)).length;
    if (i + len - chunk_start > kMaxBytesPerEncodedWord) {
      if (!out.empty()) out += "\n ";
      out += EncodedWord(value.substr(chunk_start, i - chunk_start));
      chunk_start = i;
    }
    i += len;
  }
  if (!out.empty()) out += "\n ";
  out += EncodedWord(value.substr(chunk_start));
  return out;
}

std::string FormatMessage(const Message& message) {
  std::string out;
  if (!message.from.empty()) {
    AppendHeader("From", SanitizeHeaderValue(message.from), &out);
  }
  AppendHeader("To", SanitizeHeaderValue(message.to), &out);
  AppendHeader("Subject",
               EncodeHeaderWord(SanitizeHeaderValue(message.subject)), &out);
  if (message.date.has_value()) {
    AppendHeader("Date", FormatRfc5322Date(*message.date), &out);
  }
  if (!message.message_id.empty()) {
    AppendHeader("Message-ID", SanitizeHeaderValue(message.message_id), &out);
  }
  absl::StrAppend(&out, "\n", message.body);
  return out;
}

}  // namespace mailer
}  // namespace svl
