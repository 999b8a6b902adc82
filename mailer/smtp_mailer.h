// File: mailer/smtp_mailer.h
//
// Delivery over SMTP with libcurl: smtp:// (optionally upgraded with
// STARTTLS) or smtps://, optional AUTH, a connect timeout and a total
// deadline. The envelope sender is `from`; recipients are the comma-separated
// addresses in Message::to. The message gets From, Date and Message-ID
// headers if it lacks them, and CRLF line ends on the wire.
//
// Details of the contract:
// - main() must initialise libcurl once (curl::InitCurlGlobally(),
//   curl/global.h), before any thread starts and before the first Send()
//   (tests link //tests/testing:curl_test_main, whose main() does it). Each
//   Send() uses its own easy handle (curl/easy.h: CURLOPT_NOSIGNAL), so
//   Send() is thread-safe and never raises signals; libcurl never prints
//   (its verbose output goes to a callback that keeps only the server's last
//   4xx/5xx reply line for the error message).
// - Only smtp and smtps are allowed (CURLOPT_PROTOCOLS_STR). smtp:// uses
//   STARTTLS when offered (CURLUSESSL_TRY), or fails without it when
//   require_starttls (CURLUSESSL_ALL).
// - Recipients: "a@x, Name <b@y>" gives RCPT TO:<a@x> and RCPT TO:<b@y>.
//   The To: header keeps the text as written (sanitised). An empty list, a
//   control character anywhere, or a space/angle bracket inside an address is
//   kInvalidArgument before any connection is made. Every recipient must be
//   accepted (one rejection fails the whole delivery).
// - The envelope sender is the address part of `from`; a Message::from that
//   is set is kept as the From: header. The Message-ID generated is
//   "<unix-nanos.random64hex@domain-of-from>", the Date is now (UTC).
// - Dot-stuffing and the final CRLF "." CRLF are libcurl's: a body that does
//   not end in a line end arrives with a CRLF added.
// - Errors: "SMTP delivery via <url> failed: <curl error>[ (server said:
//   <reply>)]", mapped by SmtpTransferStatus() (mailer/smtp_status.h) on top
//   of libcurl's one translation (curl/error.h): refused/unresolvable ->
//   kUnavailable, deadline -> kDeadlineExceeded, AUTH refused ->
//   kUnauthenticated, TLS or certificate failure, or no STARTTLS when
//   required -> kFailedPrecondition, 5xx rejection (e.g. recipient) ->
//   kFailedPrecondition, 4xx -> kUnavailable.
//   The URL must not carry credentials (Create() refuses them) so that the
//   error never shows a password.
//
// Example:
//
//   SmtpConfig config;
//   config.url = "smtp://127.0.0.1:2525";
//   config.from = "httpok@example.com";
//   SmtpMailer mailer(config);
//   absl::Status s = mailer.Send(message);

#ifndef SVL_MAILER_SMTP_MAILER_H_
#define SVL_MAILER_SMTP_MAILER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "mailer/mailer.h"

namespace svl {
namespace mailer {

// Where and as whom SmtpMailer sends.
struct SmtpConfig {
  std::string url;   // smtp://host[:port] or smtps://host[:port]
  std::string from;  // envelope sender and From: header
  std::string username;  // empty: no AUTH
  std::string password;
  bool require_starttls = false;  // smtp:// only: fail if STARTTLS is not offered
  bool verify_peer = true;        // certificate and host-name verification
  std::string ca_file;            // empty: the system's CA store
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration deadline = absl::Seconds(30);
};

// SmtpMailer sends through an SMTP server with libcurl.
class SmtpMailer : public Mailer {
 public:
  // Create() validates the URL scheme and `from` (kInvalidArgument): the URL
  // must be smtp:// or smtps:// (any case) with a host and no userinfo; from
  // must hold one address without control characters; username/password
  // without control characters; both durations positive.
  static absl::StatusOr<std::unique_ptr<SmtpMailer>> Create(SmtpConfig config);

  // Send() delivers one message in one SMTP session (no connection reuse).
  ABSL_MUST_USE_RESULT absl::Status Send(const Message& message) override;

 private:
  explicit SmtpMailer(SmtpConfig config);
  SmtpConfig config_;
};

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_SMTP_MAILER_H_
