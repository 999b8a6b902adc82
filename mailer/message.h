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
// With mime_text_plain set, the rendering is instead the layout of Python's
// email.mime.text.MIMEText(body), as superlance's batch notifiers
// (crashmailbatch, fatalmailbatch, crashsms) mail it: MIME headers first, and a
// non-ASCII body base64-encoded.
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

#include <cstdint>
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
  // Set: Date: is rendered in this zone with its numeric offset
  // ("+0100", "-0500"). Unset: in UTC, "+0000".
  absl::optional<absl::TimeZone> date_zone;
  // True: the MIMEText layout (see FormatMessage()); false: the httpok one.
  bool mime_text_plain = false;
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
// accepts LF; the SMTP transport converts to CRLF itself). By default the
// headers are From, To, Subject, Date, Message-ID, in that order, then come a
// blank line and the body as is.
// Every header value goes through SanitizeHeaderValue(); the subject then
// through EncodeHeaderWord() (To/From/Message-ID are addresses and are never
// encoded). Date is rendered in UTC, locale-independent:
// "Thu, 05 Feb 2026 10:00:00 +0000", or in `date_zone` when it is set:
// "Tue, 01 Dec 2026 14:30:05 +0100" (in either layout). By default the body
// is not altered (no MIME headers are added for a non-ASCII body).
//
// With `mime_text_plain` the layout is Python's MIMEText(body) instead:
//
//   Content-Type: text/plain; charset="us-ascii"   ("utf-8" if a body byte
//   MIME-Version: 1.0                               is >= 0x80)
//   Content-Transfer-Encoding: 7bit                (base64 for utf-8)
//   Subject: <subject>                             only if non-empty
//   From: <from>                                   only if non-empty
//   To: <to>
//   Date: <date>                                   only if set
//   Message-ID: <message_id>                       only if non-empty
//
//   <body>
//
// Header values are sanitized and the subject encoded exactly as above. A
// 7bit body is appended as is; a base64 body is cut into lines of 76
// characters, each ending "\n".
std::string FormatMessage(const Message& message);

// PythonStyleMessageId() returns the Message-ID Python's
// email.utils.make_msgid() makes: "<" centiseconds since the epoch (rounded
// down) "." pid "." random "@" domain ">"; e.g. (1796131971.72 s, 1075,
// 7139388028312435860, "localhost") ->
// "<179613197172.1075.7139388028312435860@localhost>".
std::string PythonStyleMessageId(absl::Time now, int64_t pid, uint64_t random,
                                 absl::string_view domain);

}  // namespace mailer
}  // namespace svl

#endif  // SVL_MAILER_MESSAGE_H_
