#include "httpok/reasons.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "httpok/http_probe.h"

namespace svl {
namespace httpok {

std::string StatusReason(int status) { return absl::StrCat("status=", status); }

absl::string_view ProbeErrorReason(ProbeErrorKind kind) {
  switch (kind) {
    case ProbeErrorKind::kTimeout:
      return reason::kTimeout;
    case ProbeErrorKind::kRefused:
      return reason::kRefused;
    case ProbeErrorKind::kDns:
      return reason::kDns;
    case ProbeErrorKind::kTls:
      return reason::kTls;
    case ProbeErrorKind::kNone:
    case ProbeErrorKind::kOther:
      break;
  }
  return reason::kError;
}

}  // namespace httpok
}  // namespace svl
