// File: supervisor_rpc/xmlrpc_reference_decoder.h
//
// Private to //supervisor_rpc and //fuzz: the original tinyxml2 (DOM) decoder
// of XML-RPC responses, kept as the oracle the fast decoder
// (DecodeMethodResponse, xmlrpc_decoder.h) is checked against in
// xmlrpc_differential_test and fuzz/xmlrpc_differential_fuzzer. Not for
// production use: about ten times slower.
//
// Example:
//
//   absl::StatusOr<XmlRpcValue> want = DecodeMethodResponseReference(body);

#ifndef SVL_SUPERVISOR_RPC_XMLRPC_REFERENCE_DECODER_H_
#define SVL_SUPERVISOR_RPC_XMLRPC_REFERENCE_DECODER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

// DecodeMethodResponseReference() has the contract of DecodeMethodResponse()
// (same limits, faults, messages for XML-RPC-level errors) with tinyxml2 9's
// reading of XML, which differs from the fast decoder's in these ways:
//  - a text node of only whitespace (isspace(): also \v and \f) directly
//    followed by markup is dropped, so `<string> </string>` decodes as "";
//  - line ends: CR LF, LF CR and lone CR become LF;
//  - it is lenient where the fast decoder is strict: attributes are ignored,
//    unknown entities and a bare '&' are kept as text, malformed or invalid
//    character references are accepted, DOCTYPE and `<?...?>` before the root
//    are skipped, whitespace before the XML declaration, `--` in comments and
//    blanks between `<` or `</` and the name (`<\tfault>`),
//    anything after a NUL byte (the parse stops there) are accepted, and so
//    is anything after a stray end tag following the root (the parse ends
//    there, successfully);
//  - malformed XML is reported before XML-RPC errors (it parses the whole
//    document first), and element nesting past 100 is kResourceExhausted even
//    inside a scalar.
absl::StatusOr<XmlRpcValue> DecodeMethodResponseReference(absl::string_view body);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XMLRPC_REFERENCE_DECODER_H_
