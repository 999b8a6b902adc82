// File: supervisor_rpc/testdata_reader.h
//
// Test-only: the captured responses in supervisor_rpc/testdata/ (runfiles;
// tests run in the workspace's runfiles directory), and a helper to wrap a
// hand-written value in a methodResponse as supervisord frames it.

#ifndef SVL_SUPERVISOR_RPC_TESTDATA_READER_H_
#define SVL_SUPERVISOR_RPC_TESTDATA_READER_H_

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"

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

// Every captured response file, for tests that run over all of them.
inline constexpr const char* kTestdataCaptures[] = {
    "boolean_true.xml",          "fault_already_started.xml", "fault_bad_name.xml",
    "fault_bad_signal.xml",      "fault_incorrect_parameters.xml", "fault_no_file.xml",
    "fault_not_running.xml",     "fault_spawn_error.xml",     "fault_unknown_method.xml",
    "getAllProcessInfo.xml",     "getProcessInfo_fatal.xml",  "getProcessInfo_foo.xml",
    "group_start.xml",           "group_stop.xml",            "signal_ok.xml",
};

// ResponseWith("<value>...</value>") is a methodResponse carrying that one
// param, framed with supervisord's line breaks.
inline std::string ResponseWith(const std::string& value_xml) {
  return absl::StrCat("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n", value_xml,
                      "\n</param>\n</params>\n</methodResponse>\n");
}

}  // namespace supervisor_rpc
}  // namespace svl

#endif  // SVL_SUPERVISOR_RPC_TESTDATA_READER_H_
