// File: mailer/smtp_status.h
//
// Internal to //mailer: the one translation from a libcurl SMTP transfer
// result (CURLcode + last SMTP reply code + texts) to absl::Status.
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

// SmtpTransferStatus() maps `code` (the result of curl_easy_perform or of a
// curl_easy_setopt), `smtp_code` (CURLINFO_RESPONSE_CODE: the last SMTP reply
// code, 0 if none), `error_buffer` (CURLOPT_ERRORBUFFER; empty: the text of
// curl_easy_strerror is used) and `server_reply` (the last line the server
// sent, "" if none) to a Status whose message is
//   "SMTP delivery via <url> failed: <error>[ (server said: <reply>)]".
// Codes:
//   CURLE_OK                                        -> OK
//   OPERATION_TIMEDOUT                              -> kDeadlineExceeded
//   LOGIN_DENIED, AUTH_ERROR                        -> kUnauthenticated
//   COULDNT_RESOLVE_HOST/PROXY, COULDNT_CONNECT,
//   SSL_CONNECT_ERROR                               -> kUnavailable
//   USE_SSL_FAILED (no STARTTLS), PEER_FAILED_VERIFICATION,
//   SSL_CACERT_BADFILE, SSL_CERTPROBLEM             -> kFailedPrecondition
//   URL_MALFORMAT, UNSUPPORTED_PROTOCOL             -> kInvalidArgument
//   anything else: a 5xx reply (e.g. rejected recipient or sender) ->
//   kFailedPrecondition; a 4xx reply (try later) -> kUnavailable; no error
//   reply and a SEND/RECV/GOT_NOTHING error (network) -> kUnavailable;
//   otherwise kInternal.
absl::Status SmtpTransferStatus(CURLcode code, long smtp_code,
                                absl::string_view error_buffer,
                                absl::string_view server_reply,
                                absl::string_view url);

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_SMTP_STATUS_H_
