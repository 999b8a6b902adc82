#include "base/url_redaction.h"

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace svl {
namespace base {

absl::optional<absl::string_view> UrlUserInfo(absl::string_view url) {
  std::size_t start = url.find("://");
  start = start == absl::string_view::npos ? 0 : start + 3;
  std::size_t end = url.find_first_of("/?#", start);
  if (end == absl::string_view::npos) end = url.size();
  const absl::string_view authority = url.substr(start, end - start);
  const std::size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return absl::nullopt;
  return authority.substr(0, at);
}

std::string RedactUrl(absl::string_view url) {
  const absl::optional<absl::string_view> user_info = UrlUserInfo(url);
  if (!user_info.has_value()) return std::string(url);
  const std::size_t start = static_cast<std::size_t>(user_info->data() - url.data());
  return absl::StrCat(url.substr(0, start), "***", url.substr(start + user_info->size()));
}

}  // namespace base
}  // namespace svl
