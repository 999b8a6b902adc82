#include "curl/easy.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "curl/error.h"

namespace svl {
namespace curl {
namespace {

// "CURLOPT_URL", or "#10002" for an option libcurl's table lacks.
std::string OptionName(CURLoption option) {
  const curl_easyoption* entry = curl_easy_option_by_id(option);
  if (entry == nullptr) return absl::StrCat("#", static_cast<int>(option));
  return absl::StrCat("CURLOPT_", entry->name);
}

bool Fits(OptionArgument argument, curl_easytype type) {
  switch (argument) {
    case OptionArgument::kLong:
      return type == CURLOT_LONG || type == CURLOT_VALUES;
    case OptionArgument::kOffT:
      return type == CURLOT_OFF_T;
    case OptionArgument::kLongOrOffT:
      return type == CURLOT_LONG || type == CURLOT_VALUES || type == CURLOT_OFF_T;
    case OptionArgument::kDataPointer:
      return type == CURLOT_OBJECT || type == CURLOT_STRING || type == CURLOT_SLIST ||
             type == CURLOT_CBPTR || type == CURLOT_BLOB;
    case OptionArgument::kFunctionPointer:
      return type == CURLOT_FUNCTION;
  }
  return false;
}

absl::string_view ArgumentName(OptionArgument argument) {
  switch (argument) {
    case OptionArgument::kLong:
      return "a long";
    case OptionArgument::kOffT:
      return "a curl_off_t";
    case OptionArgument::kLongOrOffT:
      return "a long";
    case OptionArgument::kDataPointer:
      return "a data pointer";
    case OptionArgument::kFunctionPointer:
      return "a function pointer";
  }
  return "a value";
}

}  // namespace

absl::Status CheckOptionArgument(CURLoption option, OptionArgument argument) {
  const curl_easyoption* entry = curl_easy_option_by_id(option);
  if (entry == nullptr || Fits(argument, entry->type)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("curl option ", OptionName(option),
                                                 ": does not take ", ArgumentName(argument)));
}

absl::Status SetOptionResult(CURLoption option, CURLcode code) {
  if (code == CURLE_OK) return absl::OkStatus();
  return absl::Status(CurlStatusCode(code),
                      absl::StrCat("curl option ", OptionName(option), ": ", CurlErrorText(code)));
}

absl::StatusOr<EasyHandle> EasyHandle::Create() {
  EasyHandle easy;
  easy.handle_.reset(curl_easy_init());
  if (easy.handle_ == nullptr) return absl::InternalError("curl_easy_init failed");
  easy.error_buffer_ = std::make_unique<char[]>(CURL_ERROR_SIZE);
  easy.error_buffer_[0] = '\0';
  OptionSetter set(easy);
  set(CURLOPT_ERRORBUFFER, easy.error_buffer_.get())(CURLOPT_NOSIGNAL, 1L);
  if (!set.status().ok()) return set.status();
  return easy;
}

CURLcode EasyHandle::Perform() {
  if (handle_ == nullptr) return CURLE_BAD_FUNCTION_ARGUMENT;
  error_buffer_[0] = '\0';
  return curl_easy_perform(handle_.get());
}

absl::string_view EasyHandle::error_buffer() const {
  if (error_buffer_ == nullptr) return "";
  return absl::string_view(error_buffer_.get(), strnlen(error_buffer_.get(), CURL_ERROR_SIZE));
}

long EasyHandle::OsErrno() const {
  long os_errno = 0;
  if (handle_ == nullptr || curl_easy_getinfo(handle_.get(), CURLINFO_OS_ERRNO, &os_errno) != CURLE_OK) {
    return 0;
  }
  return os_errno;
}

long EasyHandle::ResponseCode() const {
  long code = 0;
  if (handle_ == nullptr ||
      curl_easy_getinfo(handle_.get(), CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) {
    return 0;
  }
  return code;
}

std::string EasyHandle::ErrorText(CURLcode code) const {
  return CurlErrorText(code, error_buffer(), OsErrno());
}

absl::Status EasyHandle::StatusOf(CURLcode code) const {
  return CurlStatus(code, error_buffer(), OsErrno());
}

absl::Status Slist::Append(absl::string_view item) {
  if (item.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("curl_slist item holds a NUL byte");
  }
  const std::string copy(item);
  curl_slist* appended = curl_slist_append(list_.get(), copy.c_str());
  if (appended == nullptr) return absl::ResourceExhaustedError("curl_slist_append failed");
  // curl_slist_append returns the same head (or the new one when empty).
  list_.release();
  list_.reset(appended);
  return absl::OkStatus();
}

}  // namespace curl
}  // namespace svl
