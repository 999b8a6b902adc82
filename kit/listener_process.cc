#include "kit/listener_process.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "curl/global.h"
#include "kit/listener_output.h"
#include "subprocess/termination.h"

namespace svl {
namespace kit {

absl::Status StartListenerProcess(absl::string_view listener) {
  if (absl::Status s = subprocess::InstallTerminationHandler(listener); !s.ok()) {
    return s;
  }
  return curl::InitCurlGlobally();
}

absl::StatusOr<SupervisorConnection> ConnectToSupervisor() {
  absl::StatusOr<supervisor_rpc::ServerConfig> server =
      supervisor_rpc::ServerConfigFromEnvironment();
  if (!server.ok()) return server.status();
  absl::StatusOr<std::unique_ptr<supervisor_rpc::CurlTransport>> transport =
      supervisor_rpc::CurlTransport::Create(*server);
  if (!transport.ok()) return transport.status();
  SupervisorConnection connection;
  connection.server = *std::move(server);
  connection.transport = *std::move(transport);
  connection.client = std::make_unique<supervisor_rpc::SupervisorClient>(*connection.transport);
  return connection;
}

int RunEventLoop(absl::string_view listener, const protocol::EventHandler& handler,
                 const std::function<void()>& at_end, ListenerFds fds) {
  protocol::Listener loop(fds.in, fds.out);
  const absl::Status status = loop.Run(handler);
  if (at_end) at_end();
  if (status.ok()) return 0;
  const StderrWriter write_stderr = FdWriter(fds.err);
  if (protocol::IsClosedOutput(status)) {  // supervisord closed our stdout
    write_stderr(
        absl::StrCat(listener, ": cannot write to supervisord (stdout): Broken pipe\n"));
  } else {
    write_stderr(absl::StrCat(listener, ": ", status.message(), "\n"));
  }
  return 1;
}

}  // namespace kit
}  // namespace svl
