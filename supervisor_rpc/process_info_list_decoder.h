// File: supervisor_rpc/process_info_list_decoder.h
//
// Private to //supervisor_rpc (and //fuzz): decoding of a
// supervisor.getAllProcessInfo() response straight into ProcessInfo, without
// building an XmlRpcValue tree. Its results are exactly those of the general
// path, DecodeProcessInfoListGeneral(): DecodeMethodResponse() followed by
// ProcessInfoFromValue() on every array item (same values; same Status code,
// message and payload on every error, faults included).
//
// How: the direct decoder (DecodeProcessInfoListDirect) handles only bodies
// it can prove the general path accepts: a methodResponse whose param is an
// array of structs, every member a <name> then a <value>, known members of
// the right scalar type, unknown members scalar and valid. On anything else
// (faults, any error, nested values in unknown members, <value> before
// <name>, a wrongly typed duplicate member, ...) it declines and
// DecodeProcessInfoListResponse() runs the general path, which then also
// produces every error message. Member order is irrelevant and the last of
// duplicate members wins, on both paths.
//
// Example:
//
//   absl::StatusOr<std::vector<ProcessInfo>> infos =
//       DecodeProcessInfoListResponse(body);

#ifndef SVL_SUPERVISOR_RPC_PROCESS_INFO_LIST_DECODER_H_
#define SVL_SUPERVISOR_RPC_PROCESS_INFO_LIST_DECODER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {

// DecodeProcessInfoListResponse() decodes a getAllProcessInfo response body:
// the direct decoder when it accepts the body, else the general path. Errors
// carry no method name (SupervisorClient adds it); a param that is not an
// array gives kInvalidArgument "supervisord returned no array".
absl::StatusOr<std::vector<ProcessInfo>> DecodeProcessInfoListResponse(absl::string_view body);

// DecodeProcessInfoListGeneral() is the general path: DecodeMethodResponse(),
// then ProcessInfoListFromValue().
absl::StatusOr<std::vector<ProcessInfo>> DecodeProcessInfoListGeneral(absl::string_view body);

// ProcessInfoListFromValue() converts an array of process-info structs:
// kInvalidArgument "supervisord returned no array" for a non-array, else the
// first item's ProcessInfoFromValue() error, if any.
absl::StatusOr<std::vector<ProcessInfo>> ProcessInfoListFromValue(const XmlRpcValue& value);

// DecodeProcessInfoListDirect() is the direct decoder alone: true with *out
// set when it accepts the body (the general path then gives exactly *out);
// false, *out unspecified, when it declines. Exposed for tests and fuzzing.
bool DecodeProcessInfoListDirect(absl::string_view body, std::vector<ProcessInfo>* out);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_PROCESS_INFO_LIST_DECODER_H_
