// File: kit/metrics.h
//
// What a listener did, as Prometheus metrics in a file (--metrics-file):
// node_exporter's textfile collector (--collector.textfile.directory)
// serves them, so no listener opens a port. The metrics are kept in a
// prometheus-cpp registry and written with its text serializer; Publish()
// replaces the file atomically (a temporary file in the same directory,
// then rename(2)), so a reader never sees half a file.
//
// Series (every one labelled listener="<program>", and name="<-n name>"
// when the listener has one):
//   svlisten_build_info{version}                          gauge, 1
// and, for a listener that makes checks (httpok, memmon):
//   svlisten_checks_total{result}                         counter; result is
//       "ok" or a reason code (status, body, timeout, refused, dns, tls, error)
//   svlisten_check_duration_seconds                       histogram
//   svlisten_last_check_timestamp_seconds                 gauge, Unix time
// and for every listener:
//   svlisten_restarts_total{process}                      counter
//   svlisten_restart_failures_total{process}              counter
//   svlisten_notices_total{channel,result}                counter; channel
//       sendmail, smtp or webhook; result ok or error
//   svlisten_process_memory_bytes{process,measure}        gauge (memmon);
//       measure rss, pss or uss
// Label values are any bytes: bytes that are not UTF-8 become U+FFFD (the
// format requires UTF-8), and the serializer escapes `\`, `"` and newlines.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<ListenerMetrics>> metrics = ListenerMetrics::Create(
//       {"httpok", options.name, kSvlistenVersion, options.metrics_file, {"ok", "status"}, {}});
//   (*metrics)->RecordCheck("ok", absl::Milliseconds(12), absl::Now());
//   if (absl::Status s = (*metrics)->Publish(); !s.ok()) ... one stderr line ...
//
// Thread-safe.

#ifndef SVL_KIT_METRICS_H_
#define SVL_KIT_METRICS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace svl {
namespace kit {

// The results of httpok's checks: "ok" and its reason codes.
inline constexpr const char* kCheckResults[] = {"ok",      "status", "body", "timeout",
                                                "refused", "dns",    "tls",  "error"};

// What a ListenerMetrics is for.
struct MetricsSettings {
  std::string listener;  // "httpok"
  std::string name;      // -n ("" : no name label)
  std::string version;   // "0.1.0"
  std::string path;      // the file written by Publish()
  // The results of the listener's checks (e.g. kCheckResults), each series
  // existing from the start at 0; empty for a listener that makes no checks,
  // which then has no check series at all.
  std::vector<std::string> check_results;
  // The notice channels in use ("sendmail", "smtp", "webhook"): their ok
  // and error series exist from the start, at 0.
  std::vector<std::string> notice_channels;
};

// ListenerMetrics holds one listener's metrics (see the top).
class ListenerMetrics {
 public:
  // Create() checks that the file's directory exists and is a directory,
  // and that the file, if it exists, is a regular file (not a FIFO, device,
  // directory or symlink): kInvalidArgument naming it otherwise. The file
  // itself is written by Publish().
  static absl::StatusOr<std::unique_ptr<ListenerMetrics>> Create(MetricsSettings settings);
  ~ListenerMetrics();
  ListenerMetrics(const ListenerMetrics&) = delete;
  ListenerMetrics& operator=(const ListenerMetrics&) = delete;

  // RecordCheck() counts one check with its result and duration, ended at
  // `when` (nothing for a listener without check_results).
  void RecordCheck(absl::string_view result, absl::Duration duration, absl::Time when);
  // RecordRestart() / RecordRestartFailure() count a restart of `process`
  // (group:name) and one that failed.
  void RecordRestart(absl::string_view process);
  void RecordRestartFailure(absl::string_view process);
  // RecordNotice() counts a notice sent (result "ok") or not ("error") on
  // `channel`.
  void RecordNotice(absl::string_view channel, absl::string_view result);
  // SetProcessMemory() sets the memory of `process` as `measure`;
  // ForgetProcessesExcept() drops the memory series of every process not
  // in `kept` (processes that are gone).
  void SetProcessMemory(absl::string_view process, absl::string_view measure, std::int64_t bytes);
  void ForgetProcessesExcept(const std::vector<std::string>& kept);

  // Render() is the text exposition of every series.
  std::string Render() const;
  // Publish() writes Render() to the file, atomically; never over anything
  // but a regular file (kFailedPrecondition). An errno status naming the
  // file when it cannot.
  absl::Status Publish() const;

 private:
  struct Families;
  explicit ListenerMetrics(MetricsSettings settings);

  const MetricsSettings settings_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> families_;
  mutable absl::Mutex publish_mu_;  // one Publish() at a time
  absl::Mutex memory_mu_;
  // process -> measure -> set: what ForgetProcessesExcept() may remove.
  std::map<std::string, std::vector<std::string>> memory_series_ ABSL_GUARDED_BY(memory_mu_);
};

// MetricsLabelValue() is `bytes` made valid UTF-8 (each byte that is not
// part of a valid sequence replaced by U+FFFD), as a label value must be.
std::string MetricsLabelValue(absl::string_view bytes);

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_METRICS_H_
