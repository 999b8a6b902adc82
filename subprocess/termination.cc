#include "subprocess/termination.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "subprocess/child_registry.h"

namespace svl {
namespace subprocess {
namespace {

constexpr int kTerminationSignals[] = {SIGTERM, SIGINT, SIGHUP};

// "<program_name>: ", set once by InstallTerminationHandler() before the
// handlers are installed.
char g_prefix[80] = "";
// Set by the first handler to run; the others wait for its _exit().
std::atomic<bool> g_stopping{false};

// Appends `text` to buffer[*length..size-1).
void Append(const char* text, char* buffer, int size, int* length) {
  for (; *text != '\0' && *length < size - 1; ++text) buffer[(*length)++] = *text;
}

const char* SignalName(int signo) {
  switch (signo) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "a signal";
  }
}

void WriteAll(int fd, const char* bytes, int length) {
  while (length > 0) {
    const ssize_t n = write(fd, bytes, static_cast<size_t>(length));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes += n;
    length -= static_cast<int>(n);
  }
}

void OnTerminationSignal(int signo) {
  if (g_stopping.exchange(true)) {
    for (;;) pause();
  }
  pid_t pids[kMaxChildren];
  const int killed = KillRegisteredChildren(pids, kMaxChildren);
  for (int i = 0; i < std::min(killed, kMaxChildren); ++i) {
    // ECHILD: the thread that ran it reaped it first.
    while (waitpid(pids[i], nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  char line[200];
  const int length = FormatStopLine(g_prefix, signo, killed, line, sizeof line);
  WriteAll(STDERR_FILENO, line, length);
  _exit(128 + signo);
}

}  // namespace

int FormatStopLine(const char* prefix, int signo, int killed, char* buffer, int size) {
  if (size <= 0) return 0;
  // The count in decimal, by hand: snprintf is not async-signal-safe.
  char digits[16];
  int n = 0;
  unsigned value = killed > 0 ? static_cast<unsigned>(killed) : 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && n < static_cast<int>(sizeof digits) - 1);
  char number[16];
  for (int i = 0; i < n; ++i) number[i] = digits[n - 1 - i];
  number[n] = '\0';

  int length = 0;
  Append(prefix, buffer, size, &length);
  Append("stopping on ", buffer, size, &length);
  Append(SignalName(signo), buffer, size, &length);
  Append(" (killed ", buffer, size, &length);
  Append(number, buffer, size, &length);
  Append(killed == 1 ? " child process group)\n" : " child process groups)\n", buffer, size,
         &length);
  buffer[length] = '\0';
  return length;
}

absl::Status InstallTerminationHandler(absl::string_view program_name) {
  const absl::string_view name = program_name.substr(0, 64);
  std::memcpy(g_prefix, name.data(), name.size());
  std::memcpy(g_prefix + name.size(), ": ", 3);

  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (sigaction(SIGPIPE, &ignore, nullptr) != 0) {
    return absl::ErrnoToStatus(errno, "sigaction(SIGPIPE)");
  }
  struct sigaction action = {};
  action.sa_handler = OnTerminationSignal;
  sigemptyset(&action.sa_mask);
  for (int sig : kTerminationSignals) sigaddset(&action.sa_mask, sig);
  for (int sig : kTerminationSignals) {
    if (sigaction(sig, &action, nullptr) != 0) {
      return absl::ErrnoToStatus(errno, "sigaction");
    }
  }
  return absl::OkStatus();
}

int KillRunningChildren() {
  pid_t killed[kMaxChildren];
  return KillRegisteredChildren(killed, kMaxChildren);
}

}  // namespace subprocess
}  // namespace svl
