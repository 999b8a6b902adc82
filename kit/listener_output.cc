#include "kit/listener_output.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/fd_io.h"
#include "base/url_redaction.h"

namespace svl {
namespace kit {

StderrWriter FdWriter(int fd) {
  // One lock for every writer of the process: lines written through
  // different ListenerOutputs (a listener's, its fleet's) never interleave,
  // however long (a write(2) over PIPE_BUF may be split).
  static absl::Mutex* const write_mu = new absl::Mutex;
  return [fd](absl::string_view text) {
    absl::MutexLock lock(write_mu);
    base::WriteAll(fd, text).IgnoreError();
  };
}

std::string FoldToOneLine(absl::string_view text) {
  std::vector<absl::string_view> pieces;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) pieces.push_back(line);
  }
  return absl::StrJoin(pieces, " ");
}

ListenerOutput::ListenerOutput(OutputSettings settings, StderrWriter writer)
    : settings_(std::move(settings)),
      prefix_(settings_.name.empty()
                  ? absl::StrCat(settings_.listener, ": ")
                  : absl::StrCat(settings_.listener, " [", settings_.name, "]: ")),
      shown_url_(base::RedactUrl(settings_.url)),
      write_([writer = std::move(writer),
              mu = std::make_shared<absl::Mutex>()](absl::string_view text) {
        absl::MutexLock lock(mu.get());
        writer(text);
      }),
      sink_(write_),
      log_(settings_.format, settings_.listener, settings_.name, sink_) {}

std::string ListenerOutput::Shown(absl::string_view text) const {
  if (shown_url_ == settings_.url) return std::string(text);
  return absl::StrReplaceAll(text, {{settings_.url, shown_url_}});
}

void ListenerOutput::AddSecret(absl::string_view secret) { log_.AddSecret(secret); }

void ListenerOutput::set_reason(std::string reason) {
  absl::MutexLock lock(&mu_);
  reason_ = std::move(reason);
}

std::string ListenerOutput::reason() const {
  absl::MutexLock lock(&mu_);
  return reason_;
}

void ListenerOutput::Line(const std::string& text) {
  if (settings_.format == LogFormat::kJson) {
    Log(reason(), text);
  } else {
    write_(absl::StrCat(text, "\n"));
  }
}

void ListenerOutput::Action(const std::string& text, std::vector<std::string>* mail_lines) {
  const std::string line = settings_.dry_run ? absl::StrCat("[dry-run] ", text) : text;
  Line(line);
  if (mail_lines != nullptr) mail_lines->push_back(line);
}

void ListenerOutput::Block(const std::string& reason, const std::string& text) {
  if (settings_.format == LogFormat::kJson) {
    Log(reason, absl::EndsWith(text, "\n") ? text.substr(0, text.size() - 1) : text);
  } else {
    write_(text);
  }
}

void ListenerOutput::Log(const std::string& reason, const std::string& msg,
                         std::vector<LogField> fields) {
  LogRecord record;
  record.reason = reason;
  record.url = settings_.url;
  record.msg = msg;
  record.fields = std::move(fields);
  log_.Log(record);
}

}  // namespace kit
}  // namespace svl
