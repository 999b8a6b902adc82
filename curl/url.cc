#include "curl/url.h"

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace svl {
namespace curl {

absl::StatusOr<UrlHandle> NewUrlHandle() {
  UrlHandle url(curl_url());
  if (url == nullptr) return absl::ResourceExhaustedError("curl_url() failed");
  return url;
}

CurlString GetUrlPart(const UrlHandle& url, CURLUPart part, unsigned int flags) {
  char* text = nullptr;
  if (curl_url_get(url.get(), part, &text, flags) != CURLUE_OK) {
    curl_free(text);
    return nullptr;
  }
  return CurlString(text);
}

}  // namespace curl
}  // namespace svl
