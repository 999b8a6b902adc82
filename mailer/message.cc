#include "mailer/message.h"

#include <cstddef>
#include <cstdint>
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

// A MIMEText base64 body: 76 characters a line, every line ending in LF.
constexpr size_t kBase64LineLength = 76;

// RFC 5322 section 3.3 date-time in `zone` with its numeric offset,
// independent of the C locale: "Thu, 05 Feb 2026 10:00:00 +0000".
std::string FormatRfc5322Date(absl::Time time, absl::TimeZone zone) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                          "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  const absl::TimeZone::CivilInfo local = zone.At(time);
  const absl::CivilSecond cs = local.cs;
  const int weekday = static_cast<int>(absl::GetWeekday(cs));  // Monday == 0
  // RFC 5322 has no room for seconds in the offset; they are dropped.
  const int offset_minutes = (local.offset < 0 ? -local.offset : local.offset) / 60;
  return absl::StrFormat("%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
                         kDays[weekday], cs.day(), kMonths[cs.month() - 1],
                         cs.year(), cs.hour(), cs.minute(), cs.second(),
                         local.offset < 0 ? '-' : '+', offset_minutes / 60,
                         offset_minutes % 60);
}

bool HasNonAsciiByte(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

std::string Base64Lines(absl::string_view bytes) {
  const std::string encoded = absl::Base64Escape(bytes);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kBase64LineLength + 1);
  for (size_t i = 0; i < encoded.size(); i += kBase64LineLength) {
    absl::StrAppend(&out, absl::string_view(encoded).substr(i, kBase64LineLength), "\n");
  }
  return out;
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
  // Each header line as both layouts render it; "" when it is left out.
  auto line = [](absl::string_view name, absl::string_view value) {
    return absl::StrCat(name, ": ", value, "\n");
  };
  const std::string from =
      message.from.empty() ? "" : line("From", SanitizeHeaderValue(message.from));
  const std::string to = line("To", SanitizeHeaderValue(message.to));
  const std::string subject =
      line("Subject", EncodeHeaderWord(SanitizeHeaderValue(message.subject)));
  const std::string date =
      message.date.has_value()
          ? line("Date", FormatRfc5322Date(*message.date, message.date_zone.value_or(
                                                              absl::UTCTimeZone())))
          : "";
  const std::string message_id =
      message.message_id.empty()
          ? ""
          : line("Message-ID", SanitizeHeaderValue(message.message_id));

  if (!message.mime_text_plain) {
    return absl::StrCat(from, to, subject, date, message_id, "\n", message.body);
  }
  // Python's MIMEText(body): charset and transfer encoding follow the body,
  // and MIMEText leaves an empty Subject out.
  const bool utf8 = HasNonAsciiByte(message.body);
  return absl::StrCat(
      line("Content-Type", utf8 ? "text/plain; charset=\"utf-8\""
                                : "text/plain; charset=\"us-ascii\""),
      line("MIME-Version", "1.0"),
      line("Content-Transfer-Encoding", utf8 ? "base64" : "7bit"),
      message.subject.empty() ? "" : subject, from, to, date, message_id, "\n",
      utf8 ? Base64Lines(message.body) : message.body);
}

std::string PythonStyleMessageId(absl::Time now, int64_t pid, uint64_t random,
                                 absl::string_view domain) {
  // ToUnixMillis() rounds down; so must the division, before the epoch too.
  const int64_t millis = absl::ToUnixMillis(now);
  const int64_t centis = millis / 10 - (millis % 10 < 0 ? 1 : 0);
  return absl::StrCat("<", centis, ".", pid, ".", random, "@", domain, ">");
}

}  // namespace mailer
}  // namespace svl
