// File: mailer/smtp_status.h
//
// Internal to //mailer: an SMTP transfer's result (CURLcode + last SMTP
// reply code + texts) as absl::Status, a thin layer over libcurl's one
// translation (curl/error.h) that adds what the server's reply code says.
//
// Example:
//
//   absl::Status s = SmtpTransferStatus(CURLE_COULDNT_CONNECT, 0,
//       "Failed to connect to 127.0.0.1 port 1: Connection refused", "",
//       "smtp://127.0.0.1:1");
//   // kUnavailable: "SMTP delivery via smtp://127.0.0.1:1 failed: Failed to
//   //               connect to 127.0.0.1 port 1: Connection refused"

#ifndef SVL_MAILER_SMTP_STATUS_H_
#define SVL_MAILER_SMTP_STATUS_H_

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace mailer {

// SmtpTransferStatus() maps `code` (the result of curl_easy_perform),
// `smtp_code` (the last SMTP reply code, 0 if none), `error_buffer` (the
// handle's error buffer, may be empty), `server_reply` (the last error line
// the server sent, "" if none) and `os_errno` (CURLINFO_OS_ERRNO, 0 if none)
// to a Status whose message is
//   "SMTP delivery via <url> failed: <curl::CurlErrorText()>[ (server said: <reply>)]".
// Codes: those of curl::CurlStatusCode() (curl/error.h: deadline ->
// kDeadlineExceeded, refused/unresolvable -> kUnavailable, AUTH refused ->
// kUnauthenticated, TLS, certificate or no STARTTLS when required ->
// kFailedPrecondition, ...), except that a transfer that failed on the
// server's word (a network, bad-reply or other error: curl reports a
// rejection as one) takes the reply code's meaning: 5xx (e.g. a rejected
// recipient or sender) -> kFailedPrecondition, 4xx (try later) ->
// kUnavailable. CURLE_OK -> OK.
absl::Status SmtpTransferStatus(CURLcode code, long smtp_code,
                                absl::string_view error_buffer,
                                absl::string_view server_reply,
                                absl::string_view url, long os_errno = 0);

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_SMTP_STATUS_H_
