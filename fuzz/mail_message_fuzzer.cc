// Fuzz target: the mail formatter (mailer/message.h FormatMessage).
//
// The input, split at NUL bytes, gives to, subject, body, from, message_id
// and, if a sixth field exists, a Date from its first 8 bytes (epoch seconds).
// Each input is rendered three times: the default layout in UTC, the default
// layout with Date in UTC+01:00, and the MIMEText layout (mime_text_plain)
// with Date in UTC-05:30.
//
// Oracles (abort() on violation):
//   - the text is exactly headers + "\n" + rendered body, where the rendered
//     body is the body as is, except for a MIMEText body with a byte >= 0x80:
//     then it is base64 in lines of at most 76 characters (all but the last
//     exactly 76), each ending "\n", that decode back to the body;
//   - the header block has exactly one line per expected header, in order
//     (default: From?, To, Subject, Date?, Message-ID?; MIMEText:
//     Content-Type, MIME-Version, Content-Transfer-Encoding, Subject?, From?,
//     To, Date?, Message-ID?), plus folded continuation lines (starting with a
//     space) only inside Subject; no line holds a CR;
//   - unfolded, To/From/Message-ID are the input with CR and LF replaced by
//     spaces, and Subject is that too, either as is (printable ASCII) or as
//     RFC 2047 words of at most 75 characters that decode back to it;
//   - the MIME headers name us-ascii/7bit, or utf-8/base64 for a body with a
//     byte >= 0x80;
//   - Date ends in the zone's offset and, for years 1 to 9999, parses back
//     to the given time.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/control_chars.h"
#include "mailer/message.h"

namespace {

constexpr std::size_t kMaxInput = 16 * 1024;

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the four-digit years.
constexpr std::int64_t kMinCheckedSeconds = -62135596800;
constexpr std::int64_t kMaxCheckedSeconds = 253402300799;

std::string Sanitized(absl::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

bool HasNonAsciiByte(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// The Subject value (lines joined without their "\n ") must decode to `want`.
bool SubjectMatches(const std::vector<absl::string_view>& words, const std::string& want) {
  if (svl::base::IsPrintableAsciiOrTab(want)) return words.size() == 1 && words[0] == want;
  std::string decoded;
  for (absl::string_view word : words) {
    if (word.size() > 75 || !absl::ConsumePrefix(&word, "=?UTF-8?B?") ||
        !absl::ConsumeSuffix(&word, "?=")) {
      return false;
    }
    std::string bytes;
    if (!absl::Base64Unescape(word, &bytes)) return false;
    decoded += bytes;
  }
  return decoded == want;
}

// The Date value must carry `offset` and, in the four-digit years, name
// `seconds` since the epoch.
bool DateMatches(absl::string_view value, std::int64_t seconds, absl::string_view offset) {
  if (!absl::EndsWith(value, absl::StrCat(" ", offset))) return false;
  if (seconds < kMinCheckedSeconds || seconds > kMaxCheckedSeconds) return true;
  absl::Time parsed;
  std::string error;
  return absl::ParseTime("%a, %d %b %Y %H:%M:%S %z", value, &parsed, &error) &&
         parsed == absl::FromUnixSeconds(seconds);
}

// A base64 body: lines of at most 76 characters, all but the last exactly 76,
// each ending "\n", decoding back to `body`.
bool Base64BodyMatches(absl::string_view rendered, const std::string& body) {
  if (!absl::ConsumeSuffix(&rendered, "\n")) return false;
  const std::vector<absl::string_view> lines = absl::StrSplit(rendered, '\n');
  std::string joined;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i].size() > 76) return false;
    if (i + 1 < lines.size() && lines[i].size() != 76) return false;
    joined.append(lines[i].data(), lines[i].size());
  }
  std::string decoded;
  return absl::Base64Unescape(joined, &decoded) && decoded == body;
}

struct Expected {
  const char* name;
  std::string value;  // sanitized; for Date, the offset it must end in
};

// One rendering of `message`, checked against every oracle above.
void Check(const svl::mailer::Message& message, std::int64_t date_seconds,
           absl::string_view date_offset) {
  const std::string text = svl::mailer::FormatMessage(message);
  const bool base64 = message.mime_text_plain && HasNonAsciiByte(message.body);

  // The header block ends at the first empty line; the body follows.
  const std::size_t blank = text.find("\n\n");
  if (blank == std::string::npos) std::abort();
  const absl::string_view rendered_body = absl::string_view(text).substr(blank + 2);
  if (base64 ? !Base64BodyMatches(rendered_body, message.body)
             : rendered_body != message.body) {
    std::abort();
  }
  const std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(text).substr(0, blank), '\n');

  std::vector<Expected> expected;
  if (message.mime_text_plain) {
    expected.push_back({"Content-Type", base64 ? "text/plain; charset=\"utf-8\""
                                               : "text/plain; charset=\"us-ascii\""});
    expected.push_back({"MIME-Version", "1.0"});
    expected.push_back({"Content-Transfer-Encoding", base64 ? "base64" : "7bit"});
    if (!message.subject.empty()) expected.push_back({"Subject", Sanitized(message.subject)});
    if (!message.from.empty()) expected.push_back({"From", Sanitized(message.from)});
    expected.push_back({"To", Sanitized(message.to)});
  } else {
    if (!message.from.empty()) expected.push_back({"From", Sanitized(message.from)});
    expected.push_back({"To", Sanitized(message.to)});
    expected.push_back({"Subject", Sanitized(message.subject)});
  }
  if (message.date.has_value()) expected.push_back({"Date", std::string(date_offset)});
  if (!message.message_id.empty()) expected.push_back({"Message-ID", Sanitized(message.message_id)});

  std::size_t line = 0;
  for (const Expected& header : expected) {
    if (line == lines.size()) std::abort();
    absl::string_view first = lines[line++];
    if (absl::StrContains(first, '\r') ||
        !absl::ConsumePrefix(&first, absl::string_view(header.name)) ||
        !absl::ConsumePrefix(&first, ": ")) {
      std::abort();
    }
    std::vector<absl::string_view> words = {first};
    while (line < lines.size() && absl::StartsWith(lines[line], " ")) {
      if (std::strcmp(header.name, "Subject") != 0 || absl::StrContains(lines[line], '\r')) {
        std::abort();
      }
      words.push_back(lines[line++].substr(1));
    }
    if (std::strcmp(header.name, "Subject") == 0) {
      if (!SubjectMatches(words, header.value)) std::abort();
    } else if (std::strcmp(header.name, "Date") == 0) {
      if (!DateMatches(first, date_seconds, header.value)) std::abort();
    } else if (first != header.value) {
      std::abort();
    }
  }
  if (line != lines.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(reinterpret_cast<const char*>(data), size), '\0');
  auto field = [&](std::size_t i) {
    return i < fields.size() ? std::string(fields[i]) : std::string();
  };
  svl::mailer::Message message;
  message.to = field(0);
  message.subject = field(1);
  message.body = field(2);
  message.from = field(3);
  message.message_id = field(4);
  std::int64_t seconds = 0;
  if (fields.size() > 5) {
    std::memcpy(&seconds, fields[5].data(), std::min<std::size_t>(fields[5].size(), 8));
    message.date = absl::FromUnixSeconds(seconds);
  }
  Check(message, seconds, "+0000");

  message.date_zone = absl::FixedTimeZone(3600);
  Check(message, seconds, "+0100");

  message.mime_text_plain = true;
  message.date_zone = absl::FixedTimeZone(-(5 * 3600 + 30 * 60));
  Check(message, seconds, "-0530");
  return 0;
}
