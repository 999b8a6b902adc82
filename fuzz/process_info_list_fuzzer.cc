// Differential fuzzer: the direct getAllProcessInfo decoder
// (DecodeProcessInfoListResponse) against the general path (DecodeMethodResponse
// + ProcessInfoFromValue). Aborts when they disagree in any way: values,
// Status code, message or payload (supervisor_rpc/process_info_list_differential.h).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info_list_differential.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  std::string why;
  if (!svl::supervisor_rpc::ProcessInfoListPathsAgree(body, &why)) {
    std::fprintf(stderr, "process info list paths disagree: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
