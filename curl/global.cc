#include "curl/global.h"

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace svl {
namespace curl {

absl::Status InitCurlGlobally() {
  const CURLcode code = curl_global_init(CURL_GLOBAL_ALL);
  if (code != CURLE_OK) {
    return absl::InternalError(absl::StrCat("curl_global_init failed: ", curl_easy_strerror(code)));
  }
  return absl::OkStatus();
}

void CleanUpCurlGlobally() { curl_global_cleanup(); }

}  // namespace curl
}  // namespace svl
