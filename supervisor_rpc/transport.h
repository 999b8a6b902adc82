// File: supervisor_rpc/transport.h
//
// How an XML-RPC request body reaches supervisord. The production transport
// is CurlTransport (curl_transport.h); tests may supply their own.

#ifndef SVL_SUPERVISOR_RPC_TRANSPORT_H_
#define SVL_SUPERVISOR_RPC_TRANSPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace svl {
namespace supervisor_rpc {

// Transport posts one XML-RPC request body and returns the response body.
class Transport {
 public:
  virtual ~Transport() = default;

  // Post() sends one request body to /RPC2 and returns the response body of a
  // 200 reply. Errors: kUnavailable (unreachable, reset), kUnauthenticated
  // (401), kDeadlineExceeded, kDataLoss/kInternal (bad HTTP response), each
  // with a message saying what happened and where.
  virtual absl::StatusOr<std::string> Post(absl::string_view request_body) = 0;
};

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_TRANSPORT_H_
