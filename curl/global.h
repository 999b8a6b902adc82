// File: curl/global.h
//
// libcurl's process-wide initialisation, done once by main() before any
// thread starts (curl_global_init is not thread-safe), and never again by a
// library: libraries that use libcurl (curl/easy.h) require it.
//
// Example:
//
//   int main() {
//     if (absl::Status s = svl::curl::InitCurlGlobally(); !s.ok()) { ... exit 1 }
//     ...
//   }

#ifndef SVL_CURL_GLOBAL_H_
#define SVL_CURL_GLOBAL_H_

#include "absl/status/status.h"

namespace svl {
namespace curl {

// InitCurlGlobally() calls curl_global_init(CURL_GLOBAL_ALL). kInternal
// "curl_global_init failed: <curl's text>" when it fails. libcurl counts
// the calls: each one needs a CleanUpCurlGlobally() to undo it.
absl::Status InitCurlGlobally();

// CleanUpCurlGlobally() calls curl_global_cleanup(). Only when no thread
// uses libcurl any more; a process that exits may skip it.
void CleanUpCurlGlobally();

}  // namespace curl
}  // namespace svl

#endif  // SVL_CURL_GLOBAL_H_
