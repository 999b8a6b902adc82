#include "mailer/smtp_status.h"

#include <curl/curl.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "curl/error.h"

namespace svl {
namespace mailer {
namespace {

absl::StatusCode CodeFor(CURLcode code, long smtp_code) {
  switch (curl::CurlErrorKindOf(code)) {
    case curl::CurlErrorKind::kNetwork:
    case curl::CurlErrorKind::kBadReply:
    case curl::CurlErrorKind::kOther:
      // curl fails a rejected command with SEND_ERROR, RECV_ERROR,
      // WEIRD_SERVER_REPLY, ...: the reply code tells a rejection from the
      // network.
      if (smtp_code >= 500) return absl::StatusCode::kFailedPrecondition;
      if (smtp_code >= 400) return absl::StatusCode::kUnavailable;
      break;
    default:
      break;
  }
  return curl::CurlStatusCode(code);
}

}  // namespace

absl::Status SmtpTransferStatus(CURLcode code, long smtp_code,
                                absl::string_view error_buffer,
                                absl::string_view server_reply,
                                absl::string_view url, long os_errno) {
  const absl::StatusCode status_code = CodeFor(code, smtp_code);
  if (status_code == absl::StatusCode::kOk) return absl::OkStatus();
  std::string message = absl::StrCat("SMTP delivery via ", url, " failed: ",
                                     curl::CurlErrorText(code, error_buffer, os_errno));
  if (!server_reply.empty()) {
    absl::StrAppend(&message, " (server said: ", server_reply, ")");
  }
  return absl::Status(status_code, message);
}

}  // namespace mailer
}  // namespace svl
