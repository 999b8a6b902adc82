// File: httpok/http_probe.h
//
// The HTTP check httpok makes on each TICK: one GET of the URL on libcurl,
// with a real total deadline (resolve, connect, TLS, headers, body), a capped
// body, no redirects followed, `User-Agent: httpok`, and retries of a refused
// connection with a fresh connection until the deadline.
//
// Example:
//
//   ProbeOptions options;
//   options.url = "https://example.com/health";
//   options.timeout = absl::Seconds(10);
//   absl::StatusOr<std::unique_ptr<HttpProbe>> probe = CurlProbe::Create(options);
//   ProbeResult result = (*probe)->Check();
//   if (result.responded) { ... result.status, result.reason, result.body ... }
//   else { ... result.error, result.error_kind ... }

#ifndef SVL_HTTPOK_HTTP_PROBE_H_
#define SVL_HTTPOK_HTTP_PROBE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace svl {
namespace httpok {

inline constexpr std::size_t kDefaultMaxBodyBytes = 1024 * 1024;

struct ProbeOptions {
  std::string url;                                   // http:// or https:// only
  absl::Duration timeout = absl::Seconds(10);        // total deadline, > 0
  absl::Duration retry_interval = absl::Seconds(10); // between refused attempts (>= 10 ms)
  std::size_t max_body_bytes = kDefaultMaxBodyBytes; // keep the first N bytes
  bool insecure = false;      // skip certificate and host-name verification
  std::string ca_file;        // empty: the system's CA store
  // Extensions beyond upstream; defaults keep upstream behaviour.
  std::string method = "GET";
  std::vector<std::string> headers;   // "Name: value"
  std::string user;                   // "user:password" for basic auth
  long max_redirects = 0;             // 0: redirects are not followed
  absl::Duration connect_timeout = absl::ZeroDuration();  // 0: only the total deadline
  std::string client_cert;            // PEM file for mTLS
  std::string client_key;             // PEM file for mTLS
};

// Why a check got no response (for log reason codes): libcurl's failure
// kind (curl/error.h) as httpok reports it; a connect failure is kRefused
// only when the OS said ECONNREFUSED.
enum class ProbeErrorKind { kNone, kTimeout, kRefused, kDns, kTls, kOther };

struct ProbeResult {
  // A response was received: its status line, headers and the body (or the
  // first max_body_bytes of it). A response cut off by the deadline or by the
  // server is not one: responded is false and error says why.
  bool responded = false;
  int status = 0;          // HTTP status when responded
  std::string reason;      // reason phrase as sent ("" for HTTP/2 or none)
  std::string body;        // the first max_body_bytes of the body
  bool body_truncated = false;
  std::string error;       // when !responded: a one-line description
  ProbeErrorKind error_kind = ProbeErrorKind::kNone;
  int attempts = 0;        // connection attempts made
};

class HttpProbe {
 public:
  virtual ~HttpProbe() = default;
  // Check() makes one check and always returns (never longer than the
  // deadline plus scheduling slack).
  virtual ProbeResult Check() = 0;
};

// ValidateProbeUrl() accepts http:// and https:// URLs with a host and an
// optional numeric port; kInvalidArgument naming the problem otherwise
// ("Bad scheme ftp", "no host in URL ...", "bad port ...").
absl::Status ValidateProbeUrl(absl::string_view url);

class CurlProbe : public HttpProbe {
 public:
  // Create() validates the options (URL, timeout > 0, readable CA and cert
  // files) and prepares the handle; libcurl must have been initialised
  // (curl::InitCurlGlobally(), curl/global.h).
  static absl::StatusOr<std::unique_ptr<CurlProbe>> Create(ProbeOptions options);
  ~CurlProbe() override;

  ProbeResult Check() override;

 private:
  struct Impl;
  explicit CurlProbe(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_HTTP_PROBE_H_
