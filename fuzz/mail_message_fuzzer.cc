// Fuzz target: the mail formatter (mailer/message.h FormatMessage).
//
// The input, split at NUL bytes, gives to, subject, body, from, message_id
// and, if a sixth field exists, a Date from its first 8 bytes (epoch seconds).
//
// Oracles (abort() on violation):
//   - the text is exactly headers + "\n" + body: the body is not altered and
//     the header block ends where it starts;
//   - the header block has exactly one line per expected header, in order
//     (From?, To, Subject, Date?, Message-ID?), plus folded continuation lines
//     (starting with a space) only inside Subject; no line holds a CR;
//   - unfolded, To/From/Message-ID are the input with CR and LF replaced by
//     spaces, and Subject is that too, either as is (printable ASCII) or as
//     RFC 2047 words of at most 75 characters that decode back to it.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/control_chars.h"
#include "mailer/message.h"

namespace {

constexpr std::size_t kMaxInput = 16 * 1024;

std::string Sanitized(absl::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
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
  if (fields.size() > 5) {
    std::int64_t seconds = 0;
    std::memcpy(&seconds, fields[5].data(), std::min<std::size_t>(fields[5].size(), 8));
    message.date = absl::FromUnixSeconds(seconds);
  }
  const std::string text = svl::mailer::FormatMessage(message);

  // The header block ends at the first empty line; the body follows as is.
  const std::size_t blank = text.find("\n\n");
  if (blank == std::string::npos) std::abort();
  if (absl::string_view(text).substr(blank + 2) != message.body) std::abort();
  const std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(text).substr(0, blank), '\n');

  struct Expected {
    const char* name;
    std::string value;  // sanitized; for Date only checked for presence
  };
  std::vector<Expected> expected;
  if (!message.from.empty()) expected.push_back({"From", Sanitized(message.from)});
  expected.push_back({"To", Sanitized(message.to)});
  expected.push_back({"Subject", Sanitized(message.subject)});
  if (message.date.has_value()) expected.push_back({"Date", ""});
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
    } else if (std::strcmp(header.name, "Date") != 0 && first != header.value) {
      std::abort();
    }
  }
  if (line != lines.size()) std::abort();
  return 0;
}
