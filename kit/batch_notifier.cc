#include "kit/batch_notifier.h"

#include <unistd.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/utf8.h"
#include "kit/python_text.h"
#include "mailer/message.h"
#include "protocol/listener.h"

namespace svl {
namespace kit {
namespace {

// The reason codes of the batch notifiers' records.
constexpr char kLineReason[] = "batch";
constexpr char kMailReason[] = "mail";
constexpr char kPayloadReason[] = "payload";
constexpr char kStoppingReason[] = "stopping";
constexpr char kTickReason[] = "tick";

// Upstream's digest: the body's first 76 code points.
constexpr size_t kDigestCodePoints = 76;

// After this long without the -e TICK, the subscription is probably wrong.
constexpr absl::Duration kNoTickWarning = absl::Hours(2);

std::string LeftOutLine(size_t count) {
  return absl::StrCat("... and ", count, count == 1 ? " more line" : " more lines",
                      ", left out: a batch keeps at most ", kMaxBatchLines, " lines (",
                      kMaxBatchBytes >> 20, " MiB)");
}

}  // namespace

std::string DigestOfBody(const std::string& body) {
  size_t offset = 0;
  for (size_t code_points = 0; offset < body.size(); ++code_points) {
    if (code_points == kDigestCodePoints) return absl::StrCat(body.substr(0, offset), "...");
    const base::Utf8Step step = base::DecodeUtf8(absl::string_view(body).substr(offset));
    offset += step.length > 0 ? step.length : 1;
  }
  return body;
}

std::string MessageIdNow() {
  static const std::string* const host = new std::string(HostName());
  std::random_device random;
  const std::uint64_t random64 =
      (static_cast<std::uint64_t>(random()) << 32) | static_cast<std::uint64_t>(random());
  return mailer::PythonStyleMessageId(absl::Now(), getpid(), random64, *host);
}

BatchNotifier::BatchNotifier(BatchKind kind, BatchSettings settings, BatchDeps deps)
    : kind_(std::move(kind)),
      settings_(std::move(settings)),
      deps_(std::move(deps)),
      subject_(settings_.subject.has_value() ? settings_.subject : kind_.default_subject),
      out_({kind_.listener, "", settings_.log_format, false, ""}, deps_.write_stderr),
      queue_(deps_.mailer, 1, [](const mailer::Message&) {}) {
  for (const std::string& secret : settings_.secrets) out_.AddSecret(secret);
  last_tick_ = Now();
}

BatchNotifier::~BatchNotifier() { Drain(); }

void BatchNotifier::Drain() { queue_.Drain(); }

absl::Time BatchNotifier::Now() const { return deps_.now ? deps_.now() : absl::Now(); }

absl::TimeZone BatchNotifier::Zone() const { return deps_.zone.value_or(LocalZoneAt(Now())); }

absl::optional<std::string> BatchNotifier::HandleEvent(const protocol::Event& event) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    out_.Log(kStoppingReason, absl::StrCat(event.header.eventname, " left unacknowledged: ",
                                           kind_.listener, " is stopping"));
    return absl::nullopt;
  }
  if (event.header.eventname == kind_.handled_event) {
    OnHandledEvent(event);
  } else if (event.header.eventname == settings_.tick_event) {
    OnTick();
  }
  if (!warned_no_tick_ && Now() - last_tick_ >= kNoTickWarning) {
    warned_no_tick_ = true;
    out_.Log(kTickReason,
             absl::StrCat("no ", settings_.tick_event, " event for ",
                          absl::FormatDuration(kNoTickWarning),
                          ": nothing is mailed until one comes (does events= subscribe to it?)"));
  }
  return std::string(protocol::kResultOk);
}

void BatchNotifier::OnHandledEvent(const protocol::Event& event) {
  absl::StatusOr<protocol::ProcessStatePayload> state =
      protocol::ParseProcessStatePayload(kind_.handled_event, event.payload);
  if (!state.ok()) {
    // Upstream died here (KeyError) and was fed the same event again.
    out_.Log(kPayloadReason,
             absl::StrCat("event not understood, not batched: ", state.status().message()));
    return;
  }
  absl::optional<std::string> line = kind_.line_for(*state, SupervisorAsctime(Now(), Zone()));
  if (!line.has_value()) return;
  out_.set_reason(kLineReason);
  out_.Line(*line);
  Keep({*std::move(line), absl::StrCat(state->groupname, ":", state->processname)});
}

void BatchNotifier::Keep(KeptLine line) {
  if (lines_.size() < kMaxBatchLines && kept_bytes_ + line.text.size() <= kMaxBatchBytes) {
    kept_bytes_ += line.text.size();
    lines_.push_back(std::move(line));
  } else {
    ++left_out_;
  }
}

void BatchNotifier::OnTick() {
  last_tick_ = Now();
  warned_no_tick_ = false;
  elapsed_seconds_ += settings_.tick_seconds;
  if (elapsed_seconds_ < settings_.interval_seconds) return;
  elapsed_seconds_ = 0;
  if (lines_.empty()) return;
  if (sending_) {
    out_.Log(kMailReason, absl::StrCat("the previous mail is still being sent: ", lines_.size(),
                                       lines_.size() == 1 ? " line waits" : " lines wait",
                                       " for the next interval"));
    return;
  }
  SendKept();
}

void BatchNotifier::SendKept() {
  if (lines_.empty() || sending_) return;
  std::vector<KeptLine> lines = std::move(lines_);
  lines_.clear();
  kept_bytes_ = 0;
  std::vector<std::string> texts;
  // For the webhooks: only what they have not been told yet (a mail that
  // failed is tried again with the same lines).
  std::vector<std::string> new_texts;
  std::vector<std::string> processes;  // each once, in the order of their first line
  for (KeptLine& line : lines) {
    texts.push_back(line.text);
    if (line.posted) continue;
    line.posted = true;
    new_texts.push_back(line.text);
    if (std::find(processes.begin(), processes.end(), line.process) == processes.end()) {
      processes.push_back(line.process);
    }
  }
  const size_t left_out = left_out_;
  left_out_ = 0;
  mailer::Message message;
  message.mime_text_plain = true;
  message.to = absl::StrJoin(settings_.to, ", ");
  message.from = settings_.from;
  message.subject = subject_.value_or("");
  message.body = absl::StrJoin(texts, "\n");
  if (left_out > 0) absl::StrAppend(&message.body, "\n", LeftOutLine(left_out));
  message.date = Now();
  message.date_zone = Zone();
  message.message_id = deps_.message_id ? deps_.message_id() : MessageIdNow();
  if (deps_.fleet != nullptr && deps_.fleet->webhooks_enabled() && !new_texts.empty()) {
    WebhookNotice notice;
    // The subject, or (crashsms has none) the first line, as a phone shows it.
    notice.text = !message.subject.empty()
                      ? message.subject
                      : absl::StrCat(new_texts.front(),
                                     new_texts.size() > 1
                                         ? absl::StrCat(" (and ", new_texts.size() - 1, " more)")
                                         : std::string());
    notice.event = "batch";
    notice.processes = std::move(processes);
    notice.reason = kind_.handled_event;
    notice.subject = message.subject;
    notice.body = absl::StrJoin(new_texts, "\n");
    if (left_out > 0) absl::StrAppend(&notice.body, "\n", LeftOutLine(left_out));
    notice.time = *message.date;
    deps_.fleet->Notify(std::move(notice));
  }
  sending_ = true;
  in_flight_lines_ = lines.size() + left_out;
  queue_.Enqueue({std::move(message),
                  [this, lines = std::move(lines), left_out](const mailer::Message& sent,
                                                              const absl::Status& status) mutable {
                    OnSent(std::move(lines), left_out, sent, status);
                  }});
}

void BatchNotifier::OnSent(std::vector<KeptLine> lines, size_t left_out,
                           const mailer::Message& sent, const absl::Status& status) {
  if (deps_.fleet != nullptr) deps_.fleet->RecordMailOutcome(status.ok());
  absl::MutexLock lock(&mu_);
  sending_ = false;
  in_flight_lines_ = 0;
  if (status.ok()) {
    out_.Block(kMailReason,
               absl::StrCat("Sending notification email:\nTo: ", sent.to, "\nFrom: ", sent.from,
                            "\nSubject: ", subject_.value_or("None"),
                            "\nBody:\n", DigestOfBody(sent.body), "\n"));
    return;
  }
  out_.set_reason(kMailReason);
  out_.Line(absl::StrCat("Error sending email: ", FoldToOneLine(status.message())));
  const size_t count = lines.size() + left_out;
  if (stopping_) {
    out_.Log(kMailReason, absl::StrCat(count, count == 1 ? " line was" : " lines were",
                                       " not mailed: ", kind_.listener, " is stopping"));
    return;
  }
  // The unsent lines go first, in their order; the newest are the ones left
  // out when there are too many.
  for (KeptLine& line : lines_) lines.push_back(std::move(line));
  lines_.clear();
  kept_bytes_ = 0;
  left_out_ += left_out;
  for (KeptLine& line : lines) Keep(std::move(line));
  // Every line now waiting: the failed mail's and those gathered meanwhile.
  const size_t kept = lines_.size() + left_out_;
  out_.Line(absl::StrCat("Failed to send notification email: ", kept,
                         kept == 1 ? " line kept" : " lines kept", " for the next one"));
}

void BatchNotifier::Shutdown(absl::Duration grace, const std::function<void()>& stop_delivery) {
  const absl::Time deadline = absl::Now() + grace;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    SendKept();
  }
  bool drained = queue_.DrainFor(deadline - absl::Now());
  if (drained) {
    // Lines that waited behind the mail that was in flight.
    absl::MutexLock lock(&mu_);
    SendKept();
  }
  if (drained) drained = queue_.DrainFor(deadline - absl::Now());
  if (drained) return;
  {
    // Counted at the deadline, before the delivery is stopped (which may
    // let it end): those of the mail that did not end, and those that
    // waited behind it.
    absl::MutexLock lock(&mu_);
    const size_t lost = in_flight_lines_ + lines_.size() + left_out_;
    out_.Log(kMailReason,
             absl::StrCat("the mail being sent did not end within ", absl::FormatDuration(grace),
                          ": ", lost, lost == 1 ? " line was" : " lines were", " not mailed: ",
                          kind_.listener, " is stopping"));
  }
  stop_delivery();
}

}  // namespace kit
}  // namespace svl
