// Differential fuzzer: the streaming XML-RPC decoder (DecodeMethodResponse)
// against the tinyxml2 reference. Aborts when they disagree in a way
// supervisor_rpc/xmlrpc_differential.h says they must not: different values
// or faults, the streaming decoder accepting what the reference rejects, or
// rejecting a plain supervisord-shaped body the reference accepts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "supervisor_rpc/xmlrpc_differential.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  std::string why;
  if (!svl::supervisor_rpc::DecodersAgree(body, &why)) {
    std::fprintf(stderr, "decoders disagree: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
