// File: kit/event_log.h
//
// A listener's own diagnostic lines on stderr: one line per event, each with
// a UTC timestamp and a reason code, in a grep-able text form or as one JSON
// object per line (`--log-format json`) for log shippers. Lines a listener
// must keep byte-identical to another program's (e.g. upstream's action
// lines) are not written through here.
//
// Text form (fields in this order; url and msg left out when empty):
//
//   2026-11-25T13:05:07.123Z httpok[edge1] reason=status=503 url=http://h/x msg="status contacting http://h/x: 503 Service Unavailable" process=web:web_00
//
//   - the time is UTC with milliseconds, then the listener ("httpok"), with
//     `[name]` after it when the listener was given a name (-n);
//   - a value is written bare when it is non-empty printable ASCII without
//     space, `"` or `\`, else in double quotes with `\"`, `\\`, `\n`, `\r`,
//     `\t`, `\xHH` for other control bytes, DEL and invalid UTF-8, and
//     `\u00HH` for C1 controls; valid UTF-8 is kept. msg is always quoted.
//     So one record is always exactly one line.
//
// JSON form (same content, one object per line, keys in the same order; the
// listener is not repeated in it):
//
//   {"time":"2026-11-25T13:05:07.123Z","name":"edge1","reason":"status=503","url":"http://h/x","msg":"...","process":"web:web_00"}
//
//   - "name" is left out without a name; "url"/"msg" when empty;
//   - the JSON is written by nlohmann::json, pure ASCII: `\"`, `\\`,
//     `\b\f\n\r\t`, `\u00XX` for other control characters and DEL, and
//     every non-ASCII character as `\uXXXX` (a surrogate pair above U+FFFF),
//     so C1 controls, U+2028 and U+2029 never reach a terminal or a
//     JavaScript reader raw; each byte that is not part of valid UTF-8
//     becomes `\ufffd`. The output is always valid JSON whatever bytes came
//     in. A field whose key is already in the record is left out.
//
// Credentials never appear: the url, and every occurrence of it inside msg
// and the fields, is shown through base::RedactUrl() (`http://***@host/`),
// its userinfo and password are masked wherever else they appear, and every
// registered secret (AddSecret(), e.g. a --user password) is replaced by
// `***` anywhere in the record.
//
// Example:
//
//   FdLogSink sink(STDERR_FILENO);
//   EventLog log(LogFormat::kText, "httpok", options.name, sink);  // clock: absl::Now
//   log.AddSecret(password);
//   log.Log({"status=503", url, msg, {{"process", "web:web_00"}}});
//
// Thread-safe: records from several threads never interleave.

#ifndef SVL_KIT_EVENT_LOG_H_
#define SVL_KIT_EVENT_LOG_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

// LogFormat is the form of every line: text or JSON.
enum class LogFormat { kText, kJson };

// ParseLogFormat() accepts "text" and "json" (kInvalidArgument otherwise,
// quoting the value).
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view value);

// Reason codes every listener shares. A listener adds its own beside them.
namespace reason {
inline constexpr char kOk[] = "ok";    // the check passed
inline constexpr char kRpc[] = "rpc";  // a supervisord call failed
inline constexpr char kMail[] = "mail";  // a mail was not sent
}  // namespace reason

// LogField is one extra key/value pair of a record.
struct LogField {
  std::string key;    // an identifier; other bytes are written as '_'
  std::string value;
};

// LogRecord is one event, before redaction and time stamping.
struct LogRecord {
  std::string reason;             // a reason code, e.g. "status=503"
  std::string url;                // raw; redacted on output
  std::string msg;                // free text, any bytes
  std::vector<LogField> fields;   // extra key/value pairs, in order; keys
                                  // should not repeat time/name/reason/url/msg
};

// FormatLogLine() renders one record of `listener` (named `name`, "" for
// none), ending in '\n', exactly as EventLog writes it (after redaction,
// which it does not do itself).
std::string FormatLogLine(LogFormat format, absl::string_view listener, absl::string_view name,
                          absl::Time time, const LogRecord& record);

// JsonQuote() is `"` + the escaped string + `"`, as described above.
std::string JsonQuote(absl::string_view bytes);

// TextValue() is a value of the text form, bare or quoted as described above.
std::string TextValue(absl::string_view bytes);

// LogSink is where EventLog writes its lines.
class LogSink {
 public:
  virtual ~LogSink() = default;
  // Write() gets one whole line, '\n' included. It must not fail loudly.
  virtual void Write(absl::string_view line) = 0;
};

// FdLogSink writes each line with as few write(2) calls as possible (one for
// lines up to the pipe buffer), retrying on EINTR and short writes; errors
// are dropped (a log line must never take the listener down). Never give it
// fd 1: stdout belongs to supervisord.
class FdLogSink : public LogSink {
 public:
  explicit FdLogSink(int fd) : fd_(fd) {}
  void Write(absl::string_view line) override;

 private:
  int fd_;
};

// MemoryLogSink keeps the lines, for tests and for callers that want them.
class MemoryLogSink : public LogSink {
 public:
  void Write(absl::string_view line) override;
  std::vector<std::string> lines() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// EventLog stamps, redacts and writes the records of one listener.
class EventLog {
 public:
  using Clock = std::function<absl::Time()>;

  // `listener` is the program ("httpok"); `name` its -n value ("" for none).
  // `sink` must outlive the log.
  EventLog(LogFormat format, std::string listener, std::string name, LogSink& sink,
           Clock clock = absl::Now);

  // AddSecret() registers a string that must never be written (an empty
  // string is ignored). Longer secrets are masked first.
  void AddSecret(absl::string_view secret);

  // Log() redacts the record, stamps it with the clock and writes one line.
  void Log(const LogRecord& record);

 private:
  std::string Redact(absl::string_view text, absl::string_view raw_url,
                     absl::string_view shown_url) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LogFormat format_;
  const std::string listener_;
  const std::string name_;
  LogSink& sink_;
  const Clock clock_;
  absl::Mutex mu_;
  std::vector<std::string> secrets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_EVENT_LOG_H_
