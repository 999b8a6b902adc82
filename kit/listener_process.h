// File: kit/listener_process.h
//
// What every listener's main() does around its own policy, written once:
// set up the process (the termination handler that kills child process
// groups, before any thread or child exists; libcurl's global state), reach
// the supervisord that started it, and run the protocol loop on stdin and
// stdout until supervisord closes stdin.
//
// Example (a listener's main()):
//
//   if (absl::Status s = kit::StartListenerProcess("memmon"); !s.ok()) ... exit 1 ...
//   ... parse options (exit 255 with usage on error) ...
//   absl::StatusOr<kit::SupervisorConnection> supervisor = kit::ConnectToSupervisor();
//   if (absl::IsNotFound(supervisor.status())) ... "not run by supervisord" ...
//   MemMon handler(options, {supervisor->client.get(), ...});
//   return kit::RunEventLoop("memmon",
//       [&](const protocol::Event& e) { return handler.HandleEvent(e); },
//       [&] { handler.Shutdown(...); });

#ifndef SVL_KIT_LISTENER_PROCESS_H_
#define SVL_KIT_LISTENER_PROCESS_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "protocol/listener.h"
#include "supervisor_rpc/curl_transport.h"
#include "supervisor_rpc/supervisor_client.h"

namespace svl {
namespace kit {

// StartListenerProcess() installs the termination handler (SIGTERM, SIGINT
// and SIGHUP kill the running children's process groups, then the listener
// exits with one stderr line `<listener>: stopping on SIGTERM ...` and
// 128 + the signal) and initialises libcurl. Call it first in main().
absl::Status StartListenerProcess(absl::string_view listener);

// The XML-RPC client of the supervisord that runs the listener.
struct SupervisorConnection {
  supervisor_rpc::ServerConfig server;
  std::unique_ptr<supervisor_rpc::CurlTransport> transport;
  // On `transport`; not thread-safe: one thread uses it.
  std::unique_ptr<supervisor_rpc::SupervisorClient> client;
};

// ConnectToSupervisor() reads SUPERVISOR_SERVER_URL (and the credentials
// supervisord passes) from the environment. kNotFound when it is not set:
// the program was not started by supervisord.
absl::StatusOr<SupervisorConnection> ConnectToSupervisor();

// The descriptors of the protocol loop: supervisord's pipes.
struct ListenerFds {
  int in = 0;   // stdin: events
  int out = 1;  // stdout: READY and RESULT, nothing else
  int err = 2;  // stderr
};

// RunEventLoop() writes READY, hands each event to `handler` and writes its
// RESULT, until supervisord closes stdin; then calls `at_end` (finish the
// work in flight). Returns the exit status: 0 at EOF; 1 with one stderr
// line `<listener>: cannot write to supervisord (stdout): Broken pipe` when
// stdout was closed, or `<listener>: <error>` when the stream broke.
int RunEventLoop(absl::string_view listener, const protocol::EventHandler& handler,
                 const std::function<void()>& at_end, ListenerFds fds = {});

}  // namespace kit
}  // namespace svl

#endif  // SVL_KIT_LISTENER_PROCESS_H_
