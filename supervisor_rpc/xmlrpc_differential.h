// File: supervisor_rpc/xmlrpc_differential.h
//
// Test-only (//supervisor_rpc tests and //fuzz): runs the streaming decoder
// and the tinyxml2 reference on one body and says whether they disagree in a
// way they must not. Rules (see also xmlrpc_reference_decoder.h):
//  1. Both give a value (or both a <fault>): the values (or fault Statuses)
//     must be equal, comparing the streaming decoder run with
//     drop_whitespace_runs (tinyxml2's whitespace dropping) and doubles
//     bitwise-or-both-NaN. If the body contains "\n\r" (tinyxml2 folds it to
//     one LF, XML 1.0 to two), strings and fault strings are compared with
//     CR/LF removed (fault strings: found by the differential fuzzer).
//  2. The streaming decoder accepts what the reference rejects: never allowed
//     (the streaming decoder is never more lenient).
//  3. The reference accepts what the streaming decoder rejects: allowed only
//     where the streaming decoder is deliberately stricter, i.e. unless the
//     body is in the plain subset supervisord writes (IsPlainSubset()).
//  4. Both reject: allowed whatever the codes (errors are found in a
//     different order: XML-RPC errors early in a body come before malformed
//     XML later, and tinyxml2 has its own element-depth limit).
//
// Example:
//
//   std::string why;
//   if (!DecodersAgree(body, &why)) std::abort();

#ifndef SVL_SUPERVISOR_RPC_XMLRPC_DIFFERENTIAL_H_
#define SVL_SUPERVISOR_RPC_XMLRPC_DIFFERENTIAL_H_

#include <string>

#include "absl/strings/string_view.h"

namespace svl {
namespace supervisor_rpc {

// IsPlainSubset() is true when `body` uses only what supervisord writes:
// bytes that are printable ASCII, \n, \t, or >= 0x80; `<?` only as the
// leading `<?xml version='1.0'?>`; no `<!` (comments, CDATA, DOCTYPE); no '='
// (attributes); no blank right after `<` or `</` (tinyxml2 skips it: found by
// the differential fuzzer); every '&' starting &amp; &lt; &gt; &quot; &apos; or a
// numeric reference to a code point in 1..0x10FFFF outside the surrogates;
// nothing but blanks after the first `</methodResponse>` (tinyxml2 ends its
// parse, successfully, at a stray end tag after the root and ignores the
// rest: found by the differential fuzzer).
bool IsPlainSubset(absl::string_view body);

// DecodersAgree() applies the rules above; on disagreement it returns false
// with a description in *why.
bool DecodersAgree(absl::string_view body, std::string* why);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_XMLRPC_DIFFERENTIAL_H_
