// File: httpok/reasons.h
//
// httpok's reason codes for its event-log lines (kit/event_log.h): the kit's
// shared codes and those only an HTTP check has.
//
// Example:
//
//   log.Log({result.responded ? StatusReason(result.status)
//                             : std::string(ProbeErrorReason(result.error_kind)),
//            url, msg});

#ifndef SVL_HTTPOK_REASONS_H_
#define SVL_HTTPOK_REASONS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "httpok/http_probe.h"
#include "kit/event_log.h"

namespace svl {
namespace httpok {

// Reason codes. Codes with a value are built by the functions below.
namespace reason {
using kit::reason::kMail;  // a mail was not sent
using kit::reason::kOk;    // the check passed
using kit::reason::kRpc;   // a supervisord call failed
inline constexpr char kTimeout[] = "timeout";   // no response in time
inline constexpr char kRefused[] = "refused";   // connection refused
inline constexpr char kDns[] = "dns";           // name not resolved
inline constexpr char kTls[] = "tls";           // handshake/verification
inline constexpr char kError[] = "error";       // any other probe error
inline constexpr char kBody[] = "body";         // -b text missing
inline constexpr char kNotBody[] = "not-body";  // --not-body text present
}  // namespace reason

// StatusReason(503) is "status=503": the check got an unaccepted status.
std::string StatusReason(int status);

// ProbeErrorReason() maps a probe error kind to timeout/refused/dns/tls, and
// kOther (and kNone) to "error".
absl::string_view ProbeErrorReason(ProbeErrorKind kind);

}  // namespace httpok
}  // namespace svl

#endif  // SVL_HTTPOK_REASONS_H_
