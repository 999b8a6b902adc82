// File: kit/webhook.h
//
// Chat and incident webhooks (--webhook URL): every notice a listener
// would mail is also POSTed, as one JSON document, to each URL. The
// document's `text` is the one-line summary a human reads first (Slack,
// Mattermost and Rocket.Chat incoming webhooks show it as it is); the
// other fields are for machines:
//
//   {"text":"httpok [edge1]: http://db1/health: bad status returned","listener":"httpok",
//    "name":"edge1","host":"db1","event":"restart","processes":["web:web"],
//    "reason":"status=503","subject":"...","body":"...","time":"2026-12-01T13:32:51Z"}
//
// The JSON is built with nlohmann::json: keys in this order, every string
// valid UTF-8 (bytes that are not are replaced by U+FFFD), non-ASCII kept
// as it is.
//
// Each POST (Content-Type: application/json, plus every --webhook-header)
// has a deadline (--webhook-timeout, default 5 s); a connection error (no
// connection, or closed before a response) or a 5xx answer is retried once;
// any other answer than 2xx is an error. TLS is verified against the
// system's CAs (or `ca_file`). Credentials in a URL never appear in an
// error: the URL is shown through ShownWebhookUrl(), which keeps only its
// scheme, host and port (Slack's and most services' URLs carry their
// secret in the path).
//
// Example:
//
//   WebhookClient client({urls, headers, absl::Seconds(5), ""});
//   absl::Status s = client.Post(urls[0], WebhookJson(notice));

#ifndef SVL_KIT_WEBHOOK_H_
#define SVL_KIT_WEBHOOK_H_

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace svl {
namespace kit {

// The default deadline of one POST (--webhook-timeout).
inline constexpr absl::Duration kDefaultWebhookTimeout = absl::Seconds(5);

// One notice, as a webhook receives it.
struct WebhookNotice {
  std::string text;      // the one-line summary
  std::string listener;  // "httpok"
  std::string name;      // -n ("" : written as "")
  std::string host;      // this machine's name
  std::string event;     // restart, give-up, recovery, crash, batch, ...
  std::vector<std::string> processes;  // group:name of each process concerned
  std::string reason;    // the reason code ("status=503", "crash", ...)
  std::string subject;   // the mail's subject
  std::string body;      // the mail's body
  absl::Time time;       // when the notice was made
};

// WebhookJson() is the JSON document of `notice` (see the top); the time in
// RFC 3339, UTC, whole seconds ("2026-12-01T13:32:51Z").
std::string WebhookJson(const WebhookNotice& notice);

// Where and how notices are POSTed.
struct WebhookConfig {
  std::vector<std::string> urls;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  absl::Duration timeout = kDefaultWebhookTimeout;  // per attempt
  std::string ca_file;  // "" : the system's CAs
};

// ShownWebhookUrl() is `url` as stderr and errors show it: the scheme,
// host and port, the user information dropped and any path or query
// replaced by `/***`: "https://hooks.slack.com/***",
// "http://127.0.0.1:8080" (nothing after the port).
std::string ShownWebhookUrl(absl::string_view url);

// CheckWebhookUrl() accepts an http:// or https:// URL with a host and
// without control characters or spaces. kInvalidArgument otherwise, the URL
// shown redacted:
//   "'ftp://x/' is not an http:// or https:// URL"
//   "'http://***@/x' has no host"
//   "'http://x/a\x01' holds a space or a control character" (C-escaped)
//   "'http://x:99999/' is not a valid URL: <libcurl's reason>"
absl::Status CheckWebhookUrl(absl::string_view url);

// ParseWebhookHeader() splits "Name: value" (--webhook-header) at its first
// ':' and strips blanks around the value. kInvalidArgument for a missing
// ':', an empty or invalid header name (RFC 9110 token characters only), or
// control characters in the value (the value itself is never quoted: it is
// usually a secret):
//   "webhook header without ':' (expected \"Name: value\")"
//   "webhook header with an empty name"
//   "webhook header name 'X Y' is not a token"
//   "webhook header 'X-Key' has a control character in its value"
absl::StatusOr<std::pair<std::string, std::string>> ParseWebhookHeader(absl::string_view header);

// WebhookClient POSTs JSON documents (see the top). Thread-safe; each Post()
// uses its own curl handle. main() must have initialised libcurl
// (curl::InitCurlGlobally()).
class WebhookClient {
 public:
  explicit WebhookClient(WebhookConfig config);

  const WebhookConfig& config() const { return config_; }

  // Post() sends `json` to `url` (one of config().urls), retrying once as
  // described at the top. Errors: "webhook <redacted url>: <what>", e.g.
  // "webhook http://127.0.0.1:8080/***: HTTP 500 Internal Server Error
  // (after a retry)", "... : Operation timed out after 5000 milliseconds
  // ...", "... : Couldn't connect to server (after a retry)". Codes: a
  // transfer failure's is curl/error.h's; a 5xx answer is kUnavailable, any
  // other answer than 2xx (a redirect too: none is followed)
  // kFailedPrecondition; a configured header ParseWebhookHeader() would
  // refuse is kInvalidArgument, nothing sent. Proxies come from the
  // environment (http_proxy, https_proxy, no_proxy), as libcurl reads them.
  // When `cancel` (optional) becomes true, the POST in progress is
  // abandoned within about a second: kCancelled "webhook <url>: abandoned:
  // the listener is stopping".
  absl::Status Post(const std::string& url, const std::string& json,
                    const std::atomic<bool>* cancel = nullptr) const;

 private:
  const WebhookConfig config_;
};

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_WEBHOOK_H_
