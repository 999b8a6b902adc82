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

// One mail: recipients, subject and body, as the listener wrote them.
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

// EncodeHeaderWord() returns `value` unchanged when it is printable ASCII
// (0x20-0x7e and TAB), else an RFC 2047 encoded-word sequence (UTF-8, base64;
// e.g. "Café" -> "=?UTF-8?B?Q2Fmw6k=?="), split so that no encoded word
// exceeds 75 characters and no UTF-8 sequence is cut in two. Consecutive words
// are joined by a folding "\n " (one logical header line). Bytes that are not
// valid UTF-8 are encoded as they are, one by one. Call it on an already
// sanitized value: CR and LF are encoded, not removed.
std::string EncodeHeaderWord(absl::string_view value);

// FormatMessage() renders the message with LF line ends (sendmail -t
// accepts LF; the SMTP transport converts to CRLF itself). Headers order:
// From, To, Subject, Date, Message-ID, then a blank line and the body as is.
// Every header value goes through SanitizeHeaderValue(); the subject then
// through EncodeHeaderWord() (To/From/Message-ID are addresses and are never
// encoded). Date is rendered in UTC, locale-independent:
// "Thu, 05 Feb 2026 10:00:00 +0000". The body is not altered (no MIME
// headers are added for a non-ASCII body).
std::string FormatMessage(const Message& message);

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_MESSAGE_H_
