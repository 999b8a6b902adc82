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

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

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

struct CurlEasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlFreeDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;
using CurlUrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlStringPtr = std::unique_ptr<char, CurlFreeDeleter>;

// What a CURLcode means for httpok.
struct CurlError {
  ProbeErrorKind kind = ProbeErrorKind::kNone;
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;  // one line
};

std::string ErrnoText(long os_errno) {
  char buffer[128];
  // GNU strerror_r returns the text (maybe not in `buffer`).
  return strerror_r(static_cast<int>(os_errno), buffer, sizeof(buffer));
}

// TranslateCurlCode() is the one place a CURLcode becomes an error kind, a
// Status code and a one-line message. `error_buffer` is the handle's
// CURLOPT_ERRORBUFFER (may be empty); `os_errno` is CURLINFO_OS_ERRNO.
CurlError TranslateCurlCode(CURLcode code, long os_errno, const char* error_buffer) {
  CurlError error;
  if (code == CURLE_OK) return error;
  error.message = (error_buffer != nullptr && error_buffer[0] != '\0') ? error_buffer
                                                                       : curl_easy_strerror(code);
  // curl says "Couldn't connect to server" for every connect failure; the
  // errno says which (Connection refused, No route to host, ...).
  if (code == CURLE_COULDNT_CONNECT && os_errno != 0) {
    error.message = absl::StrReplaceAll(error.message,
                                        {{"Couldn't connect to server", ErrnoText(os_errno)}});
  }
  error.message = absl::StrReplaceAll(error.message, {{"\r", " "}, {"\n", " "}});
  absl::StripAsciiWhitespace(&error.message);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      error.kind = ProbeErrorKind::kTimeout;
      error.code = absl::StatusCode::kDeadlineExceeded;
      break;
    case CURLE_COULDNT_CONNECT:
      error.kind = os_errno == ECONNREFUSED ? ProbeErrorKind::kRefused : ProbeErrorKind::kOther;
      error.code = absl::StatusCode::kUnavailable;
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      error.kind = ProbeErrorKind::kDns;
      error.code = absl::StatusCode::kUnavailable;
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
      error.kind = ProbeErrorKind::kTls;
      error.code = absl::StatusCode::kUnavailable;
      break;
    case CURLE_OUT_OF_MEMORY:
      error.kind = ProbeErrorKind::kOther;
      error.code = absl::StatusCode::kResourceExhausted;
      break;
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      error.kind = ProbeErrorKind::kOther;
      error.code = absl::StatusCode::kInvalidArgument;
      break;
    default:
      error.kind = ProbeErrorKind::kOther;
      error.code = absl::StatusCode::kUnavailable;
      break;
  }
  return error;
}

absl::Status SetOptionStatus(CURLcode code, absl::string_view option) {
  if (code == CURLE_OK) return absl::OkStatus();
  CurlError error = TranslateCurlCode(code, 0, nullptr);
  return absl::Status(error.code, absl::StrCat("curl option ", option, ": ", error.message));
}

// Sets one option and returns from the enclosing function on failure.
#define SVL_CURL_SETOPT(handle, option, value)                                      \
  do {                                                                              \
    absl::Status setopt_status =                                                    \
        SetOptionStatus(curl_easy_setopt((handle), (option), (value)), #option);    \
    if (!setopt_status.ok()) return setopt_status;                                  \
  } while (false)

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

bool HasControlChars(absl::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
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
// pointers to `error_buffer` and to this object (write/header callbacks).
struct CurlProbe::Impl {
  ProbeOptions options;
  CurlPtr curl;
  CurlSlistPtr headers;
  char error_buffer[CURL_ERROR_SIZE] = {};

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
    CURL* h = curl.get();
    SVL_CURL_SETOPT(h, CURLOPT_ERRORBUFFER, error_buffer);
    SVL_CURL_SETOPT(h, CURLOPT_URL, options.url.c_str());
    SVL_CURL_SETOPT(h, CURLOPT_NOSIGNAL, 1L);
    SVL_CURL_SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
    SVL_CURL_SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SVL_CURL_SETOPT(h, CURLOPT_PROXY, "");  // ignore *_proxy variables
    SVL_CURL_SETOPT(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    SVL_CURL_SETOPT(h, CURLOPT_USERAGENT, "httpok");
    SVL_CURL_SETOPT(h, CURLOPT_FRESH_CONNECT, 1L);
    SVL_CURL_SETOPT(h, CURLOPT_FORBID_REUSE, 1L);
    SVL_CURL_SETOPT(h, CURLOPT_WRITEFUNCTION, &Impl::OnBody);
    SVL_CURL_SETOPT(h, CURLOPT_WRITEDATA, this);
    SVL_CURL_SETOPT(h, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
    SVL_CURL_SETOPT(h, CURLOPT_HEADERDATA, this);

    if (options.method == "HEAD") {
      SVL_CURL_SETOPT(h, CURLOPT_NOBODY, 1L);
    } else if (options.method != "GET") {
      SVL_CURL_SETOPT(h, CURLOPT_CUSTOMREQUEST, options.method.c_str());
    }
    for (const std::string& header : options.headers) {
      curl_slist* appended = curl_slist_append(headers.get(), header.c_str());
      if (appended == nullptr) return absl::ResourceExhaustedError("curl_slist_append failed");
      headers.release();
      headers.reset(appended);
    }
    if (headers != nullptr) SVL_CURL_SETOPT(h, CURLOPT_HTTPHEADER, headers.get());
    if (!options.user.empty()) {
      SVL_CURL_SETOPT(h, CURLOPT_USERPWD, options.user.c_str());
      SVL_CURL_SETOPT(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    }

    SVL_CURL_SETOPT(h, CURLOPT_FOLLOWLOCATION, options.max_redirects > 0 ? 1L : 0L);
    if (options.max_redirects > 0) SVL_CURL_SETOPT(h, CURLOPT_MAXREDIRS, options.max_redirects);
    if (options.connect_timeout > absl::ZeroDuration()) {
      long ms = std::max<long>(1, absl::ToInt64Milliseconds(absl::Ceil(
                                      options.connect_timeout, absl::Milliseconds(1))));
      SVL_CURL_SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
    }

    // TLS: curl verifies the peer and the host name and sends SNI by default.
    if (options.insecure) {
      SVL_CURL_SETOPT(h, CURLOPT_SSL_VERIFYPEER, 0L);
      SVL_CURL_SETOPT(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!options.ca_file.empty()) SVL_CURL_SETOPT(h, CURLOPT_CAINFO, options.ca_file.c_str());
    if (!options.client_cert.empty()) {
      SVL_CURL_SETOPT(h, CURLOPT_SSLCERT, options.client_cert.c_str());
    }
    if (!options.client_key.empty()) {
      SVL_CURL_SETOPT(h, CURLOPT_SSLKEY, options.client_key.c_str());
    }
    return absl::OkStatus();
  }

  // One connection attempt with `budget` as its total timeout.
  CURLcode Attempt(absl::Duration budget) {
    body.clear();
    body_truncated = false;
    saw_status_line = false;
    reason.clear();
    error_buffer[0] = '\0';
    // CURLOPT_TIMEOUT_MS 0 would mean "no timeout": at least 1 ms.
    long ms = std::max<long>(1, absl::ToInt64Milliseconds(absl::Ceil(budget, absl::Milliseconds(1))));
    CURLcode code = curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, ms);
    if (code != CURLE_OK) return code;
    return curl_easy_perform(curl.get());
  }
};

absl::Status ValidateProbeUrl(absl::string_view url) {
  if (url.empty()) return absl::InvalidArgumentError("empty URL");
  const std::string shown = RedactUrl(url);
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
  if (HasControlChars(url)) {
    return absl::InvalidArgumentError(absl::StrCat("control character in URL ", shown));
  }

  CurlUrlPtr parsed(curl_url());
  if (parsed == nullptr) return absl::ResourceExhaustedError("curl_url() failed");
  const std::string url_string(url);
  CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, url_string.c_str(), 0);
  if (rc == CURLUE_BAD_PORT_NUMBER) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad port in URL ", shown, ": ", curl_url_strerror(rc)));
  }
  if (rc == CURLUE_NO_HOST) return absl::InvalidArgumentError(absl::StrCat("no host in URL ", shown));
  if (rc != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("bad URL ", shown, ": ", curl_url_strerror(rc)));
  }
  char* host_raw = nullptr;
  rc = curl_url_get(parsed.get(), CURLUPART_HOST, &host_raw, 0);
  CurlStringPtr host(host_raw);
  if (rc != CURLUE_OK || host == nullptr || host.get()[0] == '\0') {
    return absl::InvalidArgumentError(absl::StrCat("no host in URL ", shown));
  }
  char* port_raw = nullptr;
  rc = curl_url_get(parsed.get(), CURLUPART_PORT, &port_raw, 0);
  CurlStringPtr port(port_raw);
  if (rc == CURLUE_OK && port != nullptr && std::strcmp(port.get(), "0") == 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad port 0 in URL ", shown));
  }
  return absl::OkStatus();
}

absl::optional<absl::string_view> UrlUserInfo(absl::string_view url) {
  size_t start = url.find("://");
  start = start == absl::string_view::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == absl::string_view::npos) end = url.size();
  absl::string_view authority = url.substr(start, end - start);
  size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return absl::nullopt;
  return authority.substr(0, at);
}

std::string RedactUrl(absl::string_view url) {
  const absl::optional<absl::string_view> user_info = UrlUserInfo(url);
  if (!user_info.has_value()) return std::string(url);
  const size_t start = static_cast<size_t>(user_info->data() - url.data());
  return absl::StrCat(url.substr(0, start), "***", url.substr(start + user_info->size()));
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
    if (colon == std::string::npos || colon == 0 || HasControlChars(header) ||
        !std::all_of(header.begin(), header.begin() + colon, IsTokenChar)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad header \"", header, "\": expected \"Name: value\""));
    }
  }
  if (HasControlChars(options.user)) return absl::InvalidArgumentError("bad user: control character");
  if (absl::Status status = CheckReadable(options.ca_file, "CA file"); !status.ok()) return status;
  if (absl::Status status = CheckReadable(options.client_cert, "client certificate"); !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckReadable(options.client_key, "client key"); !status.ok()) {
    return status;
  }

  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->curl.reset(curl_easy_init());
  if (impl->curl == nullptr) return absl::InternalError("curl_easy_init failed");
  if (absl::Status status = impl->Configure(); !status.ok()) return status;
  return std::unique_ptr<CurlProbe>(new CurlProbe(std::move(impl)));
}

CurlProbe::CurlProbe(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlProbe::~CurlProbe() = default;

ProbeResult CurlProbe::Check() {
  const absl::Time deadline = absl::Now() + impl_->options.timeout;
  ProbeResult result;
  CurlError error;
  while (true) {
    ++result.attempts;
    CURLcode code = impl_->Attempt(deadline - absl::Now());
    if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && impl_->body_truncated)) {
      long status = 0;
      curl_easy_getinfo(impl_->curl.get(), CURLINFO_RESPONSE_CODE, &status);
      result.responded = true;
      result.status = static_cast<int>(status);
      result.reason = std::move(impl_->reason);
      result.body = std::move(impl_->body);
      result.body_truncated = impl_->body_truncated;
      return result;
    }
    long os_errno = 0;
    curl_easy_getinfo(impl_->curl.get(), CURLINFO_OS_ERRNO, &os_errno);
    error = TranslateCurlCode(code, os_errno, impl_->error_buffer);
    if (error.kind != ProbeErrorKind::kRefused) break;
    // Refused: try again on a fresh connection after retry_interval, if
    // that still leaves time before the deadline.
    absl::Duration pause = std::max(impl_->options.retry_interval, kMinRetryPause);
    if (absl::Now() + pause >= deadline) break;
    absl::SleepFor(pause);
  }
  result.error = std::move(error.message);
  result.error_kind = error.kind;
  return result;
}

}  // namespace httpok
}  // namespace svl
