// File: curl/url.h
//
// RAII over libcurl's URL API (curl_url): a parsed-URL handle and the
// strings curl_url_get() returns. Errors of this API (CURLUcode) stay with
// the caller, which knows which part of a URL it was checking.
//
// Example:
//
//   absl::StatusOr<UrlHandle> url = NewUrlHandle();
//   if (!url.ok()) return url.status();
//   if (curl_url_set(url->get(), CURLUPART_URL, "http://h:8080/", 0) != CURLUE_OK) ...
//   CurlString host = GetUrlPart(*url, CURLUPART_HOST);  // "h", or null

#ifndef SVL_CURL_URL_H_
#define SVL_CURL_URL_H_

#include <curl/curl.h>

#include <memory>

#include "absl/status/statusor.h"

namespace svl {
namespace curl {

// Frees a string libcurl allocated (curl_free).
struct CurlFreeDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// CurlString owns a NUL-terminated string allocated by libcurl.
using CurlString = std::unique_ptr<char, CurlFreeDeleter>;

// Cleans up a URL handle (curl_url_cleanup).
struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// UrlHandle owns one URL handle (curl_url).
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// NewUrlHandle() is an empty URL handle; kResourceExhausted
// "curl_url() failed" when libcurl cannot allocate one.
absl::StatusOr<UrlHandle> NewUrlHandle();

// GetUrlPart() is curl_url_get(url, part, flags): the part's text, or null
// when the URL lacks it or libcurl fails.
CurlString GetUrlPart(const UrlHandle& url, CURLUPart part, unsigned int flags = 0);

}  // namespace curl
}  // namespace svl

#endif  // SVL_CURL_URL_H_
