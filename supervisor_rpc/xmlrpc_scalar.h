// File: supervisor_rpc/xmlrpc_scalar.h
//
// Private to //supervisor_rpc: the parts of XML-RPC decoding that do not
// depend on the XML parser, shared by the fast decoder (xmlrpc_decoder.h) and
// the tinyxml2 reference (xmlrpc_reference_decoder.h) so that both give the
// same values and the same messages. Messages carry no position; callers
// prefix one.
//
// Example:
//
//   XmlRpcValue v;
//   absl::Status s = ScalarFromText("int", " 7 ", &v);  // v == Int(7)

#ifndef SVL_SUPERVISOR_RPC_XMLRPC_SCALAR_H_
#define SVL_SUPERVISOR_RPC_XMLRPC_SCALAR_H_

#include <string>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

// ScalarFromText() converts the character data of a typed scalar element
// <type>text</type> (type is not array/struct). kInvalidArgument, message
// e.g. "<int> 'x' is not a 32-bit integer", "unknown value type <i8>":
// int/i4 outside int32 or not decimal (surrounding whitespace allowed),
// boolean other than 0/1, double not a number, invalid base64 (whitespace
// ignored), nil with text. string and dateTime.iso8601 take any text.
ABSL_MUST_USE_RESULT absl::Status ScalarFromText(absl::string_view type, std::string text,
                                                 XmlRpcValue* out);

// FaultValueToStatus() turns the value of a <fault> into FaultToStatus() of
// its faultCode (int) and faultString (string) members (the last of each if
// repeated). A value without them gives kInvalidArgument "<fault> has no int
// faultCode" / "<fault> has no string faultString"; `*is_fault` tells which
// of the two kinds of Status was returned.
absl::Status FaultValueToStatus(const XmlRpcValue& value, bool* is_fault);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XMLRPC_SCALAR_H_
