// File: supervisor_rpc/process_info_list_differential.h
//
// Test-only (//supervisor_rpc tests and //fuzz): runs the getAllProcessInfo
// decoders on one body and says whether they disagree. The oracle is spelled
// out here, independently of process_info_list_decoder.cc: DecodeMethodResponse(),
// "supervisord returned no array" for a non-array, then ProcessInfoFromValue()
// on every item, the first error winning. Rules:
//  1. DecodeProcessInfoListResponse() gives exactly the oracle's result: equal
//     vectors, or equal Status (code, message and payload).
//  2. DecodeProcessInfoListGeneral() likewise.
//  3. When DecodeProcessInfoListDirect() accepts the body, the oracle accepts
//     it with an equal vector.
//
// Example:
//
//   std::string why;
//   if (!ProcessInfoListPathsAgree(body, &why)) std::abort();

#ifndef SVL_SUPERVISOR_RPC_PROCESS_INFO_LIST_DIFFERENTIAL_H_
#define SVL_SUPERVISOR_RPC_PROCESS_INFO_LIST_DIFFERENTIAL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info.h"

namespace svl {
namespace supervisor_rpc {

// The oracle described above.
absl::StatusOr<std::vector<ProcessInfo>> ProcessInfoListOracle(absl::string_view body);

// ProcessInfoListPathsAgree() applies the rules above; on disagreement it
// returns false with a description in *why. *direct_accepted (may be null)
// tells whether the direct decoder accepted the body.
bool ProcessInfoListPathsAgree(absl::string_view body, std::string* why,
                               bool* direct_accepted = nullptr);

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_PROCESS_INFO_LIST_DIFFERENTIAL_H_
