#include "kit/stop_signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/fd_io.h"
#include "subprocess/termination.h"

namespace svl {
namespace kit {
namespace {

// Set by the watching thread as soon as a stop signal arrived.
std::atomic<bool> stop_signal_received{false};

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

absl::Status WatchStopSignals(absl::string_view listener, std::function<void()> before_exit) {
  const sigset_t set = StopSignals();
  if (const int error = pthread_sigmask(SIG_BLOCK, &set, nullptr); error != 0) {
    return absl::ErrnoToStatus(error, "pthread_sigmask");
  }
  std::thread([prefix = absl::StrCat(listener, ": "), set, before_exit = std::move(before_exit)] {
    int signo = 0;
    while (sigwait(&set, &signo) != 0) {
    }
    stop_signal_received = true;
    if (before_exit) before_exit();
    const int killed = subprocess::KillRunningChildren();
    char line[256];
    const int length = subprocess::FormatStopLine(prefix.c_str(), signo, killed, line, sizeof line);
    base::WriteAll(STDERR_FILENO, absl::string_view(line, length)).IgnoreError();
    _exit(128 + signo);
  }).detach();
  return absl::OkStatus();
}

void ExitListener(int status) {
  // The stop signal's thread ends the process, with its own status.
  while (stop_signal_received) pause();
  _exit(status);
}

}  // namespace kit
}  // namespace svl
