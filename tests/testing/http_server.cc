#include "tests/testing/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace svl {
namespace testing {
namespace {

// Waits until `fd` is readable or the stop pipe fires; false on stop.
bool WaitReadable(int fd, int stop_fd) {
  pollfd fds[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  while (true) {
    int r = poll(fds, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return false;
    if (fds[1].revents != 0) return false;
    if (fds[0].revents != 0) return true;
  }
}

bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

HttpResponse DefaultHandler(const HttpRequest&) { return HttpResponse(); }

}  // namespace

std::string HttpRequest::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(absl::string_view host) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->host_ = std::string(host);
  server->handler_ = DefaultHandler;
  bool v6 = absl::StrContains(host, ':');
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "socket");
  server->listen_fd_ = fd;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_storage storage{};
  socklen_t len = 0;
  if (v6) {
    auto* addr = reinterpret_cast<sockaddr_in6*>(&storage);
    addr->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, server->host_.c_str(), &addr->sin6_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad host ", host));
    }
    len = sizeof(sockaddr_in6);
  } else {
    auto* addr = reinterpret_cast<sockaddr_in*>(&storage);
    addr->sin_family = AF_INET;
    if (inet_pton(AF_INET, server->host_.c_str(), &addr->sin_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("bad host ", host));
    }
    len = sizeof(sockaddr_in);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&storage), len) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("bind ", host));
  }
  if (listen(fd, 64) != 0) return absl::ErrnoToStatus(errno, "listen");
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &len) != 0) {
    return absl::ErrnoToStatus(errno, "getsockname");
  }
  server->port_ = v6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port)
                     : ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  if (pipe2(server->stop_pipe_, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

HttpServer::~HttpServer() {
  if (stop_pipe_[1] >= 0) {
    char c = 'x';
    (void)!write(stop_pipe_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (std::thread& t : connection_threads_) t.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (stop_pipe_[0] >= 0) close(stop_pipe_[0]);
  if (stop_pipe_[1] >= 0) close(stop_pipe_[1]);
}

std::string HttpServer::Url(absl::string_view path) const {
  if (absl::StrContains(host_, ':')) return absl::StrCat("http://[", host_, "]:", port_, path);
  return absl::StrCat("http://", host_, ":", port_, path);
}

void HttpServer::SetHandler(HttpHandler handler) {
  absl::MutexLock lock(&mu_);
  handler_ = std::move(handler);
}

void HttpServer::SetResponse(HttpResponse response) {
  SetHandler([response](const HttpRequest&) { return response; });
}

std::vector<HttpRequest> HttpServer::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

HttpResponse MakeResponse(int status, std::string reason, std::string body) {
  HttpResponse response;
  response.status = status;
  response.reason = std::move(reason);
  response.body = std::move(body);
  return response;
}

bool HttpServer::WaitForRequests(size_t count, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  const auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return requests_.size() >= count;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

int HttpServer::connections() const {
  absl::MutexLock lock(&mu_);
  return connections_;
}

void HttpServer::Serve() {
  while (WaitReadable(listen_fd_, stop_pipe_[0])) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      absl::MutexLock lock(&mu_);
      ++connections_;
    }
    connection_threads_.emplace_back([this, fd] {
      HandleConnection(fd);
      close(fd);
    });
  }
}

void HttpServer::HandleConnection(int fd) {
  std::string buffer;
  while (true) {
    // Read one request head.
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!WaitReadable(fd, stop_pipe_[0])) return;
      char chunk[4096];
      ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    HttpRequest request;
    request.raw_head = buffer.substr(0, head_end + 4);
    std::vector<absl::string_view> lines =
        absl::StrSplit(absl::string_view(buffer).substr(0, head_end), "\r\n");
    std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
    if (parts.size() >= 2) {
      request.method = std::string(parts[0]);
      request.target = std::string(parts[1]);
    }
    size_t content_length = 0;
    for (size_t i = 1; i < lines.size(); ++i) {
      size_t colon = lines[i].find(':');
      if (colon == absl::string_view::npos) continue;
      std::string key(lines[i].substr(0, colon));
      std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
      if (absl::EqualsIgnoreCase(key, "Content-Length")) {
        (void)absl::SimpleAtoi(value, &content_length);
      }
      request.headers.emplace_back(std::move(key), std::move(value));
    }
    buffer.erase(0, head_end + 4);
    while (buffer.size() < content_length) {
      if (!WaitReadable(fd, stop_pipe_[0])) return;
      char chunk[4096];
      ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    request.body = buffer.substr(0, content_length);
    buffer.erase(0, content_length);

    HttpHandler handler;
    {
      absl::MutexLock lock(&mu_);
      requests_.push_back(request);
      handler = handler_;
    }
    HttpResponse response = handler(request);
    if (response.action == HttpResponse::Action::kCloseImmediately) return;
    if (response.action == HttpResponse::Action::kHang) {
      pollfd stop = {stop_pipe_[0], POLLIN, 0};
      while (poll(&stop, 1, -1) < 0 && errno == EINTR) {
      }
      return;
    }
    std::string head = absl::StrCat("HTTP/1.1 ", response.status, " ", response.reason, "\r\n");
    for (const auto& [key, value] : response.headers) {
      absl::StrAppend(&head, key, ": ", value, "\r\n");
    }
    absl::StrAppend(&head, "Content-Length: ", response.body.size(), "\r\n\r\n");
    if (!SendAll(fd, head)) return;
    if (response.drip_bytes == 0) {
      if (!SendAll(fd, response.body)) return;
    } else {
      absl::string_view rest = response.body;
      while (!rest.empty()) {
        size_t n = std::min(rest.size(), response.drip_bytes);
        if (!SendAll(fd, rest.substr(0, n))) return;
        rest.remove_prefix(n);
        pollfd stop = {stop_pipe_[0], POLLIN, 0};
        int ms = static_cast<int>(absl::ToInt64Milliseconds(response.drip_interval));
        if (poll(&stop, 1, ms) > 0) return;
      }
    }
  }
}

}  // namespace testing
}  // namespace svl
