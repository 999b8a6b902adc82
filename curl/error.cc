#include "curl/error.h"

#include <curl/curl.h>
#include <string.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace curl {
namespace {

std::string ErrnoText(long os_errno) {
  char buffer[128];
  // GNU strerror_r returns the text (maybe not in `buffer`).
  return strerror_r(static_cast<int>(os_errno), buffer, sizeof(buffer));
}

}  // namespace

CurlErrorKind CurlErrorKindOf(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return CurlErrorKind::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return CurlErrorKind::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return CurlErrorKind::kResolve;
    case CURLE_COULDNT_CONNECT:
      return CurlErrorKind::kConnect;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return CurlErrorKind::kNetwork;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CLIENTCERT:
      return CurlErrorKind::kTls;
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
      return CurlErrorKind::kLogin;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
      return CurlErrorKind::kBadReply;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
    case CURLE_SETOPT_OPTION_SYNTAX:
      return CurlErrorKind::kBadRequest;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FILESIZE_EXCEEDED:
      return CurlErrorKind::kResource;
    default:
      return CurlErrorKind::kOther;
  }
}

absl::StatusCode CurlStatusCode(CURLcode code) {
  switch (CurlErrorKindOf(code)) {
    case CurlErrorKind::kNone:
      return absl::StatusCode::kOk;
    case CurlErrorKind::kTimeout:
      return absl::StatusCode::kDeadlineExceeded;
    case CurlErrorKind::kResolve:
    case CurlErrorKind::kConnect:
    case CurlErrorKind::kNetwork:
      return absl::StatusCode::kUnavailable;
    case CurlErrorKind::kTls:
      return absl::StatusCode::kFailedPrecondition;
    case CurlErrorKind::kLogin:
      return absl::StatusCode::kUnauthenticated;
    case CurlErrorKind::kBadReply:
      return absl::StatusCode::kDataLoss;
    case CurlErrorKind::kBadRequest:
      return absl::StatusCode::kInvalidArgument;
    case CurlErrorKind::kResource:
      return absl::StatusCode::kResourceExhausted;
    case CurlErrorKind::kOther:
      break;
  }
  return absl::StatusCode::kInternal;
}

std::string CurlErrorText(CURLcode code, absl::string_view error_buffer, long os_errno) {
  if (code == CURLE_OK) return "";
  std::string text(error_buffer.empty() ? absl::string_view(curl_easy_strerror(code))
                                        : error_buffer);
  // curl says "Couldn't connect to server" for every connect failure; the
  // errno says which (Connection refused, No route to host, ...).
  if (code == CURLE_COULDNT_CONNECT && os_errno != 0) {
    text = absl::StrReplaceAll(text, {{"Couldn't connect to server", ErrnoText(os_errno)}});
  }
  text = absl::StrReplaceAll(text, {{"\r", " "}, {"\n", " "}});
  absl::StripAsciiWhitespace(&text);
  return text;
}

absl::Status CurlStatus(CURLcode code, absl::string_view error_buffer, long os_errno) {
  if (code == CURLE_OK) return absl::OkStatus();
  return absl::Status(CurlStatusCode(code), CurlErrorText(code, error_buffer, os_errno));
}

}  // namespace curl
}  // namespace svl
