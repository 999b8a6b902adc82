#include "kit/event_log.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/fd_io.h"
#include "base/url_redaction.h"
#include "base/utf8.h"
#include "nlohmann/json.hpp"

namespace svl {
namespace kit {
namespace {

bool IsBareTextByte(unsigned char c) { return c > 0x20 && c < 0x7F && c != '"' && c != '\\'; }

// AppendTextEscaped() escapes for the text form (without quotes). Bytes in
// `also_hex` are written as \xHH as well.
void AppendTextEscaped(absl::string_view bytes, absl::string_view also_hex, std::string* out) {
  size_t i = 0;
  while (i < bytes.size()) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    const base::Utf8Step step = base::DecodeUtf8(bytes.substr(i));
    if (!step.valid()) {
      absl::StrAppendFormat(out, "\\x%02x", c);
      ++i;
      continue;
    }
    if (step.length > 1) {
      if (step.code_point < 0xA0) {  // a C1 control
        absl::StrAppendFormat(out, "\\u%04x", static_cast<std::uint32_t>(step.code_point));
      } else {
        out->append(bytes.data() + i, step.length);
      }
      i += step.length;
      continue;
    }
    ++i;
    if (also_hex.find(static_cast<char>(c)) != absl::string_view::npos) {
      absl::StrAppendFormat(out, "\\x%02x", c);
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(out, "\\x%02x", c);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
}

// The JSON text of `value` on one line, pure ASCII: every non-ASCII
// character is a \uXXXX escape (so C1 controls, U+2028 and U+2029 can
// neither reach a terminal nor break a JavaScript reader), and each byte
// that is not part of valid UTF-8 becomes \ufffd.
template <typename Json>
std::string JsonText(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
}

std::string SanitizeKey(absl::string_view key) {
  std::string out(key);
  for (char& c : out) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      c = '_';
    }
  }
  if (out.empty()) out = "_";
  return out;
}

std::string Timestamp(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view value) {
  if (value == "text") return LogFormat::kText;
  if (value == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(absl::StrCat(
      "bad --log-format value \"", absl::CEscape(value), "\": expected text or json"));
}

std::string JsonQuote(absl::string_view bytes) {
  return JsonText(nlohmann::json(std::string(bytes)));
}

std::string TextValue(absl::string_view bytes) {
  if (!bytes.empty() && std::all_of(bytes.begin(), bytes.end(), [](char c) {
        return IsBareTextByte(static_cast<unsigned char>(c));
      })) {
    return std::string(bytes);
  }
  std::string out = "\"";
  AppendTextEscaped(bytes, "", &out);
  out.push_back('"');
  return out;
}

std::string FormatLogLine(LogFormat format, absl::string_view listener, absl::string_view name,
                          absl::Time time, const LogRecord& record) {
  std::string line;
  if (format == LogFormat::kJson) {
    nlohmann::ordered_json object;
    object["time"] = Timestamp(time);
    if (!name.empty()) object["name"] = std::string(name);
    object["reason"] = record.reason;
    if (!record.url.empty()) object["url"] = record.url;
    if (!record.msg.empty()) object["msg"] = record.msg;
    // A field never replaces one of the record's own keys, nor an earlier
    // field: the first of a key is kept.
    for (const LogField& field : record.fields) object.emplace(SanitizeKey(field.key), field.value);
    return absl::StrCat(JsonText(object), "\n");
  }
  absl::StrAppend(&line, Timestamp(time), " ", listener);
  if (!name.empty()) {
    line.push_back('[');
    AppendTextEscaped(name, " []", &line);
    line.push_back(']');
  }
  absl::StrAppend(&line, " reason=", TextValue(record.reason));
  if (!record.url.empty()) absl::StrAppend(&line, " url=", TextValue(record.url));
  if (!record.msg.empty()) {
    line.append(" msg=\"");
    AppendTextEscaped(record.msg, "", &line);
    line.push_back('"');
  }
  for (const LogField& field : record.fields) {
    absl::StrAppend(&line, " ", SanitizeKey(field.key), "=", TextValue(field.value));
  }
  line.push_back('\n');
  return line;
}

void FdLogSink::Write(absl::string_view line) {
  base::WriteAll(fd_, line).IgnoreError();  // a lost log line is not worth more
}

void MemoryLogSink::Write(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  lines_.emplace_back(line);
}

std::vector<std::string> MemoryLogSink::lines() const {
  absl::MutexLock lock(&mu_);
  return lines_;
}

EventLog::EventLog(LogFormat format, std::string listener, std::string name, LogSink& sink,
                   Clock clock)
    : format_(format),
      listener_(std::move(listener)),
      name_(std::move(name)),
      sink_(sink),
      clock_(std::move(clock)) {}

void EventLog::AddSecret(absl::string_view secret) {
  if (secret.empty()) return;
  absl::MutexLock lock(&mu_);
  secrets_.emplace_back(secret);
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string EventLog::Redact(absl::string_view text, absl::string_view raw_url,
                             absl::string_view shown_url) const {
  std::string out(text);
  if (!raw_url.empty() && raw_url != shown_url) {
    out = absl::StrReplaceAll(out, {{raw_url, shown_url}});
  }
  // The URL's own credentials, wherever else they appear (longest first).
  const absl::string_view user_info = base::UrlUserInfo(raw_url).value_or(absl::string_view());
  if (!user_info.empty()) {
    out = absl::StrReplaceAll(out, {{user_info, "***"}});
    size_t colon = user_info.find(':');
    if (colon != absl::string_view::npos && colon + 1 < user_info.size()) {
      out = absl::StrReplaceAll(out, {{user_info.substr(colon + 1), "***"}});
    }
  }
  for (const std::string& secret : secrets_) {
    out = absl::StrReplaceAll(out, {{secret, "***"}});
  }
  return out;
}

void EventLog::Log(const LogRecord& record) {
  const absl::Time now = clock_();
  absl::MutexLock lock(&mu_);
  const std::string shown_url = base::RedactUrl(record.url);
  LogRecord redacted;
  redacted.reason = Redact(record.reason, record.url, shown_url);
  redacted.url = Redact(shown_url, record.url, shown_url);
  redacted.msg = Redact(record.msg, record.url, shown_url);
  redacted.fields.reserve(record.fields.size());
  for (const LogField& field : record.fields) {
    redacted.fields.push_back({field.key, Redact(field.value, record.url, shown_url)});
  }
  sink_.Write(FormatLogLine(format_, listener_, name_, now, redacted));
}

}  // namespace kit
}  // namespace svl
