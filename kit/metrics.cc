#include "kit/metrics.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/fd_io.h"
#include "base/utf8.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace svl {
namespace kit {

// Seconds: a loopback check takes milliseconds, a remote one up to its
// timeout (httpok's default is 10 s).
static const prometheus::Histogram::BucketBoundaries& CheckBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return *buckets;
}

struct ListenerMetrics::Families {
  prometheus::Family<prometheus::Gauge>* build_info = nullptr;
  prometheus::Family<prometheus::Counter>* checks = nullptr;
  prometheus::Family<prometheus::Histogram>* check_duration = nullptr;
  prometheus::Family<prometheus::Gauge>* last_check = nullptr;
  prometheus::Family<prometheus::Counter>* restarts = nullptr;
  prometheus::Family<prometheus::Counter>* restart_failures = nullptr;
  prometheus::Family<prometheus::Counter>* notices = nullptr;
  prometheus::Family<prometheus::Gauge>* memory = nullptr;
  prometheus::Histogram* duration = nullptr;
  prometheus::Gauge* last_check_time = nullptr;
};

std::string MetricsLabelValue(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    const base::Utf8Step step = base::DecodeUtf8(bytes);
    if (step.valid()) {
      out.append(bytes.data(), step.length);
    } else {
      base::AppendUtf8(0xFFFD, &out);
    }
    bytes.remove_prefix(step.length);
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ListenerMetrics>> ListenerMetrics::Create(MetricsSettings settings) {
  if (settings.path.empty()) return absl::InvalidArgumentError("empty metrics file name");
  const size_t slash = settings.path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : settings.path.substr(0, slash + 1);
  if (slash != std::string::npos && slash + 1 == settings.path.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics file ", settings.path, " names a directory, not a file"));
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics file ", settings.path, ": ", dir, " is not a directory"));
  }
  if (lstat(settings.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics file ", settings.path, " is not a regular file (Publish() would replace it)"));
  }
  return std::unique_ptr<ListenerMetrics>(new ListenerMetrics(std::move(settings)));
}

ListenerMetrics::ListenerMetrics(MetricsSettings settings)
    : settings_(std::move(settings)),
      registry_(std::make_shared<prometheus::Registry>()),
      families_(std::make_unique<Families>()) {
  prometheus::Labels constant = {{"listener", MetricsLabelValue(settings_.listener)}};
  if (!settings_.name.empty()) constant["name"] = MetricsLabelValue(settings_.name);
  Families& f = *families_;
  f.build_info = &prometheus::BuildGauge()
                      .Name("svlisten_build_info")
                      .Help("The listener's version; always 1.")
                      .Labels(constant)
                      .Register(*registry_);
  f.build_info->Add({{"version", MetricsLabelValue(settings_.version)}}).Set(1);
  if (!settings_.check_results.empty()) {
    f.checks = &prometheus::BuildCounter()
                    .Name("svlisten_checks_total")
                    .Help("Checks made, by result: ok or the reason code of the failure.")
                    .Labels(constant)
                    .Register(*registry_);
    f.check_duration = &prometheus::BuildHistogram()
                            .Name("svlisten_check_duration_seconds")
                            .Help("How long each check took.")
                            .Labels(constant)
                            .Register(*registry_);
    f.duration = &f.check_duration->Add({}, CheckBuckets());
    f.last_check = &prometheus::BuildGauge()
                        .Name("svlisten_last_check_timestamp_seconds")
                        .Help("When the last check ended (Unix time); 0 before the first.")
                        .Labels(constant)
                        .Register(*registry_);
    f.last_check_time = &f.last_check->Add({});
    for (const std::string& result : settings_.check_results) {
      f.checks->Add({{"result", MetricsLabelValue(result)}});
    }
  }
  f.restarts = &prometheus::BuildCounter()
                    .Name("svlisten_restarts_total")
                    .Help("Processes restarted, by process (group:name).")
                    .Labels(constant)
                    .Register(*registry_);
  f.restart_failures = &prometheus::BuildCounter()
                            .Name("svlisten_restart_failures_total")
                            .Help("Restarts that failed (stop or start), by process.")
                            .Labels(constant)
                            .Register(*registry_);
  f.notices = &prometheus::BuildCounter()
                   .Name("svlisten_notices_total")
                   .Help("Notices sent (ok) or not (error), by channel.")
                   .Labels(constant)
                   .Register(*registry_);
  for (const std::string& channel : settings_.notice_channels) {
    for (const char* result : {"ok", "error"}) {
      f.notices->Add({{"channel", MetricsLabelValue(channel)}, {"result", result}});
    }
  }
  f.memory = &prometheus::BuildGauge()
                  .Name("svlisten_process_memory_bytes")
                  .Help("The memory of each process at the last check, by measure.")
                  .Labels(constant)
                  .Register(*registry_);
}

ListenerMetrics::~ListenerMetrics() = default;

void ListenerMetrics::RecordCheck(absl::string_view result, absl::Duration duration,
                                  absl::Time when) {
  if (families_->checks == nullptr) return;
  families_->checks->Add({{"result", MetricsLabelValue(result)}}).Increment();
  families_->duration->Observe(absl::ToDoubleSeconds(duration));
  families_->last_check_time->Set(absl::ToDoubleSeconds(when - absl::UnixEpoch()));
}

void ListenerMetrics::RecordRestart(absl::string_view process) {
  families_->restarts->Add({{"process", MetricsLabelValue(process)}}).Increment();
}

void ListenerMetrics::RecordRestartFailure(absl::string_view process) {
  families_->restart_failures->Add({{"process", MetricsLabelValue(process)}}).Increment();
}

void ListenerMetrics::RecordNotice(absl::string_view channel, absl::string_view result) {
  families_->notices
      ->Add({{"channel", MetricsLabelValue(channel)}, {"result", MetricsLabelValue(result)}})
      .Increment();
}

void ListenerMetrics::SetProcessMemory(absl::string_view process, absl::string_view measure,
                                       std::int64_t bytes) {
  const std::string process_label = MetricsLabelValue(process);
  const std::string measure_label = MetricsLabelValue(measure);
  families_->memory->Add({{"process", process_label}, {"measure", measure_label}})
      .Set(static_cast<double>(bytes));
  absl::MutexLock lock(&memory_mu_);
  std::vector<std::string>& measures = memory_series_[process_label];
  if (std::find(measures.begin(), measures.end(), measure_label) == measures.end()) {
    measures.push_back(measure_label);
  }
}

void ListenerMetrics::ForgetProcessesExcept(const std::vector<std::string>& kept) {
  std::set<std::string> kept_labels;
  for (const std::string& process : kept) kept_labels.insert(MetricsLabelValue(process));
  absl::MutexLock lock(&memory_mu_);
  for (auto it = memory_series_.begin(); it != memory_series_.end();) {
    if (kept_labels.count(it->first) > 0) {
      ++it;
      continue;
    }
    for (const std::string& measure : it->second) {
      // Add() with the same labels finds the series; Remove() drops it.
      families_->memory->Remove(
          &families_->memory->Add({{"process", it->first}, {"measure", measure}}));
    }
    it = memory_series_.erase(it);
  }
}

std::string ListenerMetrics::Render() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

absl::Status ListenerMetrics::Publish() const {
  // Rendered under the lock: a snapshot taken earlier by another thread can
  // never be written over a newer one (counters would go back).
  absl::MutexLock lock(&publish_mu_);
  const std::string text = Render();
  // rename(2) would replace whatever is there: a FIFO, a device, a symlink.
  struct stat st;
  if (lstat(settings_.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "metrics file ", settings_.path, " is not a regular file: not replacing it"));
  }
  const size_t slash = settings_.path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : settings_.path.substr(0, slash + 1);
  const std::string base =
      slash == std::string::npos ? settings_.path : settings_.path.substr(slash + 1);
  // Hidden and without the .prom suffix: the textfile collector never reads it.
  const std::string temporary = absl::StrCat(dir, ".", base, ".", getpid(), ".tmp");
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                      0644);
  if (fd < 0) {
    const int saved = errno;
    return absl::Status(absl::ErrnoToStatus(saved, "").code(),
                        absl::StrCat("cannot write metrics file ", temporary, ": ",
                                     std::strerror(saved)));
  }
  absl::Status written = base::WriteAll(fd, text);
  if (close(fd) != 0 && written.ok()) {
    written = absl::ErrnoToStatus(errno, absl::StrCat("close ", temporary));
  }
  if (written.ok() && rename(temporary.c_str(), settings_.path.c_str()) != 0) {
    const int saved = errno;
    written = absl::Status(absl::ErrnoToStatus(saved, "").code(),
                           absl::StrCat("cannot rename ", temporary, " to ", settings_.path, ": ",
                                        std::strerror(saved)));
  }
  if (!written.ok()) unlink(temporary.c_str());
  return written;
}

}  // namespace kit
}  // namespace svl
