// File: curl/easy.h
//
// RAII over libcurl's easy interface: an easy handle with its own error
// buffer, a header/recipient list, and one way to set an option that names
// the option when it fails. Failures are reported through curl/error.h.
//
// libcurl must have been initialised by main() first (curl/global.h).
//
// Example:
//
//   absl::StatusOr<EasyHandle> easy = EasyHandle::Create();
//   if (!easy.ok()) return easy.status();
//   OptionSetter set(*easy);
//   set(CURLOPT_URL, "http://127.0.0.1:8080/")(CURLOPT_NOBODY, 1L);
//   if (!set.status().ok()) return set.status();
//   CURLcode code = easy->Perform();
//   if (code != CURLE_OK) return easy->StatusOf(code);
//   long http_status = easy->ResponseCode();

#ifndef SVL_CURL_EASY_H_
#define SVL_CURL_EASY_H_

#include <curl/curl.h>

#include <memory>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace curl {

// What kind of value SetOption() was given (internal to SetOption()).
enum class OptionArgument { kLong, kOffT, kLongOrOffT, kDataPointer, kFunctionPointer };

// CheckOptionArgument() is kInvalidArgument naming the option when
// `argument` is not of the option's type in libcurl's option table; OK for
// an option the table lacks (curl_easy_setopt then says what it thinks).
// Internal to SetOption().
absl::Status CheckOptionArgument(CURLoption option, OptionArgument argument);

// SetOptionResult() turns curl_easy_setopt's result into a Status naming
// the option (internal to SetOption()).
absl::Status SetOptionResult(CURLoption option, CURLcode code);

// SetOption() calls curl_easy_setopt(handle, option, value). `value` must
// be a long (or curl_off_t), a data pointer or a function pointer, and of
// the option's kind (checked against libcurl's option table before the
// call). On failure: the status code of the CURLcode (curl/error.h; a value
// of the wrong kind is kInvalidArgument) and the message
// "curl option CURLOPT_<NAME>: <curl's text>".
template <typename T>
absl::Status SetOption(CURL* handle, CURLoption option, T value);

// EasyHandle owns one easy handle (curl_easy_init / curl_easy_cleanup) and
// its error buffer, which libcurl fills (CURLOPT_ERRORBUFFER). Every handle
// has CURLOPT_NOSIGNAL set: libcurl never raises signals, so handles may be
// used on any thread (one thread per handle at a time). Move-only; a
// default-constructed or moved-from EasyHandle holds nothing (get() is null).
class EasyHandle {
 public:
  // Create() makes a handle with its error buffer and CURLOPT_NOSIGNAL set.
  // kInternal "curl_easy_init failed" when libcurl cannot make one.
  static absl::StatusOr<EasyHandle> Create();

  EasyHandle() = default;
  EasyHandle(EasyHandle&&) noexcept = default;
  EasyHandle& operator=(EasyHandle&&) noexcept = default;

  // get() is the handle for libcurl calls; null when empty.
  CURL* get() const { return handle_.get(); }
  explicit operator bool() const { return handle_ != nullptr; }

  // SetOption() is curl::SetOption(get(), option, value).
  template <typename T>
  absl::Status SetOption(CURLoption option, T value) const {
    return curl::SetOption(get(), option, value);
  }

  // Perform() clears the error buffer and runs the transfer
  // (curl_easy_perform); returns libcurl's code.
  CURLcode Perform();

  // error_buffer() is what libcurl wrote into the error buffer during the
  // last Perform() ("" if nothing).
  absl::string_view error_buffer() const;

  // OsErrno() is CURLINFO_OS_ERRNO of the last transfer (0 if none).
  long OsErrno() const;

  // ResponseCode() is CURLINFO_RESPONSE_CODE: the last HTTP status or SMTP
  // reply code received (0 if none).
  long ResponseCode() const;

  // ErrorText() is CurlErrorText(code, error_buffer(), OsErrno()).
  std::string ErrorText(CURLcode code) const;

  // StatusOf() is CurlStatus(code, error_buffer(), OsErrno()).
  absl::Status StatusOf(CURLcode code) const;

 private:
  struct Deleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
  };
  std::unique_ptr<CURL, Deleter> handle_;
  // On the heap: libcurl keeps its address, which must survive a move.
  std::unique_ptr<char[]> error_buffer_;
};

// OptionSetter sets options on one handle until one fails and keeps that
// first failure; later calls do nothing. For a run of options:
//
//   OptionSetter set(easy);
//   set(CURLOPT_URL, url.c_str())(CURLOPT_POST, 1L);
//   if (!set.status().ok()) return set.status();
class OptionSetter {
 public:
  explicit OptionSetter(const EasyHandle& handle) : handle_(handle.get()) {}
  explicit OptionSetter(CURL* handle) : handle_(handle) {}

  // operator() sets one option (SetOption()) unless an earlier one failed.
  template <typename T>
  OptionSetter& operator()(CURLoption option, T value) {
    if (status_.ok()) status_ = curl::SetOption(handle_, option, value);
    return *this;
  }

  // status() is the first failure, or OkStatus().
  const absl::Status& status() const { return status_; }

 private:
  CURL* handle_;
  absl::Status status_;
};

// Slist owns a curl_slist (curl_slist_append / curl_slist_free_all), the
// list type of CURLOPT_HTTPHEADER and CURLOPT_MAIL_RCPT. Move-only.
class Slist {
 public:
  Slist() = default;

  // Append() adds a copy of `item` at the end. kInvalidArgument when `item`
  // holds a NUL byte; kResourceExhausted "curl_slist_append failed" when
  // libcurl cannot allocate (the list is then unchanged).
  absl::Status Append(absl::string_view item);

  // get() is the list for curl_easy_setopt; null while empty.
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

// ---- Implementation details ----

template <typename T>
absl::Status SetOption(CURL* handle, CURLoption option, T value) {
  constexpr bool kIsLong = std::is_same<T, long>::value;
  constexpr bool kIsOffT = std::is_same<T, curl_off_t>::value;
  static_assert(kIsLong || kIsOffT || std::is_pointer<T>::value,
                "curl_easy_setopt takes a long, a curl_off_t or a pointer");
  OptionArgument argument = OptionArgument::kDataPointer;
  if (kIsLong && kIsOffT) {
    argument = OptionArgument::kLongOrOffT;
  } else if (kIsLong) {
    argument = OptionArgument::kLong;
  } else if (kIsOffT) {
    argument = OptionArgument::kOffT;
  } else if (std::is_function<std::remove_pointer_t<T>>::value) {
    argument = OptionArgument::kFunctionPointer;
  }
  if (absl::Status checked = CheckOptionArgument(option, argument); !checked.ok()) {
    return checked;
  }
  return SetOptionResult(option, curl_easy_setopt(handle, option, value));
}

}  // namespace curl
}  // namespace svl

#endif  // SVL_CURL_EASY_H_
