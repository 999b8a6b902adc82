// File: supervisor_rpc/xmlrpc_decoder.h
//
// Private to //supervisor_rpc and //fuzz: the streaming decoder behind
// DecodeMethodResponse() (xmlrpc_codec.h), on XmlPullParser. It builds the
// XmlRpcValue in one pass over the body, without a DOM. Production code calls
// DecodeMethodResponse(); this header exists for the limits as parameters
// and for the reference-compatible text mode the differential tests use.
//
// Example:
//
//   DecodeOptions options;
//   options.max_bytes = kMaxResponseBytes;
//   options.max_value_depth = kMaxValueDepth;
//   absl::StatusOr<XmlRpcValue> v = DecodeXmlRpcResponse(body, options);

#ifndef SVL_SUPERVISOR_RPC_XMLRPC_DECODER_H_
#define SVL_SUPERVISOR_RPC_XMLRPC_DECODER_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

struct DecodeOptions {
  std::size_t max_bytes = 0;  // larger bodies: kResourceExhausted
  int max_value_depth = 0;    // <value> nesting; deeper: kResourceExhausted
  // false (production): character data is kept exactly, so
  // `<string> </string>` is " ". true: runs of whitespace between two pieces
  // of markup are dropped as tinyxml2 drops them, so that values compare
  // equal to DecodeMethodResponseReference() (differential tests only).
  bool drop_whitespace_runs = false;
};

// DecodeXmlRpcResponse() is DecodeMethodResponse() with the given options;
// see xmlrpc_codec.h for the contract and xml_pull_parser.h for the XML
// accepted. Errors found while streaming are reported as met: an XML-RPC
// error early in the body wins over malformed XML later in it.
absl::StatusOr<XmlRpcValue> DecodeXmlRpcResponse(absl::string_view body,
                                                 const DecodeOptions& options);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XMLRPC_DECODER_H_
