// record_listener: a minimal event listener built on //protocol, for
// integration tests. It answers OK to every event and appends one line per
// event to the file named by its only argument:
//
//   <eventname> serial=<n> redelivered=<0|1> len=<len> payload="<C-escaped>"
//
// Errors go to stderr as one line, with exit status 1. stdout is supervisord's.

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "protocol/event.h"
#include "protocol/listener.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: record_listener RECORD_FILE\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  const std::string record_path = argv[1];
  std::string record_error;
  svl::protocol::Listener listener(STDIN_FILENO, STDOUT_FILENO);
  absl::Status status = listener.Run([&](const svl::protocol::Event& event) -> std::string {
    const std::string line = absl::StrCat(
        event.header.eventname, " serial=", event.header.serial,
        " redelivered=", event.redelivered ? 1 : 0, " len=", event.header.len, " payload=\"",
        absl::CHexEscape(event.payload), "\"\n");
    std::FILE* record = std::fopen(record_path.c_str(), "a");
    if (record == nullptr) return svl::protocol::kResultFail;
    std::fwrite(line.data(), 1, line.size(), record);
    std::fclose(record);
    return svl::protocol::kResultOk;
  });
  if (!status.ok()) {
    std::fprintf(stderr, "record_listener: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
