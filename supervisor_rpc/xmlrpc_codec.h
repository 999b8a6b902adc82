// File: supervisor_rpc/xmlrpc_codec.h
//
// Encoding of XML-RPC method calls and decoding of method responses (with
// tinyxml2). Pure: no I/O. The wire shapes are those of Python's
// xmlrpc.client and of supervisord (see testdata/ for captured responses).
//
// Example:
//
//   std::string body = EncodeMethodCall("supervisor.getProcessInfo",
//                                       {XmlRpcValue::String("foo")});
//   absl::StatusOr<XmlRpcValue> result = DecodeMethodResponse(response_body);
//   // A <fault> becomes a Status; see fault.h.

#ifndef SVL_SUPERVISOR_RPC_XMLRPC_CODEC_H_
#define SVL_SUPERVISOR_RPC_XMLRPC_CODEC_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

// The largest body DecodeMethodResponse() reads.
inline constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;
// The deepest nesting of <value>s DecodeMethodResponse() accepts (the
// param's own value is 1).
inline constexpr int kMaxValueDepth = 32;

// EncodeMethodCall()
//
// `<?xml version='1.0'?>\n<methodCall>\n<methodName>M</methodName>\n<params>...`
// as Python's xmlrpc.client writes it. Ints as <int>, booleans as
// <boolean>0|1</boolean>; strings escaped for & < > (and control characters
// that XML 1.0 cannot carry are rejected by the caller's data model, not here).
std::string EncodeMethodCall(absl::string_view method,
                             const std::vector<XmlRpcValue>& params);

// DecodeMethodResponse()
//
// Returns the single <param> value of a <methodResponse>, or, for a <fault>,
// the Status made by FaultToStatus() of its int faultCode and string
// faultString (the last of each if repeated). Member order inside structs
// does not matter; a repeated member is kept (XmlRpcValue::Find() gives the
// last). A <value> without a type element is a string.
//
// Errors (message says what, with the line where the XML gives one):
//  - kResourceExhausted: a body larger than kMaxResponseBytes; values nested
//    deeper than kMaxValueDepth (or XML elements deeper than tinyxml2's 100).
//  - kInvalidArgument: malformed XML (what is wrong, then tinyxml2's error
//    text); a NUL byte anywhere; a character reference that is malformed or
//    to NUL, a surrogate or past U+10FFFF (wherever "&#" appears, CDATA and
//    comments included); attributes, DOCTYPE and processing instructions
//    (only an XML declaration at the very start is allowed); a root other than
//    <methodResponse>, or text, or a second element, beside it; a
//    methodResponse, params, param, fault or value with no or several
//    children, a wrong child or text between elements; markup inside a
//    scalar; an unknown type element; int/i4 not a decimal int32 (blanks
//    around it allowed), boolean not 0 or 1, double not a number, base64 not
//    valid (whitespace in it ignored), nil with text; an array without
//    exactly one <data>, a <data> item or struct child of the wrong element;
//    a <member> without, or with two, <name> or <value>; a <fault> without
//    int faultCode or string faultString.
//
// XML as tinyxml2 reads it: character data is kept with its whitespace,
// except that text of only whitespace directly followed by markup is
// dropped (`<string> </string>` is ""); CR LF and lone CR become LF; the
// five predefined entities and character references are decoded, while an
// unknown entity or a bare '&' is kept as text; comments (even with "--"
// inside) are skipped and CDATA is text; a blank after '<' is skipped
// (`< string>`); the parse ends, successfully, at an end tag that follows
// the root element, so whatever comes after it is ignored.
absl::StatusOr<XmlRpcValue> DecodeMethodResponse(absl::string_view body);

// EncodeMethodResponse() renders a response (or, via EncodeFault, a fault) as
// supervisord does. Used by tests, fuzz round trips and test servers.
std::string EncodeMethodResponse(const XmlRpcValue& value);
std::string EncodeFaultResponse(int code, absl::string_view fault_string);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XMLRPC_CODEC_H_
