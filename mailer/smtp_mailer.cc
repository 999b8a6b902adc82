#include "mailer/smtp_mailer.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/control_chars.h"
#include "curl/easy.h"
#include "mailer/message.h"
#include "mailer/smtp_status.h"

namespace svl {
namespace mailer {
namespace {

// Address() returns the bare address of "addr", "<addr>" or "Name <addr>".
absl::string_view Address(absl::string_view mailbox) {
  mailbox = absl::StripAsciiWhitespace(mailbox);
  const size_t open = mailbox.rfind('<');
  if (open != absl::string_view::npos) {
    const size_t close = mailbox.find('>', open);
    if (close != absl::string_view::npos) {
      return absl::StripAsciiWhitespace(
          mailbox.substr(open + 1, close - open - 1));
    }
  }
  return mailbox;
}

// ValidAddress() is false for an empty address or one that could break out of
// an SMTP command (control characters, spaces, angle brackets).
bool ValidAddress(absl::string_view address) {
  return !address.empty() && !base::HasAsciiControl(address) &&
         address.find_first_of(" <>") == absl::string_view::npos;
}

absl::StatusOr<std::vector<std::string>> Recipients(absl::string_view to) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(to, ',')) {
    if (absl::StripAsciiWhitespace(part).empty()) continue;
    const absl::string_view address = Address(part);
    if (base::HasAsciiControl(part) || !ValidAddress(address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid recipient address '", SanitizeHeaderValue(part), "'"));
    }
    out.push_back(absl::StrCat("<", address, ">"));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no recipient address in '", SanitizeHeaderValue(to), "'"));
  }
  return out;
}

// ToCrlf() turns every LF, CR and CRLF line end into CRLF.
std::string ToCrlf(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string NewMessageId(absl::string_view from_address) {
  const size_t at = from_address.rfind('@');
  absl::string_view domain = at == absl::string_view::npos
                                 ? absl::string_view("localhost")
                                 : from_address.substr(at + 1);
  if (domain.empty()) domain = "localhost";
  std::random_device random;
  const uint64_t r = (static_cast<uint64_t>(random()) << 32) | random();
  return absl::StrFormat("<%d.%016x@%s>", absl::ToUnixNanos(absl::Now()), r,
                         domain);
}

// The state the C callbacks see; it outlives the CURL handle that points at
// it (declared before the handle in Send()), since curl_easy_cleanup() may
// still talk to the server (QUIT) and call the debug callback.
struct Transfer {
  std::string payload;
  size_t sent = 0;
  std::string partial_line;      // server bytes not yet ended by LF
  std::string last_error_reply;  // last 4xx/5xx line the server sent
};

size_t ReadPayload(char* buffer, size_t size, size_t nitems, void* userdata) {
  Transfer* t = static_cast<Transfer*>(userdata);
  const size_t n = std::min(size * nitems, t->payload.size() - t->sent);
  std::memcpy(buffer, t->payload.data() + t->sent, n);
  t->sent += n;
  return n;
}

// Keeps the server's last error reply line (4xx/5xx; CURLINFO_HEADER_IN
// carries SMTP replies; the "221 Bye" to curl's QUIT after an error must not
// hide the rejection); everything else curl would print in verbose mode is
// dropped, so libcurl never writes to our stdout/stderr.
int OnDebug(CURL*, curl_infotype type, char* data, size_t size,
            void* userdata) {
  if (type != CURLINFO_HEADER_IN) return 0;
  Transfer* t = static_cast<Transfer*>(userdata);
  t->partial_line.append(data, size);
  size_t newline;
  while ((newline = t->partial_line.find('\n')) != std::string::npos) {
    std::string line = t->partial_line.substr(0, newline);
    t->partial_line.erase(0, newline + 1);
    absl::StripTrailingAsciiWhitespace(&line);
    if (!line.empty() && (line[0] == '4' || line[0] == '5')) {
      t->last_error_reply = std::move(line);
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SmtpMailer>> SmtpMailer::Create(
    SmtpConfig config) {
  const std::string lower = absl::AsciiStrToLower(config.url);
  absl::string_view rest;
  if (absl::StartsWith(lower, "smtp://")) {
    rest = absl::string_view(config.url).substr(7);
  } else if (absl::StartsWith(lower, "smtps://")) {
    rest = absl::string_view(config.url).substr(8);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("SMTP URL '", SanitizeHeaderValue(config.url),
                     "' must start with smtp:// or smtps://"));
  }
  const absl::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty() || base::HasAsciiControl(config.url) ||
      absl::StrContains(config.url, " ")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SMTP URL '", SanitizeHeaderValue(config.url), "' has no valid host"));
  }
  if (absl::StrContains(authority, "@")) {
    // Credentials in the URL would end up in every error message.
    return absl::InvalidArgumentError(
        "SMTP URL must not contain credentials; use username/password");
  }
  if (base::HasAsciiControl(config.from) || !ValidAddress(Address(config.from))) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid SMTP sender address '",
                     SanitizeHeaderValue(config.from), "'"));
  }
  if (base::HasAsciiControl(config.username) ||
      base::HasAsciiControl(config.password)) {
    return absl::InvalidArgumentError(
        "SMTP username/password contain control characters");
  }
  if (config.connect_timeout <= absl::ZeroDuration() ||
      config.deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "SMTP connect timeout and deadline must be positive");
  }
  return std::unique_ptr<SmtpMailer>(new SmtpMailer(std::move(config)));
}

SmtpMailer::SmtpMailer(SmtpConfig config) : config_(std::move(config)) {}

absl::Status SmtpMailer::Send(const Message& message) {
  absl::StatusOr<std::vector<std::string>> recipients = Recipients(message.to);
  if (!recipients.ok()) return recipients.status();

  const absl::string_view from_address = Address(config_.from);
  Message full = message;
  if (full.from.empty()) full.from = config_.from;
  if (!full.date.has_value()) full.date = absl::Now();
  if (full.message_id.empty()) full.message_id = NewMessageId(from_address);

  Transfer transfer;
  transfer.payload = ToCrlf(FormatMessage(full));
  const std::string mail_from = absl::StrCat("<", from_address, ">");
  // "SMTP delivery via <url> failed: <what went wrong>", same code.
  auto failed = [this](const absl::Status& status) {
    return absl::Status(status.code(), absl::StrCat("SMTP delivery via ", config_.url,
                                                    " failed: ", status.message()));
  };

  curl::Slist rcpt_list;
  for (const std::string& rcpt : *recipients) {
    if (absl::Status s = rcpt_list.Append(rcpt); !s.ok()) return failed(s);
  }

  // After `transfer`, so destroyed before it: curl_easy_cleanup() may still
  // talk to the server (QUIT) and call the debug callback.
  absl::StatusOr<curl::EasyHandle> easy = curl::EasyHandle::Create();
  if (!easy.ok()) return failed(easy.status());
  curl::OptionSetter set(*easy);
  set(CURLOPT_URL, config_.url.c_str())
     (CURLOPT_PROTOCOLS_STR, "smtp,smtps")
     (CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(absl::ToInt64Milliseconds(config_.connect_timeout)))
     (CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(config_.deadline)))
     (CURLOPT_MAIL_FROM, mail_from.c_str())
     (CURLOPT_MAIL_RCPT, rcpt_list.get())
     (CURLOPT_UPLOAD, 1L)
     (CURLOPT_READFUNCTION, &ReadPayload)
     (CURLOPT_READDATA, static_cast<void*>(&transfer))
     (CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(transfer.payload.size()))
     (CURLOPT_VERBOSE, 1L)
     (CURLOPT_DEBUGFUNCTION, &OnDebug)
     (CURLOPT_DEBUGDATA, static_cast<void*>(&transfer));
  if (absl::StartsWith(absl::AsciiStrToLower(config_.url), "smtp://")) {
    set(CURLOPT_USE_SSL,
        static_cast<long>(config_.require_starttls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  }
  set(CURLOPT_SSL_VERIFYPEER, config_.verify_peer ? 1L : 0L)
     (CURLOPT_SSL_VERIFYHOST, config_.verify_peer ? 2L : 0L);
  if (!config_.ca_file.empty()) set(CURLOPT_CAINFO, config_.ca_file.c_str());
  if (!config_.username.empty()) {
    set(CURLOPT_USERNAME, config_.username.c_str())(CURLOPT_PASSWORD, config_.password.c_str());
  }
  if (!set.status().ok()) return failed(set.status());

  const CURLcode rc = easy->Perform();
  long smtp_code = easy->ResponseCode();
  // A later reply (e.g. to QUIT) must not hide the rejection's code.
  int reply_code = 0;
  if (smtp_code < 400 && transfer.last_error_reply.size() >= 3 &&
      absl::SimpleAtoi(transfer.last_error_reply.substr(0, 3), &reply_code)) {
    smtp_code = reply_code;
  }
  return SmtpTransferStatus(rc, smtp_code, easy->error_buffer(), transfer.last_error_reply,
                            config_.url, easy->OsErrno());
}

}  // namespace mailer
}  // namespace svl
