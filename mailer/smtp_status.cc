#include "mailer/smtp_status.h"

#include <curl/curl.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace mailer {
namespace {

absl::StatusCode CodeFor(CURLcode code, long smtp_code) {
  switch (code) {
    case CURLE_OK:
      return absl::StatusCode::kOk;
    case CURLE_OPERATION_TIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
      return absl::StatusCode::kUnauthenticated;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
      return absl::StatusCode::kUnavailable;
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return absl::StatusCode::kFailedPrecondition;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::StatusCode::kInvalidArgument;
    default:
      break;
  }
  if (smtp_code >= 500) return absl::StatusCode::kFailedPrecondition;
  if (smtp_code >= 400) return absl::StatusCode::kUnavailable;
  switch (code) {
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status SmtpTransferStatus(CURLcode code, long smtp_code,
                                absl::string_view error_buffer,
                                absl::string_view server_reply,
                                absl::string_view url) {
  const absl::StatusCode status_code = CodeFor(code, smtp_code);
  if (status_code == absl::StatusCode::kOk) return absl::OkStatus();
  std::string message = absl::StrCat(
      "SMTP delivery via ", url, " failed: ",
      error_buffer.empty() ? absl::string_view(curl_easy_strerror(code))
                           : error_buffer);
  if (!server_reply.empty()) {
    absl::StrAppend(&message, " (server said: ", server_reply, ")");
  }
  return absl::Status(status_code, message);
}

}  // namespace mailer
}  // namespace svl
