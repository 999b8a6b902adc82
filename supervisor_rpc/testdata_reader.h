// File: supervisor_rpc/testdata_reader.h
//
// Test-only: reads a captured response from supervisor_rpc/testdata/ (a
// runfile; tests run in the workspace's runfiles directory).

#ifndef SVL_SUPERVISOR_RPC_TESTDATA_READER_H_
#define SVL_SUPERVISOR_RPC_TESTDATA_READER_H_

#include <fstream>
#include <sstream>
#include <string>

namespace svl {
namespace supervisor_rpc {

// ReadTestdata("fault_bad_name.xml") returns the file's bytes, or "" when it
// cannot be read (the caller's assertions then fail).
inline std::string ReadTestdata(const std::string& name) {
  std::ifstream in("supervisor_rpc/testdata/" + name, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_TESTDATA_READER_H_
