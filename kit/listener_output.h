// File: kit/listener_output.h
//
// Everything a listener writes on stderr, in one place: the action lines
// (those a mail repeats, byte-compatible with superlance's), plain lines, the
// event log (kit's EventLog: timestamped records with a reason code, text or
// JSON), and multi-line blocks such as the `Mailed:` dump. With
// `--log-format json` every line becomes one JSON record carrying the
// current reason. In `--dry-run` the action lines are prefixed `[dry-run] `.
// Stdout is never touched: it belongs to supervisord.
//
// Example:
//
//   ListenerOutput out({"httpok", options.name, options.log_format, options.dry_run, url},
//                      FdWriter(STDERR_FILENO));
//   std::vector<std::string> mail_lines;
//   out.Action("Restarting selected processes ['web']", &mail_lines);
//   out.Log("busy", "TICK skipped: a check is in progress", {{"tick", "TICK_5"}});
//
// Thread-safe: lines written from several threads never interleave.

#ifndef SVL_KIT_LISTENER_OUTPUT_H_
#define SVL_KIT_LISTENER_OUTPUT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "kit/event_log.h"

namespace svl {
namespace kit {

// Where a listener's stderr goes: called with whole lines ('\n' included).
using StderrWriter = std::function<void(absl::string_view)>;

// FdWriter() writes everything to `fd`, over short writes and EINTR, and
// ignores errors: a lost stderr line must not end the listener. Every
// FdWriter of the process writes under one lock: texts never interleave.
StderrWriter FdWriter(int fd);

// FoldToOneLine() is the one-line form of a message: its lines stripped of
// surrounding blanks, the empty ones dropped, joined by one space
// ("error contacting URL:\n\n text" -> "error contacting URL: text").
std::string FoldToOneLine(absl::string_view text);

// What a ListenerOutput writes as and for whom.
struct OutputSettings {
  std::string listener;  // the program's name: "httpok", "memmon", ...
  std::string name;      // its -n name, "" for none
  LogFormat format = LogFormat::kText;
  bool dry_run = false;  // prefix action lines with "[dry-run] "
  std::string url;       // the checked URL, if any: the `url` of log records
};

// ListenerOutput is a listener's stderr (see the top of this file).
class ListenerOutput {
 public:
  ListenerOutput(OutputSettings settings, StderrWriter writer);

  // prefix() is the mail subject prefix: "<listener>: " or
  // "<listener> [<name>]: ".
  const std::string& prefix() const { return prefix_; }
  // settings() are those the output was made with.
  const OutputSettings& settings() const { return settings_; }

  // shown_url() is settings().url with any credentials masked (`***@`).
  const std::string& shown_url() const { return shown_url_; }
  // Shown() is `text` with every occurrence of the URL replaced by
  // shown_url(), for lines that are not event-log records.
  std::string Shown(absl::string_view text) const;

  // AddSecret() registers a string that never appears in a log record.
  void AddSecret(absl::string_view secret);

  // The reason code that JSON records of Line()/Action()/Block() carry
  // (e.g. the reason of the failed check being acted on).
  void set_reason(std::string reason) ABSL_LOCKS_EXCLUDED(mu_);
  std::string reason() const ABSL_LOCKS_EXCLUDED(mu_);

  // Line() writes one plain line (text form), or a record with the current
  // reason (JSON form).
  void Line(const std::string& text);
  // Action() is Line() for an action line: prefixed in dry-run, and appended
  // to `*mail_lines` (as written) when it is not null.
  void Action(const std::string& text, std::vector<std::string>* mail_lines);
  // Block() writes multi-line text as it is (text form; `text` ends with its
  // own '\n'), or as the msg of one record with `reason` (JSON form, the
  // final '\n' left out).
  void Block(const std::string& reason, const std::string& text);
  // Log() writes one event-log record (both forms).
  void Log(const std::string& reason, const std::string& msg, std::vector<LogField> fields = {});

 private:
  class WriterSink : public LogSink {
   public:
    explicit WriterSink(StderrWriter writer) : writer_(std::move(writer)) {}
    void Write(absl::string_view line) override { writer_(line); }

   private:
    StderrWriter writer_;
  };

  const OutputSettings settings_;
  const std::string prefix_;
  const std::string shown_url_;
  StderrWriter write_;  // one whole line at a time
  WriterSink sink_;
  EventLog log_;
  mutable absl::Mutex mu_;
  std::string reason_ ABSL_GUARDED_BY(mu_) = "ok";
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_LISTENER_OUTPUT_H_
