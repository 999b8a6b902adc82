// File: tests/testing/node_exporter.h
// A real Prometheus node_exporter for tests (Debian's
// /usr/bin/prometheus-node-exporter) serving only its textfile collector
// over a directory the test names: what a fleet's scraper sees of the
// listeners' --metrics-file files. Its listening socket is bound by the test
// (127.0.0.1:0) and handed over by systemd socket activation, so no port is
// picked and then released.
//
// Example:
//   absl::StatusOr<std::unique_ptr<NodeExporter>> exporter = NodeExporter::Start(dir);
//   ASSERT_TRUE(exporter.ok()) << exporter.status();
//   absl::StatusOr<std::string> metrics = (*exporter)->Scrape();
//   std::optional<double> errors = SampleValue(*metrics, "node_textfile_scrape_error");

#ifndef SVL_TESTS_TESTING_NODE_EXPORTER_H_
#define SVL_TESTS_TESTING_NODE_EXPORTER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace testing {

class NodeExporter {
 public:
  // Start() binds and listens on 127.0.0.1:0 and runs node_exporter on that
  // socket (fd 3, LISTEN_FDS=1, LISTEN_PID=its pid) with the textfile
  // collector alone over `textfile_dir` and without its own go_/process_
  // metrics; its log goes to a fresh MakeTestDir() directory. Returns once
  // /metrics answers 200. Errors: node_exporter exited (the message holds
  // its log), or did not answer within kWaitTimeout (kDeadlineExceeded).
  // libcurl must have been initialised (link :curl_test_main).
  static absl::StatusOr<std::unique_ptr<NodeExporter>> Start(const std::string& textfile_dir);

  // Kills (SIGKILL) and reaps node_exporter.
  ~NodeExporter();
  NodeExporter(const NodeExporter&) = delete;
  NodeExporter& operator=(const NodeExporter&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // "http://127.0.0.1:<port>/metrics".
  std::string metrics_url() const;

  // Scrape() GETs /metrics and returns its body (kDeadlineExceeded after
  // 30 s; kUnavailable naming the status when it is not 200).
  absl::StatusOr<std::string> Scrape() const;

  // Log() is what node_exporter wrote to stderr so far.
  std::string Log() const;

 private:
  NodeExporter() = default;

  std::string log_path_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// SampleValue() is the value of the sample whose line starts with exactly
// `series` (the metric name and, as node_exporter writes it, its labels in
// alphabetical order: `m{a="1",b="2"}`) followed by a space, in the text
// exposition `metrics`; nullopt when there is no such line or its value is
// not a number.
std::optional<double> SampleValue(absl::string_view metrics, absl::string_view series);

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_NODE_EXPORTER_H_
