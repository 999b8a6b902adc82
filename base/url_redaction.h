// File: base/url_redaction.h
//
// Keeping a URL's credentials out of logs and messages: finding the
// userinfo (`user:password@`) of a URL and showing the URL without it.
// Pure text work; nothing is resolved or validated.
//
// The authority is what follows the first "://" (or, without one, the
// text from its start) up to the first '/', '?' or '#'; the userinfo is the
// part of the authority before its last '@'.

#ifndef SVL_BASE_URL_REDACTION_H_
#define SVL_BASE_URL_REDACTION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace svl {
namespace base {

// UrlUserInfo() is the `user:password` (or `user`, or "") before the last
// '@' of the URL's authority, pointing into `url`; nullopt when the
// authority has no '@'.
//   UrlUserInfo("http://a:b@c@host?q=@") == "a:b@c"
//   UrlUserInfo("http://host/path?u=a@b") == nullopt
absl::optional<absl::string_view> UrlUserInfo(absl::string_view url);

// RedactUrl() is `url` with its userinfo replaced by "***"; `url` unchanged
// when it has none.
//   RedactUrl("http://user:pass@host:8080/x") == "http://***@host:8080/x"
//   RedactUrl("u:p@host/x") == "***@host/x"
std::string RedactUrl(absl::string_view url);

}  // namespace base
}  // namespace svl

#endif  // SVL_BASE_URL_REDACTION_H_
