// File: tests/testing/http_server.h
//
// A real HTTP/1.1 server on loopback for tests: it binds 127.0.0.1:0 (or
// [::1]:0), answers each request through a handler the test supplies, and
// records every request it received. It can also misbehave on purpose: hang
// without answering, or close the connection without a response.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start();
//   (*server)->SetHandler([](const HttpRequest& request) {
//     HttpResponse response;
//     response.status = 500;
//     response.reason = "Internal Server Error";
//     return response;
//   });
//   std::string url = (*server)->Url("/health");  // http://127.0.0.1:PORT/health

#ifndef SVL_TESTS_TESTING_HTTP_SERVER_H_
#define SVL_TESTS_TESTING_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace svl {
namespace testing {

struct HttpRequest {
  std::string method;
  std::string target;  // e.g. "/a/b?x=1"
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  std::string raw_head;  // the request line and headers, exact bytes

  // Header() returns the first header named `name` (case-insensitive) or "".
  std::string Header(absl::string_view name) const;
};

struct HttpResponse {
  enum class Action {
    kRespond,          // send status line, headers and body
    kHang,             // accept the request, never answer (until the server stops)
    kCloseImmediately, // close the connection without any response
  };
  Action action = Action::kRespond;
  int status = 200;
  std::string reason = "OK";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body = "OK";
  // Send the body this slowly: one chunk of `drip_bytes` every `drip_interval`
  // (0: all at once). For slow-drip tests.
  std::size_t drip_bytes = 0;
  absl::Duration drip_interval = absl::ZeroDuration();
};

// MakeResponse() is a kRespond answer with `status`, `reason` and `body`.
HttpResponse MakeResponse(int status, std::string reason, std::string body = "OK");

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Start() binds `host` ("127.0.0.1" or "::1") on a free port and serves
  // until destroyed. The default handler answers 200 OK with body "OK".
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(absl::string_view host = "127.0.0.1");
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // Url() gives http://127.0.0.1:PORT<path> (or http://[::1]:PORT<path>).
  std::string Url(absl::string_view path = "/") const;

  void SetHandler(HttpHandler handler);
  // SetResponse() answers every request with `response`.
  void SetResponse(HttpResponse response);

  // Every request received so far, in order.
  std::vector<HttpRequest> requests() const;
  // The number of TCP connections accepted so far.
  int connections() const;
  // WaitForRequests() waits until at least `count` requests were received;
  // false after `timeout`.
  bool WaitForRequests(size_t count, absl::Duration timeout) const;

 private:
  HttpServer() = default;
  void Serve();
  void HandleConnection(int fd);

  std::string host_;
  int port_ = 0;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};  // written to by the destructor to wake poll()
  std::thread thread_;
  std::vector<std::thread> connection_threads_;
  mutable absl::Mutex mu_;
  HttpHandler handler_ ABSL_GUARDED_BY(mu_);
  std::vector<HttpRequest> requests_ ABSL_GUARDED_BY(mu_);
  int connections_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace testing
}  // namespace svl

#endif  // SVL_TESTS_TESTING_HTTP_SERVER_H_
