// File: mailer/smtp_mailer.h
//
// Delivery over SMTP with libcurl: smtp:// (optionally upgraded with
// STARTTLS) or smtps://, optional AUTH, a connect timeout and a total
// deadline. The envelope sender is `from`; recipients are the comma-separated
// addresses in Message::to. The message gets From, Date and Message-ID
// headers if it lacks them, and CRLF line ends on the wire.
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

class SmtpMailer : public Mailer {
 public:
  // Create() validates the URL scheme and `from` (kInvalidArgument).
  static absl::StatusOr<std::unique_ptr<SmtpMailer>> Create(SmtpConfig config);

  absl::Status Send(const Message& message) override;

 private:
  explicit SmtpMailer(SmtpConfig config);
  SmtpConfig config_;
};

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_SMTP_MAILER_H_
