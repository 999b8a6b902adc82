// File: curl/error.h
//
// The one translation of libcurl's error space (CURLcode, plus the handle's
// error buffer and the OS errno it recorded) to absl::Status. Every library
// that calls libcurl reports through it, so one failure has one status code
// everywhere:
//
//   kind          CURLcodes                                        status code
//   kTimeout      OPERATION_TIMEDOUT                               kDeadlineExceeded
//   kResolve      COULDNT_RESOLVE_HOST, COULDNT_RESOLVE_PROXY      kUnavailable
//   kConnect      COULDNT_CONNECT                                  kUnavailable
//   kNetwork      SEND_ERROR, RECV_ERROR, GOT_NOTHING              kUnavailable
//   kTls          SSL_CONNECT_ERROR, PEER_FAILED_VERIFICATION,     kFailedPrecondition
//                 USE_SSL_FAILED, SSL_* (certificate, CA file,
//                 cipher, engine, client certificate, ...)
//   kLogin        LOGIN_DENIED, AUTH_ERROR                         kUnauthenticated
//   kBadReply     WEIRD_SERVER_REPLY, PARTIAL_FILE,                kDataLoss
//                 BAD_CONTENT_ENCODING
//   kBadRequest   URL_MALFORMAT, UNSUPPORTED_PROTOCOL,             kInvalidArgument
//                 BAD_FUNCTION_ARGUMENT, UNKNOWN_OPTION,
//                 NOT_BUILT_IN, SETOPT_OPTION_SYNTAX
//   kResource     OUT_OF_MEMORY, FILESIZE_EXCEEDED                 kResourceExhausted
//   kOther        everything else (WRITE_ERROR, ABORTED_BY_...)    kInternal
//
// Why: a TLS or certificate failure does not go away by retrying (the
// configuration must change), so it is kFailedPrecondition; the network
// kinds are worth retrying, so they are kUnavailable.
//
// Example:
//
//   CURLcode code = easy.Perform();
//   absl::Status status = CurlStatus(code, easy.error_buffer(), easy.OsErrno());
//   // kUnavailable: "Failed to connect to 127.0.0.1 port 1 after 0 ms:
//   //               Connection refused"

#ifndef SVL_CURL_ERROR_H_
#define SVL_CURL_ERROR_H_

#include <curl/curl.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace curl {

// What kind of failure a CURLcode is (the table above); kNone for CURLE_OK.
enum class CurlErrorKind {
  kNone,
  kTimeout,
  kResolve,
  kConnect,
  kNetwork,
  kTls,
  kLogin,
  kBadReply,
  kBadRequest,
  kResource,
  kOther,
};

// CurlErrorKindOf() classifies `code` as in the table above.
CurlErrorKind CurlErrorKindOf(CURLcode code);

// CurlStatusCode() is the status code of `code` (the table above); kOk for
// CURLE_OK.
absl::StatusCode CurlStatusCode(CURLcode code);

// CurlErrorText() is a one-line description of a failure: `error_buffer`
// (the handle's CURLOPT_ERRORBUFFER) when it is not empty, else
// curl_easy_strerror(code). For CURLE_COULDNT_CONNECT with a non-zero
// `os_errno` (CURLINFO_OS_ERRNO), curl's generic "Couldn't connect to server"
// is replaced by the errno's text ("Connection refused", "No such file or
// directory", ...). CR and LF become spaces; leading and trailing white
// space is removed. "" for CURLE_OK.
std::string CurlErrorText(CURLcode code, absl::string_view error_buffer = "",
                          long os_errno = 0);

// CurlStatus() is Status(CurlStatusCode(code), CurlErrorText(code,
// error_buffer, os_errno)); OkStatus() for CURLE_OK. Callers add what they
// were doing in front of the message.
absl::Status CurlStatus(CURLcode code, absl::string_view error_buffer = "",
                        long os_errno = 0);

}  // namespace curl
}  // namespace svl

#endif  // SVL_CURL_ERROR_H_
