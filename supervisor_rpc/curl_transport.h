// File: supervisor_rpc/curl_transport.h
//
// Transport to supervisord on libcurl, reaching it exactly as supervisorctl
// and childutils do: SUPERVISOR_SERVER_URL as `unix:///path` (AF_UNIX socket,
// Host: localhost) or `http://host[:port][/ignored]`, POST /RPC2, HTTP basic
// auth from SUPERVISOR_USERNAME / SUPERVISOR_PASSWORD when set. One kept-alive
// connection, re-established after an error; a connect timeout and a total
// deadline on every call.
//
// Example:
//
//   absl::StatusOr<ServerConfig> config = ServerConfigFromEnvironment();
//   if (!config.ok()) ...  // kNotFound: SUPERVISOR_SERVER_URL is not set
//   absl::StatusOr<std::unique_ptr<CurlTransport>> transport =
//       CurlTransport::Create(*config);
//
// libcurl must be initialised once by main(), before any thread starts:
// curl::InitCurlGlobally() (curl/global.h; tests link
// //tests/testing:curl_test_main, whose main() does it). CurlTransport never
// initialises libcurl itself.
//
// A CurlTransport is not thread-safe: one call at a time.

#ifndef SVL_SUPERVISOR_RPC_CURL_TRANSPORT_H_
#define SVL_SUPERVISOR_RPC_CURL_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "supervisor_rpc/transport.h"

namespace svl {
namespace supervisor_rpc {

// Where supervisord listens, and how to log in.
struct ServerConfig {
  std::string url;       // unix:///path or http://host:port
  std::string username;  // empty: no credentials
  std::string password;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration deadline = absl::Seconds(30);  // per call, total
};

// ServerConfigFromEnvironment() reads SUPERVISOR_SERVER_URL (kNotFound when
// unset), SUPERVISOR_USERNAME and SUPERVISOR_PASSWORD, and validates the URL
// scheme (kInvalidArgument: "Unknown protocol for serverurl <url>").
absl::StatusOr<ServerConfig> ServerConfigFromEnvironment();

// CurlTransport posts XML-RPC requests with libcurl (unix:// or http://).
class CurlTransport : public Transport {
 public:
  // Create() validates the config (scheme unix:// or http://, non-empty
  // socket path / host) and prepares the handle. No connection is made yet.
  static absl::StatusOr<std::unique_ptr<CurlTransport>> Create(
      const ServerConfig& config);
  ~CurlTransport() override;

  // Post() sends one request. Errors as in transport.h; a libcurl failure
  // has the status code of curl/error.h and the message
  // "XML-RPC call to <url>: <libcurl's text> (curl error N)" (for a unix
  // socket that cannot be reached: "... cannot connect to unix socket
  // <path>: <errno text> (curl error 7)"); a non-200 reply is
  // kUnauthenticated for 401, else kInternal ("HTTP 500 ..."); a response
  // larger than kMaxResponseBytes is kResourceExhausted. After any error the
  // connection is dropped and the next call connects afresh.
  absl::StatusOr<std::string> Post(absl::string_view request_body) override;

 private:
  struct Impl;
  explicit CurlTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_CURL_TRANSPORT_H_
