#include "kit/webhook.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/control_chars.h"
#include "base/url_redaction.h"
#include "curl/easy.h"
#include "curl/error.h"
#include "curl/url.h"

namespace svl {
namespace kit {
namespace {

// RFC 9110 token characters: what a header name may hold.
bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool IsToken(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

absl::string_view StripBlanks(absl::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

// The header's error when `name` and `value` cannot be sent as they are;
// the value is never shown (it is usually a secret).
absl::Status CheckHeader(absl::string_view name, absl::string_view value) {
  if (name.empty()) return absl::InvalidArgumentError("header with an empty name");
  if (!IsToken(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("header name '", absl::CHexEscape(name), "' is not a token"));
  }
  if (base::HasAsciiControl(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("header '", name, "' has a control character in its value"));
  }
  return absl::OkStatus();
}

// CURLOPT_TIMEOUT_MS of `timeout`: 0 would mean "none", so at least 1 ms.
long TimeoutMillis(absl::Duration timeout) {
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(timeout, absl::Milliseconds(1)));
  return static_cast<long>(std::clamp<int64_t>(ms, 1, INT_MAX));
}

// How one attempt ended: a transfer error, or an HTTP answer.
struct AttemptResult {
  CURLcode code = CURLE_OK;
  std::string error_text;  // CurlErrorText() when code != CURLE_OK
  long http_status = 0;
  std::string reason;  // the status line's reason phrase ("" in HTTP/2)
};

// The response's body is of no use here: read and forgotten.
size_t DiscardBody(char*, size_t size, size_t count, void*) { return size * count; }

// Keeps the reason phrase of the last status line ("HTTP/1.1 500 Internal
// Server Error\r\n"); a 100 Continue comes before the real answer.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  const size_t bytes = size * count;
  absl::string_view line(data, bytes);
  if (absl::StartsWith(line, "HTTP/")) {
    line = absl::StripTrailingAsciiWhitespace(line);
    const size_t version_end = line.find(' ');
    const size_t code_end =
        version_end == absl::string_view::npos ? line.npos : line.find(' ', version_end + 1);
    *static_cast<std::string*>(user) =
        code_end == absl::string_view::npos ? "" : std::string(line.substr(code_end + 1));
  }
  return bytes;
}

// One POST on a fresh handle (so a retry opens a fresh connection).
// libcurl's progress callback (called about once a second, and more often
// while data moves): a non-zero answer aborts the transfer.
int AbortWhenCancelled(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

absl::StatusOr<AttemptResult> PostOnce(const WebhookConfig& config, const std::string& url,
                                       const curl::Slist& headers, const std::string& json,
                                       const std::atomic<bool>* cancel) {
  absl::StatusOr<curl::EasyHandle> easy = curl::EasyHandle::Create();
  if (!easy.ok()) return easy.status();
  AttemptResult result;
  curl::OptionSetter set(*easy);
  set(CURLOPT_URL, url.c_str())
     (CURLOPT_PROTOCOLS_STR, "http,https")
     (CURLOPT_FOLLOWLOCATION, 0L)  // a redirect is an answer other than 2xx
     (CURLOPT_TIMEOUT_MS, TimeoutMillis(config.timeout))
     (CURLOPT_USERAGENT, "svlisten-webhook")
     (CURLOPT_HTTPHEADER, headers.get())
     (CURLOPT_POST, 1L)
     (CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()))
     (CURLOPT_POSTFIELDS, json.data())
     (CURLOPT_WRITEFUNCTION, &DiscardBody)
     (CURLOPT_HEADERFUNCTION, &OnHeader)
     (CURLOPT_HEADERDATA, static_cast<void*>(&result.reason));
  if (!config.ca_file.empty()) set(CURLOPT_CAINFO, config.ca_file.c_str());
  if (cancel != nullptr) {
    set(CURLOPT_NOPROGRESS, 0L)
       (CURLOPT_XFERINFOFUNCTION, &AbortWhenCancelled)
       (CURLOPT_XFERINFODATA, static_cast<void*>(const_cast<std::atomic<bool>*>(cancel)));
  }
  if (!set.status().ok()) return set.status();
  result.code = easy->Perform();
  if (result.code != CURLE_OK) {
    result.error_text = easy->ErrorText(result.code);
  } else {
    result.http_status = easy->ResponseCode();
  }
  return result;
}

// No HTTP answer at all for a reason a new connection may not have, or a
// server error: worth one more attempt. A timeout is not (the deadline
// would be spent twice).
bool WorthRetrying(const AttemptResult& result) {
  switch (result.code) {
    case CURLE_OK:
      return result.http_status >= 500 && result.http_status <= 599;
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string WebhookJson(const WebhookNotice& notice) {
  nlohmann::ordered_json document;
  document["text"] = notice.text;
  document["listener"] = notice.listener;
  document["name"] = notice.name;
  document["host"] = notice.host;
  document["event"] = notice.event;
  document["processes"] = nlohmann::ordered_json::array();
  for (const std::string& process : notice.processes) document["processes"].push_back(process);
  document["reason"] = notice.reason;
  document["subject"] = notice.subject;
  document["body"] = notice.body;
  document["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", notice.time, absl::UTCTimeZone());
  return document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string ShownWebhookUrl(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  // Not a URL at all: shown as written (credentials masked), to be fixed.
  if (scheme_end == absl::string_view::npos) return base::RedactUrl(url);
  const absl::string_view scheme = url.substr(0, scheme_end);
  const bool has_user_info = url.find('@', scheme_end) != absl::string_view::npos;
  // With a user name and password, libcurl's parser finds the host even
  // behind a password holding '/', '?' or '#'.
  absl::StatusOr<curl::UrlHandle> parsed = curl::NewUrlHandle();
  if (has_user_info && parsed.ok() && curl_url_set(parsed->get(), CURLUPART_URL, std::string(url).c_str(),
                                  CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    const curl::CurlString host = curl::GetUrlPart(*parsed, CURLUPART_HOST);
    const curl::CurlString port = curl::GetUrlPart(*parsed, CURLUPART_PORT);
    const curl::CurlString path = curl::GetUrlPart(*parsed, CURLUPART_PATH);
    const curl::CurlString query = curl::GetUrlPart(*parsed, CURLUPART_QUERY);
    const absl::string_view path_text = path != nullptr ? path.get() : "";
    const absl::string_view rest_of_url = url.substr(scheme_end + 3);
    const bool ends_at_authority = rest_of_url.find_first_of("/?#") == absl::string_view::npos;
    return absl::StrCat(scheme, "://", host != nullptr ? host.get() : "",
                        port != nullptr ? absl::StrCat(":", port.get()) : "",
                        query != nullptr || (path_text != "/" && !path_text.empty())
                            ? "/***"
                            : (ends_at_authority ? "" : "/"));
  }
  // Unparsable: nothing after the scheme is shown if it may hold a password.
  if (has_user_info) return absl::StrCat(scheme, "://***");
  size_t authority_end = url.find_first_of("/?#", scheme_end + 3);
  if (authority_end == absl::string_view::npos) authority_end = url.size();
  const absl::string_view rest = url.substr(authority_end);
  return absl::StrCat(url.substr(0, authority_end), rest.empty() || rest == "/" ? rest : "/***");
}

absl::Status CheckWebhookUrl(absl::string_view url) {
  const std::string shown = ShownWebhookUrl(url);
  if (std::any_of(url.begin(), url.end(), [](char c) { return c == ' '; }) ||
      base::HasAsciiControl(url)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", absl::CHexEscape(shown), "' holds a space or a control character"));
  }
  const size_t scheme_end = url.find("://");
  const absl::string_view scheme =
      scheme_end == absl::string_view::npos ? "" : url.substr(0, scheme_end);
  if (!absl::EqualsIgnoreCase(scheme, "http") && !absl::EqualsIgnoreCase(scheme, "https")) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", shown, "' is not an http:// or https:// URL"));
  }
  // The host: the authority without its userinfo and its port.
  absl::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  if (at != absl::string_view::npos) authority.remove_prefix(at + 1);
  const absl::string_view host = absl::StartsWith(authority, "[")
                                     ? authority.substr(1, authority.find(']') - 1)
                                     : authority.substr(0, authority.find(':'));
  if (host.empty()) return absl::InvalidArgumentError(absl::StrCat("'", shown, "' has no host"));

  absl::StatusOr<curl::UrlHandle> parsed = curl::NewUrlHandle();
  if (!parsed.ok()) return parsed.status();
  const std::string url_string(url);
  const CURLUcode code = curl_url_set(parsed->get(), CURLUPART_URL, url_string.c_str(), 0);
  if (code != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", shown, "' is not a valid URL: ", curl_url_strerror(code)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::string, std::string>> ParseWebhookHeader(absl::string_view header) {
  const size_t colon = header.find(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError("webhook header without ':' (expected \"Name: value\")");
  }
  const absl::string_view name = header.substr(0, colon);
  const absl::string_view value = StripBlanks(header.substr(colon + 1));
  if (absl::Status status = CheckHeader(name, value); !status.ok()) {
    return absl::Status(status.code(), absl::StrCat("webhook ", status.message()));
  }
  return std::make_pair(std::string(name), std::string(value));
}

WebhookClient::WebhookClient(WebhookConfig config) : config_(std::move(config)) {}

absl::Status WebhookClient::Post(const std::string& url, const std::string& json,
                                 const std::atomic<bool>* cancel) const {
  const std::string prefix = absl::StrCat("webhook ", ShownWebhookUrl(url), ": ");
  curl::Slist headers;
  // "Expect:" keeps curl from waiting for a 100 Continue before a large body.
  for (absl::string_view line : {"Content-Type: application/json", "Expect:"}) {
    if (absl::Status status = headers.Append(line); !status.ok()) {
      return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
    }
  }
  for (const auto& [name, value] : config_.headers) {
    if (absl::Status status = CheckHeader(name, value); !status.ok()) {
      return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
    }
    // "Name:" would make curl remove the header; "Name;" sends it empty.
    const std::string line = value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value);
    if (absl::Status status = headers.Append(line); !status.ok()) {
      return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
    }
  }

  absl::StatusOr<AttemptResult> result = PostOnce(config_, url, headers, json, cancel);
  bool retried = false;
  if (result.ok() && WorthRetrying(*result) && !(cancel != nullptr && cancel->load())) {
    result = PostOnce(config_, url, headers, json, cancel);
    retried = true;
  }
  if (result.ok() && result->code == CURLE_ABORTED_BY_CALLBACK) {
    return absl::CancelledError(absl::StrCat(prefix, "abandoned: the listener is stopping"));
  }
  if (!result.ok()) {
    return absl::Status(result.status().code(), absl::StrCat(prefix, result.status().message()));
  }
  const absl::string_view after = retried ? " (after a retry)" : "";
  if (result->code != CURLE_OK) {
    return absl::Status(curl::CurlStatusCode(result->code),
                        absl::StrCat(prefix, result->error_text, after));
  }
  const long status = result->http_status;
  if (status >= 200 && status <= 299) return absl::OkStatus();
  // A server error may pass; any other answer needs the configuration changed.
  const absl::StatusCode code = status >= 500 && status <= 599
                                    ? absl::StatusCode::kUnavailable
                                    : absl::StatusCode::kFailedPrecondition;
  return absl::Status(code, absl::StrCat(prefix, "HTTP ", status,
                                         result->reason.empty() ? "" : " ", result->reason, after));
}

}  // namespace kit
}  // namespace svl
