// File: supervisor_rpc/xmlrpc_codec.h
//
// Encoding of XML-RPC method calls and decoding of method responses, the
// latter with a strict streaming parser (xml_pull_parser.h; the former tinyxml2
// decoder is kept as a test oracle, xmlrpc_reference_decoder.h). Pure: no
// I/O. Exact wire shapes: httpok-upstream.md §2.2-2.3.
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

// Limits applied by DecodeMethodResponse().
inline constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;
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
// the Status made by FaultToStatus(). Member order inside structs does not
// matter. Rejected with kInvalidArgument (message says what): malformed XML,
// wrong root, missing or several params, unknown value types, non-numeric
// ints, ints outside int32... ; nesting deeper than kMaxValueDepth or a body
// larger than kMaxResponseBytes: kResourceExhausted. The whole body is read
// (no NUL terminator assumed); a NUL byte anywhere is an error. Character
// data is kept exactly, whitespace-only strings included (`<string> </string>`
// is " "; the tinyxml2 decoder used to drop them). XML accepted: the subset of
// xml_pull_parser.h (no attributes, DOCTYPE or unknown entities). Errors are
// reported in the order they are met while reading, each with line and byte.
absl::StatusOr<XmlRpcValue> DecodeMethodResponse(absl::string_view body);

// EncodeMethodResponse() renders a response (or, via EncodeFault, a fault) as
// supervisord does. Used by tests, fuzz round trips and test servers.
std::string EncodeMethodResponse(const XmlRpcValue& value);
std::string EncodeFaultResponse(int code, absl::string_view fault_string);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XMLRPC_CODEC_H_
