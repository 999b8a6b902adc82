#include "supervisor_rpc/curl_transport.h"

#include <curl/curl.h>

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
#include "curl/easy.h"
#include "curl/error.h"
#include "supervisor_rpc/xmlrpc_codec.h"

namespace svl {
namespace supervisor_rpc {
namespace {

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
  curl::Slist headers;
  curl::EasyHandle handle;  // empty after an error: the next call connects afresh
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

  // "<what>: <status message>", same code.
  absl::Status Annotate(const absl::Status& status) const {
    return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
  }

  // MakeHandle() creates and configures a fresh easy handle.
  absl::Status MakeHandle() {
    absl::StatusOr<curl::EasyHandle> easy = curl::EasyHandle::Create();
    if (!easy.ok()) return Annotate(easy.status());
    curl::OptionSetter set(*easy);
    set(CURLOPT_URL, endpoint.curl_url.c_str());
    if (!endpoint.socket_path.empty()) set(CURLOPT_UNIX_SOCKET_PATH, endpoint.socket_path.c_str());
    // supervisord is reached directly, never through an http_proxy.
    set(CURLOPT_PROXY, "")
       (CURLOPT_PROTOCOLS_STR, "http")
       (CURLOPT_CONNECTTIMEOUT_MS, TimeoutMillis(config.connect_timeout))
       (CURLOPT_TIMEOUT_MS, TimeoutMillis(config.deadline))
       (CURLOPT_POST, 1L)
       (CURLOPT_HTTPHEADER, headers.get())
       (CURLOPT_USERAGENT, "svlisten-supervisor-rpc")
       (CURLOPT_WRITEFUNCTION, &Impl::WriteBody)
       (CURLOPT_WRITEDATA, static_cast<void*>(this));
    if (!config.username.empty() || !config.password.empty()) {
      set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC))
         (CURLOPT_USERNAME, config.username.c_str())
         (CURLOPT_PASSWORD, config.password.c_str());
    }
    if (!set.status().ok()) return Annotate(set.status());
    handle = *std::move(easy);
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Post(absl::string_view body) {
    if (!handle) {
      absl::Status s = MakeHandle();
      if (!s.ok()) return s;
    }
    curl::OptionSetter set(handle);
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()))
       (CURLOPT_POSTFIELDS, body.data());
    if (!set.status().ok()) {
      handle = curl::EasyHandle();
      return Annotate(set.status());
    }
    response.clear();
    response_too_large = false;
    const CURLcode code = handle.Perform();
    if (code != CURLE_OK) {
      const long os_errno = handle.OsErrno();
      const std::string text = handle.ErrorText(code);
      handle = curl::EasyHandle();  // drop the connection; the next call reconnects
      const std::string curl_error = absl::StrCat(" (curl error ", static_cast<int>(code), ")");
      if (code == CURLE_COULDNT_CONNECT && !endpoint.socket_path.empty()) {
        // libcurl names "localhost port 80" here; the socket is what failed,
        // and the errno says why.
        return absl::Status(curl::CurlStatusCode(code),
                            absl::StrCat(what, ": cannot connect to unix socket ",
                                         endpoint.socket_path, ": ",
                                         curl::CurlErrorText(code, "", os_errno), curl_error));
      }
      if (response_too_large) {
        return absl::ResourceExhaustedError(absl::StrCat(
            what, ": response larger than ", kMaxResponseBytes, " bytes"));
      }
      return absl::Status(curl::CurlStatusCode(code), absl::StrCat(what, ": ", text, curl_error));
    }
    const long http_status = handle.ResponseCode();
    if (http_status == 200) return std::move(response);
    handle = curl::EasyHandle();
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
    if (absl::Status s = impl->headers.Append(header); !s.ok()) return s;
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
