#include "supervisor_rpc/curl_transport.h"

#include <curl/curl.h>
#include <string.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervisor_rpc/xmlrpc_codec.h"

namespace svl {
namespace supervisor_rpc {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlPtr = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHeaders = std::unique_ptr<curl_slist, CurlSlistDeleter>;

constexpr absl::string_view kUnixScheme = "unix://";
constexpr absl::string_view kHttpScheme = "http://";

// Where and how to connect, derived from a SUPERVISOR_SERVER_URL the way
// supervisor/xmlrpc.py SupervisorTransport does it.
struct Endpoint {
  std::string curl_url;     // http://localhost/RPC2 or http://host:port/RPC2
  std::string socket_path;  // non-empty for unix://
};

absl::StatusOr<Endpoint> ParseServerUrl(absl::string_view url) {
  Endpoint endpoint;
  if (absl::StartsWith(url, kUnixScheme)) {
    endpoint.socket_path = std::string(url.substr(kUnixScheme.size()));
    if (endpoint.socket_path.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("serverurl ", url, " has no socket path"));
    }
    endpoint.curl_url = "http://localhost/RPC2";
    return endpoint;
  }
  if (absl::StartsWith(url, kHttpScheme)) {
    // The path is ignored; the request always goes to /RPC2.
    absl::string_view netloc = url.substr(kHttpScheme.size());
    netloc = netloc.substr(0, netloc.find('/'));
    if (netloc.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("serverurl ", url, " has no host"));
    }
    endpoint.curl_url = absl::StrCat(kHttpScheme, netloc, "/RPC2");
    return endpoint;
  }
  return absl::InvalidArgumentError(absl::StrCat("Unknown protocol for serverurl ", url));
}

long TimeoutMillis(absl::Duration duration) {
  if (duration == absl::InfiniteDuration()) return 0;  // libcurl: no timeout
  const int64_t ms = absl::ToInt64Milliseconds(duration);
  return ms < 1 ? 1 : static_cast<long>(ms);
}

}  // namespace

absl::Status CurlCodeToStatus(CURLcode code, const char* errbuf, absl::string_view what) {
  if (code == CURLE_OK) return absl::OkStatus();
  absl::StatusCode status_code;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      status_code = absl::StatusCode::kUnavailable;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      status_code = absl::StatusCode::kDeadlineExceeded;
      break;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
      status_code = absl::StatusCode::kDataLoss;
      break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
      status_code = absl::StatusCode::kInvalidArgument;
      break;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FILESIZE_EXCEEDED:
      status_code = absl::StatusCode::kResourceExhausted;
      break;
    default:
      status_code = absl::StatusCode::kInternal;
  }
  const char* detail =
      (errbuf != nullptr && errbuf[0] != '\0') ? errbuf : curl_easy_strerror(code);
  return absl::Status(status_code,
                      absl::StrCat(what, ": ", detail, " (curl error ", static_cast<int>(code), ")"));
}

absl::StatusOr<ServerConfig> ServerConfigFromEnvironment() {
  const char* url = std::getenv("SUPERVISOR_SERVER_URL");
  if (url == nullptr) return absl::NotFoundError("SUPERVISOR_SERVER_URL is not set");
  absl::StatusOr<Endpoint> endpoint = ParseServerUrl(url);
  if (!endpoint.ok()) return endpoint.status();
  ServerConfig config;
  config.url = url;
  if (const char* username = std::getenv("SUPERVISOR_USERNAME")) config.username = username;
  if (const char* password = std::getenv("SUPERVISOR_PASSWORD")) config.password = password;
  return config;
}

struct CurlTransport::Impl {
  ServerConfig config;
  Endpoint endpoint;
  std::string what;  // "XML-RPC call to <url>", the prefix of every error
  CurlHeaders headers;
  CurlPtr handle;  // null after an error: the next call connects afresh
  char errbuf[CURL_ERROR_SIZE] = {};
  std::string response;
  bool response_too_large = false;

  // WriteBody() is libcurl's write callback; `userdata` is this Impl, which
  // stays at one address for the transport's life (it is heap-allocated).
  static std::size_t WriteBody(char* data, std::size_t size, std::size_t nmemb, void* userdata) {
    Impl* impl = static_cast<Impl*>(userdata);
    const std::size_t n = size * nmemb;
    if (impl->response.size() + n > kMaxResponseBytes) {
      impl->response_too_large = true;
      return 0;  // makes libcurl fail with CURLE_WRITE_ERROR
    }
    impl->response.append(data, n);
    return n;
  }

  template <typename T>
  absl::Status SetOpt(CURL* curl, CURLoption option, T value) {
    return CurlCodeToStatus(curl_easy_setopt(curl, option, value), nullptr,
                            absl::StrCat(what, ": curl_easy_setopt(", static_cast<int>(option), ")"));
  }

  // MakeHandle() creates and configures a fresh easy handle.
  absl::Status MakeHandle() {
    CurlPtr curl(curl_easy_init());
    if (curl == nullptr) return absl::InternalError(absl::StrCat(what, ": curl_easy_init failed"));
    CURL* c = curl.get();
    absl::Status s;
    if (!(s = SetOpt(c, CURLOPT_ERRORBUFFER, errbuf)).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_URL, endpoint.curl_url.c_str())).ok()) return s;
    if (!endpoint.socket_path.empty()) {
      if (!(s = SetOpt(c, CURLOPT_UNIX_SOCKET_PATH, endpoint.socket_path.c_str())).ok()) return s;
    }
    // supervisord is reached directly, never through an http_proxy.
    if (!(s = SetOpt(c, CURLOPT_PROXY, "")).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_PROTOCOLS_STR, "http")).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_NOSIGNAL, 1L)).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_CONNECTTIMEOUT_MS, TimeoutMillis(config.connect_timeout))).ok()) {
      return s;
    }
    if (!(s = SetOpt(c, CURLOPT_TIMEOUT_MS, TimeoutMillis(config.deadline))).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_POST, 1L)).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_HTTPHEADER, headers.get())).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_USERAGENT, "svlisten-supervisor-rpc")).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_WRITEFUNCTION, &Impl::WriteBody)).ok()) return s;
    if (!(s = SetOpt(c, CURLOPT_WRITEDATA, static_cast<void*>(this))).ok()) return s;
    if (!config.username.empty() || !config.password.empty()) {
      if (!(s = SetOpt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC))).ok()) return s;
      if (!(s = SetOpt(c, CURLOPT_USERNAME, config.username.c_str())).ok()) return s;
      if (!(s = SetOpt(c, CURLOPT_PASSWORD, config.password.c_str())).ok()) return s;
    }
    handle = std::move(curl);
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Post(absl::string_view body) {
    if (handle == nullptr) {
      absl::Status s = MakeHandle();
      if (!s.ok()) return s;
    }
    CURL* c = handle.get();
    absl::Status s;
    if (!(s = SetOpt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()))).ok() ||
        !(s = SetOpt(c, CURLOPT_POSTFIELDS, body.data())).ok()) {
      handle.reset();
      return s;
    }
    response.clear();
    response_too_large = false;
    errbuf[0] = '\0';
    const CURLcode code = curl_easy_perform(c);
    if (code != CURLE_OK) {
      long os_errno = 0;
      curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
      handle.reset();  // drop the connection; the next call reconnects
      if (code == CURLE_COULDNT_CONNECT && !endpoint.socket_path.empty()) {
        // libcurl names "localhost port 80" here; the socket is what failed.
        char buffer[256];
        const char* reason = os_errno != 0
                                 ? strerror_r(static_cast<int>(os_errno), buffer, sizeof buffer)
                                 : "connection failed";
        return absl::UnavailableError(absl::StrCat(what, ": cannot connect to unix socket ",
                                                   endpoint.socket_path, ": ", reason,
                                                   " (curl error ", static_cast<int>(code), ")"));
      }
      if (response_too_large) {
        return absl::ResourceExhaustedError(absl::StrCat(
            what, ": response larger than ", kMaxResponseBytes, " bytes"));
      }
      return CurlCodeToStatus(code, errbuf, what);
    }
    long http_status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http_status);
    if (http_status == 200) return std::move(response);
    handle.reset();
    if (http_status == 401) {
      return absl::UnauthenticatedError(absl::StrCat(
          what, ": HTTP 401 Unauthorized (check SUPERVISOR_USERNAME and SUPERVISOR_PASSWORD)"));
    }
    return absl::InternalError(
        absl::StrCat(what, ": HTTP ", http_status, " instead of 200"));
  }
};

absl::StatusOr<std::unique_ptr<CurlTransport>> CurlTransport::Create(const ServerConfig& config) {
  absl::StatusOr<Endpoint> endpoint = ParseServerUrl(config.url);
  if (!endpoint.ok()) return endpoint.status();
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->endpoint = *std::move(endpoint);
  impl->what = absl::StrCat("XML-RPC call to ", config.url);
  for (const char* header : {"Content-Type: text/xml", "Accept: text/xml",
                             // Medusa does not answer `Expect: 100-continue`.
                             "Expect:"}) {
    curl_slist* list = curl_slist_append(impl->headers.get(), header);
    if (list == nullptr) return absl::ResourceExhaustedError("curl_slist_append failed");
    impl->headers.release();
    impl->headers.reset(list);
  }
  absl::Status s = impl->MakeHandle();
  if (!s.ok()) return s;
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CurlTransport::~CurlTransport() = default;

absl::StatusOr<std::string> CurlTransport::Post(absl::string_view request_body) {
  return impl_->Post(request_body);
}

}  // namespace supervisor_rpc
}  // namespace svl
