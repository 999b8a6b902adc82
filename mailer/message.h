// File: mailer/message.h
//
// A mail message and its RFC 5322 rendering. Pure: no I/O.
//
// The default rendering is byte-identical to superlance httpok's mail:
//
//   To: <to>\nSubject: <subject>\n\n<body>
//
// (LF line ends, no trailing newline, no other headers). From, Date and
// Message-ID are added only when asked for. Header values can never inject
// headers: every CR or LF in a header value is replaced by a space. A subject
// with non-ASCII bytes is RFC 2047-encoded (=?UTF-8?B?...?=).
//
// Example:
//
//   Message m;
//   m.to = "ops@example.com";
//   m.subject = "httpok: http://foo/bar: bad status returned";
//   m.body = "status contacting http://foo/bar: 500 Internal Server Error";
//   std::string text = FormatMessage(m);

#ifndef SVL_MAILER_MESSAGE_H_
#define SVL_MAILER_MESSAGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"

namespace svl {
namespace mailer {

struct Message {
  std::string to;       // raw, as the operator wrote it (may be a list)
  std::string subject;
  std::string body;
  // Optional headers, off by default for httpok compatibility.
  std::string from;                  // empty: no From:
  absl::optional<absl::Time> date;   // set: a Date: header in RFC 5322 form
  std::string message_id;            // empty: no Message-ID: (e.g. "<x@host>")
};

// SanitizeHeaderValue() replaces each CR and LF with a space.
std::string SanitizeHeaderValue(absl::string_view value);

// EncodeHeaderWord() returns `value` unchanged when it is printable ASCII,
// else an RFC 2047 encoded-word sequence (UTF-8, base64), split so that no
// encoded word exceeds 75 characters.
std::string EncodeHeaderWord(absl::string_view value);

// FormatMessage() renders the message with LF line ends (sendmail -t
// accepts LF; the SMTP transport converts to CRLF itself). Headers order:
// From, To, Subject, Date, Message-ID, then a blank line and the body as is.
std::string FormatMessage(const Message& message);

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_MESSAGE_H_
