// Fuzz target: the batch notifiers' lines and mail (crashmailbatch,
// fatalmailbatch and crashsms line_for, kit/batch_notifier.h DigestOfBody,
// mailer/message.h FormatMessage in the MIMEText layout).
//
// The input, split at NUL bytes, gives: flags (first byte: bit 0 expected:1,
// bit 1 use the subject field, bit 2 a second event), group name, process
// name, pid, subject, to (a ','-separated list), from, and extra text added
// to the body as a last line. The names go into a PROCESS_STATE_EXITED and a
// PROCESS_STATE_FATAL payload; the payload parser splits tokens at
// whitespace, so names holding it do not parse (nothing else is checked
// then). The time is a fixed asctime string and the Date a fixed instant:
// nothing depends on the clock.
//
// Oracles (abort() on violation):
//   - names without ' ' or '\n' parse back whole;
//   - each kind's line is exactly its upstream format, and crashmailbatch
//     and crashsms give none for an expected exit;
//   - the mail of the lines joined by '\n' has exactly the headers
//     Content-Type, MIME-Version, Content-Transfer-Encoding, Subject (when
//     non-empty), From (when non-empty), To, Date, Message-ID, in that order;
//     only Subject has continuation lines; no CR anywhere in the headers; To
//     and From are the input with CR and LF as spaces, Subject that too, as
//     is or as RFC 2047 words decoding to it;
//   - an ASCII body follows the blank line as is; a non-ASCII one is base64
//     in lines of at most 76 characters that decode to it;
//   - DigestOfBody(body) is the body, or a proper prefix of it with at most
//     76 code points followed by "..." (exactly 76 bytes for ASCII).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "base/control_chars.h"
#include "crashmailbatch/crashmailbatch.h"
#include "crashsms/crashsms.h"
#include "fatalmailbatch/fatalmailbatch.h"
#include "kit/batch_notifier.h"
#include "mailer/message.h"
#include "protocol/payloads.h"

namespace {

using ::svl::kit::BatchKind;
using ::svl::protocol::ProcessStatePayload;

constexpr std::size_t kMaxInput = 4096;
constexpr char kAsctime[] = "2026-12-01 13:33:44,825";
constexpr char kMessageId[] = "<179613197172.1075.7139388028312435860@localhost>";

std::string Sanitized(absl::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Bytes that do not continue a UTF-8 sequence: at most the code points
// DigestOfBody() counts (it counts a stray continuation byte as one too).
std::size_t LeadBytes(absl::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// The subject as RFC 2047 words joined by "\n ", decoded; nullopt when it
// is not that form.
absl::optional<std::string> DecodeWords(absl::string_view value) {
  std::string decoded;
  for (absl::string_view word : absl::StrSplit(value, "\n ")) {
    if (!absl::ConsumePrefix(&word, "=?UTF-8?B?") || !absl::ConsumeSuffix(&word, "?=")) {
      return absl::nullopt;
    }
    std::string bytes;
    if (!absl::Base64Unescape(word, &bytes)) return absl::nullopt;
    decoded += bytes;
  }
  return decoded;
}

void CheckLine(const BatchKind& kind, const ProcessStatePayload& state, bool expected_exit) {
  const absl::optional<std::string> line = kind.line_for(state, kAsctime);
  const std::string where = absl::StrCat(state.groupname, ":", state.processname);
  if (kind.listener == "fatalmailbatch") {
    if (line != absl::StrCat(kAsctime, " -- Process ", where, " failed to start too many times")) {
      std::abort();
    }
    return;
  }
  if (expected_exit) {
    if (line.has_value()) std::abort();
    return;
  }
  const std::string pid = absl::StrCat(*state.pid);
  const std::string want =
      kind.listener == "crashsms"
          ? absl::StrCat("[", where, "](", pid, ") exited unexpectedly ", kAsctime)
          : absl::StrCat(kAsctime, " -- Process ", where, " (pid ", pid, ") died unexpectedly");
  if (line != want) std::abort();
}

void CheckDigest(const std::string& body) {
  const std::string digest = svl::kit::DigestOfBody(body);
  if (digest == body) {
    // A long body that ends in "..." right after its 76th code point is
    // its own digest.
    if (LeadBytes(body) > 76 && (!absl::EndsWith(body, "...") || LeadBytes(body) > 79)) {
      std::abort();
    }
    return;
  }
  absl::string_view prefix = digest;
  if (!absl::ConsumeSuffix(&prefix, "...") || prefix.size() >= body.size() ||
      !absl::StartsWith(body, prefix) || LeadBytes(prefix) > 76) {
    std::abort();
  }
  if (IsAscii(body) && prefix.size() != 76) std::abort();
}

void CheckMail(const std::string& subject, const std::string& to, const std::string& from,
               const std::string& body) {
  svl::mailer::Message message;
  message.to = to;
  message.subject = subject;
  message.from = from;
  message.body = body;
  message.date = absl::FromUnixSeconds(1796131971);
  message.date_zone = absl::FixedTimeZone(3600);
  message.message_id = kMessageId;
  message.mime_text_plain = true;
  const std::string text = svl::mailer::FormatMessage(message);

  const std::size_t blank = text.find("\n\n");
  if (blank == std::string::npos) std::abort();
  const absl::string_view headers = absl::string_view(text).substr(0, blank);
  const absl::string_view rendered_body = absl::string_view(text).substr(blank + 2);
  if (absl::StrContains(headers, '\r')) std::abort();

  // Unfold: a line starting with a space continues the one before.
  std::vector<std::string> fields;
  for (absl::string_view line : absl::StrSplit(headers, '\n')) {
    if (absl::StartsWith(line, " ")) {
      if (fields.empty() || !absl::StartsWith(fields.back(), "Subject: ")) std::abort();
      absl::StrAppend(&fields.back(), "\n", line);
    } else {
      fields.emplace_back(line);
    }
  }
  const bool ascii = IsAscii(body);
  std::vector<std::string> want = {
      ascii ? "Content-Type: text/plain; charset=\"us-ascii\""
            : "Content-Type: text/plain; charset=\"utf-8\"",
      "MIME-Version: 1.0",
      ascii ? "Content-Transfer-Encoding: 7bit" : "Content-Transfer-Encoding: base64"};
  const std::string clean_subject = Sanitized(subject);
  const bool has_subject = !subject.empty();
  if (has_subject) want.push_back("Subject: ");  // checked below
  if (!from.empty()) want.push_back(absl::StrCat("From: ", Sanitized(from)));
  want.push_back(absl::StrCat("To: ", Sanitized(to)));
  want.push_back("Date: Tue, 01 Dec 2026 14:32:51 +0100");
  want.push_back(absl::StrCat("Message-ID: ", kMessageId));
  if (fields.size() != want.size()) std::abort();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (has_subject && i == 3) {
      absl::string_view value = fields[i];
      if (!absl::ConsumePrefix(&value, "Subject: ")) std::abort();
      if (svl::base::IsPrintableAsciiOrTab(clean_subject)) {
        if (value != clean_subject) std::abort();
      } else if (DecodeWords(value) != clean_subject) {
        std::abort();
      }
    } else if (fields[i] != want[i]) {
      std::abort();
    }
  }

  if (ascii) {
    if (rendered_body != body) std::abort();
    return;
  }
  if (!absl::EndsWith(rendered_body, "\n")) std::abort();
  std::string joined;
  for (absl::string_view line : absl::StrSplit(rendered_body.substr(0, rendered_body.size() - 1),
                                               '\n')) {
    if (line.empty() || line.size() > 76) std::abort();
    absl::StrAppend(&joined, line);
  }
  std::string decoded;
  if (!absl::Base64Unescape(joined, &decoded) || decoded != body) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > kMaxInput) return 0;
  const unsigned char flags = data[0];
  std::vector<std::string> fields = absl::StrSplit(
      absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), absl::ByChar('\0'));
  fields.resize(7);
  const std::string& group = fields[0];
  const std::string& process = fields[1];
  const std::string& pid = fields[2];
  const std::string& subject_field = fields[3];
  const std::string& to_field = fields[4];
  const std::string& from = fields[5];
  const std::string& extra = fields[6];
  const bool expected_exit = (flags & 1) != 0;
  const bool use_subject = (flags & 2) != 0;
  const bool twice = (flags & 4) != 0;

  const std::string names = absl::StrCat("processname:", process, " groupname:", group);
  const absl::StatusOr<ProcessStatePayload> exited = svl::protocol::ParseProcessStatePayload(
      "PROCESS_STATE_EXITED", absl::StrCat(names, " from_state:RUNNING expected:",
                                           expected_exit ? "1" : "0", " pid:", pid));
  const absl::StatusOr<ProcessStatePayload> fatal = svl::protocol::ParseProcessStatePayload(
      "PROCESS_STATE_FATAL", absl::StrCat(names, " from_state:BACKOFF"));

  // The notifier joins the -t items with ", ".
  const std::vector<absl::string_view> to_items = absl::StrSplit(to_field, ',');
  const std::string to = absl::StrJoin(to_items, ", ");

  for (const BatchKind& kind :
       {svl::crashmailbatch::CrashmailbatchKind(), svl::fatalmailbatch::FatalmailbatchKind(),
        svl::crashsms::CrashsmsKind()}) {
    const bool is_fatal = kind.handled_event == "PROCESS_STATE_FATAL";
    const absl::StatusOr<ProcessStatePayload>& state = is_fatal ? fatal : exited;
    std::vector<std::string> lines;
    if (state.ok()) {
      // Tokens end at ' ' and the token line at '\n': names without them
      // come back whole.
      if (absl::StrCat(group, process).find_first_of(" \n") == std::string::npos &&
          (state->groupname != group || state->processname != process)) {
        std::abort();
      }
      CheckLine(kind, *state, expected_exit);
      for (int i = 0; i < (twice ? 2 : 1); ++i) {
        absl::optional<std::string> line = kind.line_for(*state, kAsctime);
        if (line.has_value()) lines.push_back(*std::move(line));
      }
    }
    if (!extra.empty()) lines.push_back(extra);
    const std::string body = absl::StrJoin(lines, "\n");
    const std::string subject =
        use_subject ? subject_field : kind.default_subject.value_or(std::string());
    CheckDigest(body);
    CheckMail(subject, to, from, body);
  }
  return 0;
}
