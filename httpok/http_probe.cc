#include "httpok/http_probe.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "base/control_chars.h"
#include "base/url_redaction.h"
#include "curl/easy.h"
#include "curl/error.h"
#include "curl/url.h"

// Request shape. libcurl sends, for `http://127.0.0.1:PORT/a/b?x=1#frag`:
//
//   GET /a/b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nUser-Agent: httpok\r\nAccept: */*\r\n\r\n
//
// Upstream sent `Accept-Encoding: identity` instead of curl's `Accept: */*`.
// We add no header of our own beyond User-Agent (curl sends no
// Accept-Encoding, so servers send identity bodies unless they ignore the
// HTTP default). HTTP/1.1 is pinned (also for https) so the reason phrase is
// there, as upstream. Proxies from the environment (http_proxy, ...) are not
// used: upstream never used them and a health check must reach the app itself.
//
// Every attempt opens a new connection (CURLOPT_FRESH_CONNECT and
// CURLOPT_FORBID_REUSE), so a check tells whether the server accepts
// connections now, and a refused attempt is retried on a fresh socket.

namespace svl {
namespace httpok {
namespace {

// The shortest pause between two refused attempts, so that a zero
// retry_interval does not spin until the deadline.
constexpr absl::Duration kMinRetryPause = absl::Milliseconds(10);

// ProbeErrorKindOf() is httpok's reading of a failed transfer, on top of the
// shared classification: a connect failure is "refused" only when the OS
// said ECONNREFUSED (then it is worth retrying on a fresh connection).
ProbeErrorKind ProbeErrorKindOf(CURLcode code, long os_errno) {
  switch (curl::CurlErrorKindOf(code)) {
    case curl::CurlErrorKind::kNone:
      return ProbeErrorKind::kNone;
    case curl::CurlErrorKind::kTimeout:
      return ProbeErrorKind::kTimeout;
    case curl::CurlErrorKind::kConnect:
      return os_errno == ECONNREFUSED ? ProbeErrorKind::kRefused : ProbeErrorKind::kOther;
    case curl::CurlErrorKind::kResolve:
      return ProbeErrorKind::kDns;
    case curl::CurlErrorKind::kTls:
      return ProbeErrorKind::kTls;
    default:
      return ProbeErrorKind::kOther;
  }
}

// "HTTP/1.1 500 Internal Server Error\r\n" -> "Internal Server Error";
// "HTTP/1.1 204 \r\n" and "HTTP/2 200\r\n" -> "". False when `line` is not a
// status line.
bool ParseStatusLineReason(absl::string_view line, std::string* reason) {
  if (!absl::StartsWith(line, "HTTP/")) return false;
  line = absl::StripTrailingAsciiWhitespace(line);
  size_t version_end = line.find(' ');
  if (version_end == absl::string_view::npos) return false;
  absl::string_view rest = line.substr(version_end + 1);  // "500 Internal Server Error"
  size_t code_end = rest.find(' ');
  *reason = code_end == absl::string_view::npos ? "" : std::string(rest.substr(code_end + 1));
  return true;
}

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c);
}

absl::Status CheckReadable(const std::string& path, absl::string_view what) {
  if (path.empty()) return absl::OkStatus();
  if (access(path.c_str(), R_OK) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", what, " ", path));
  }
  return absl::OkStatus();
}

}  // namespace

// State of one CurlProbe. Heap-allocated and never moved: libcurl holds
// pointers to this object (write/header callbacks).
struct CurlProbe::Impl {
  ProbeOptions options;
  curl::EasyHandle easy;
  curl::Slist headers;

  // Per-attempt state, filled by the callbacks.
  std::string body;
  bool body_truncated = false;
  bool saw_status_line = false;
  std::string reason;

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Impl*>(user);
    size_t bytes = size * count;
    size_t room = self->options.max_body_bytes - self->body.size();
    if (bytes <= room) {
      self->body.append(data, bytes);
      return bytes;
    }
    // Keep the first max_body_bytes and stop the transfer: returning less
    // than `bytes` makes curl fail with CURLE_WRITE_ERROR, which Check()
    // turns back into a response with body_truncated.
    self->body.append(data, room);
    self->body_truncated = true;
    return 0;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Impl*>(user);
    size_t bytes = size * count;
    // Every response (a 1xx, each redirect) starts with a status line; the
    // last one wins.
    std::string reason;
    if (ParseStatusLineReason(absl::string_view(data, bytes), &reason)) {
      self->saw_status_line = true;
      self->reason = std::move(reason);
    }
    return bytes;
  }

  absl::Status Configure() {
    curl::OptionSetter set(easy);
    set(CURLOPT_URL, options.url.c_str())
       (CURLOPT_PROTOCOLS_STR, "http,https")
       (CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
       (CURLOPT_PROXY, "")  // ignore *_proxy variables
       (CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1))
       (CURLOPT_USERAGENT, "httpok")
       (CURLOPT_FRESH_CONNECT, 1L)
       (CURLOPT_FORBID_REUSE, 1L)
       (CURLOPT_WRITEFUNCTION, &Impl::OnBody)
       (CURLOPT_WRITEDATA, static_cast<void*>(this))
       (CURLOPT_HEADERFUNCTION, &Impl::OnHeader)
       (CURLOPT_HEADERDATA, static_cast<void*>(this));

    if (options.method == "HEAD") {
      set(CURLOPT_NOBODY, 1L);
    } else if (options.method != "GET") {
      set(CURLOPT_CUSTOMREQUEST, options.method.c_str());
    }
    for (const std::string& header : options.headers) {
      if (absl::Status status = headers.Append(header); !status.ok()) return status;
    }
    if (headers.get() != nullptr) set(CURLOPT_HTTPHEADER, headers.get());
    if (!options.user.empty()) {
      set(CURLOPT_USERPWD, options.user.c_str())(CURLOPT_HTTPAUTH,
                                                 static_cast<long>(CURLAUTH_BASIC));
    }

    set(CURLOPT_FOLLOWLOCATION, options.max_redirects > 0 ? 1L : 0L);
    if (options.max_redirects > 0) set(CURLOPT_MAXREDIRS, options.max_redirects);
    if (options.connect_timeout > absl::ZeroDuration()) {
      long ms = std::max<long>(1, absl::ToInt64Milliseconds(absl::Ceil(
                                      options.connect_timeout, absl::Milliseconds(1))));
      set(CURLOPT_CONNECTTIMEOUT_MS, ms);
    }

    // TLS: curl verifies the peer and the host name and sends SNI by default.
    if (options.insecure) set(CURLOPT_SSL_VERIFYPEER, 0L)(CURLOPT_SSL_VERIFYHOST, 0L);
    if (!options.ca_file.empty()) set(CURLOPT_CAINFO, options.ca_file.c_str());
    if (!options.client_cert.empty()) set(CURLOPT_SSLCERT, options.client_cert.c_str());
    if (!options.client_key.empty()) set(CURLOPT_SSLKEY, options.client_key.c_str());
    return set.status();
  }

  // One connection attempt with `budget` as its total timeout.
  absl::Status Attempt(absl::Duration budget, CURLcode* code) {
    body.clear();
    body_truncated = false;
    saw_status_line = false;
    reason.clear();
    // CURLOPT_TIMEOUT_MS 0 would mean "no timeout": at least 1 ms.
    long ms = std::max<long>(1, absl::ToInt64Milliseconds(absl::Ceil(budget, absl::Milliseconds(1))));
    if (absl::Status status = easy.SetOption(CURLOPT_TIMEOUT_MS, ms); !status.ok()) return status;
    *code = easy.Perform();
    return absl::OkStatus();
  }
};

absl::Status ValidateProbeUrl(absl::string_view url) {
  if (url.empty()) return absl::InvalidArgumentError("empty URL");
  const std::string shown = base::RedactUrl(url);
  // The scheme as Python's urlsplit sees it: `localhost:8080/foo` has the
  // scheme "localhost" (curl would say only "Unsupported URL scheme").
  std::string scheme;
  size_t colon = url.find(':');
  if (colon != absl::string_view::npos && colon > 0 &&
      absl::ascii_isalpha(static_cast<unsigned char>(url[0])) &&
      std::all_of(url.begin(), url.begin() + colon, [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' ||
               c == '.';
      })) {
    scheme = absl::AsciiStrToLower(url.substr(0, colon));
  }
  if (scheme != "http" && scheme != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("Bad scheme ", scheme.empty() ? "(none)" : scheme, " in URL ", shown,
                     ": the URL must start with http:// or https://"));
  }
  absl::string_view after_scheme = url.substr(colon + 1);
  if (!absl::ConsumePrefix(&after_scheme, "//") || after_scheme.empty() ||
      after_scheme[0] == '/' || after_scheme[0] == '?' || after_scheme[0] == '#') {
    return absl::InvalidArgumentError(absl::StrCat("no host in URL ", shown));
  }
  if (base::HasLineBreakOrNul(url)) {
    return absl::InvalidArgumentError(absl::StrCat("control character in URL ", shown));
  }

  absl::StatusOr<curl::UrlHandle> parsed = curl::NewUrlHandle();
  if (!parsed.ok()) return parsed.status();
  const std::string url_string(url);
  CURLUcode rc = curl_url_set(parsed->get(), CURLUPART_URL, url_string.c_str(), 0);
  if (rc == CURLUE_BAD_PORT_NUMBER) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad port in URL ", shown, ": ", curl_url_strerror(rc)));
  }
  if (rc == CURLUE_NO_HOST) return absl::InvalidArgumentError(absl::StrCat("no host in URL ", shown));
  if (rc != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("bad URL ", shown, ": ", curl_url_strerror(rc)));
  }
  const curl::CurlString host = curl::GetUrlPart(*parsed, CURLUPART_HOST);
  if (host == nullptr || host.get()[0] == '\0') {
    return absl::InvalidArgumentError(absl::StrCat("no host in URL ", shown));
  }
  const curl::CurlString port = curl::GetUrlPart(*parsed, CURLUPART_PORT);
  if (port != nullptr && std::strcmp(port.get(), "0") == 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad port 0 in URL ", shown));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<CurlProbe>> CurlProbe::Create(ProbeOptions options) {
  if (absl::Status status = ValidateProbeUrl(options.url); !status.ok()) return status;
  if (options.timeout <= absl::ZeroDuration() || options.timeout == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("timeout must be positive and finite, got ", absl::FormatDuration(options.timeout)));
  }
  if (options.retry_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("retry interval must not be negative");
  }
  if (options.connect_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("connect timeout must not be negative");
  }
  if (options.max_redirects < 0) {
    return absl::InvalidArgumentError("max redirects must not be negative");
  }
  if (options.method.empty() || !std::all_of(options.method.begin(), options.method.end(), IsTokenChar)) {
    return absl::InvalidArgumentError(absl::StrCat("bad HTTP method \"", options.method, "\""));
  }
  for (const std::string& header : options.headers) {
    size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0 || base::HasLineBreakOrNul(header) ||
        !std::all_of(header.begin(), header.begin() + colon, IsTokenChar)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad header \"", header, "\": expected \"Name: value\""));
    }
  }
  if (base::HasLineBreakOrNul(options.user)) return absl::InvalidArgumentError("bad user: control character");
  if (absl::Status status = CheckReadable(options.ca_file, "CA file"); !status.ok()) return status;
  if (absl::Status status = CheckReadable(options.client_cert, "client certificate"); !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckReadable(options.client_key, "client key"); !status.ok()) {
    return status;
  }

  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  absl::StatusOr<curl::EasyHandle> easy = curl::EasyHandle::Create();
  if (!easy.ok()) return easy.status();
  impl->easy = *std::move(easy);
  if (absl::Status status = impl->Configure(); !status.ok()) return status;
  return std::unique_ptr<CurlProbe>(new CurlProbe(std::move(impl)));
}

CurlProbe::CurlProbe(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlProbe::~CurlProbe() = default;

ProbeResult CurlProbe::Check() {
  const absl::Time deadline = absl::Now() + impl_->options.timeout;
  ProbeResult result;
  ProbeErrorKind error_kind = ProbeErrorKind::kNone;
  std::string error;
  while (true) {
    ++result.attempts;
    CURLcode code = CURLE_OK;
    if (absl::Status status = impl_->Attempt(deadline - absl::Now(), &code); !status.ok()) {
      result.error = std::string(status.message());
      result.error_kind = ProbeErrorKind::kOther;
      return result;
    }
    if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && impl_->body_truncated)) {
      result.responded = true;
      result.status = static_cast<int>(impl_->easy.ResponseCode());
      result.reason = std::move(impl_->reason);
      result.body = std::move(impl_->body);
      result.body_truncated = impl_->body_truncated;
      return result;
    }
    error_kind = ProbeErrorKindOf(code, impl_->easy.OsErrno());
    error = impl_->easy.ErrorText(code);
    if (error_kind != ProbeErrorKind::kRefused) break;
    // Refused: try again on a fresh connection after retry_interval, if
    // that still leaves time before the deadline.
    absl::Duration pause = std::max(impl_->options.retry_interval, kMinRetryPause);
    if (absl::Now() + pause >= deadline) break;
    absl::SleepFor(pause);
  }
  result.error = std::move(error);
  result.error_kind = error_kind;
  return result;
}

}  // namespace httpok
}  // namespace svl
