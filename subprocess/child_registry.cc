#include "subprocess/child_registry.h"

#include <signal.h>
#include <sys/types.h>
#include <time.h>

#include <atomic>

namespace svl {
namespace subprocess {
namespace {

// A slot holds 0 (free), kReserved (a fork is in progress) or a pid.
constexpr pid_t kReserved = -1;

static_assert(std::atomic<pid_t>::is_always_lock_free,
              "a signal handler reads the registry: it must not take locks");

std::atomic<pid_t> g_slots[kMaxChildren];

}  // namespace

ChildRegistration::ChildRegistration() {
  for (int i = 0; i < kMaxChildren; ++i) {
    pid_t expected = 0;
    if (g_slots[i].compare_exchange_strong(expected, kReserved)) {
      slot_ = i;
      return;
    }
  }
}

void ChildRegistration::Set(pid_t pid) {
  if (slot_ >= 0) g_slots[slot_].store(pid);
}

void ChildRegistration::Release() {
  if (slot_ >= 0) g_slots[slot_].store(0);
  slot_ = -1;
}

int RegisteredChildCount() {
  int count = 0;
  for (const std::atomic<pid_t>& slot : g_slots) {
    if (slot.load() != 0) ++count;
  }
  return count;
}

int KillRegisteredChildren(pid_t* pids, int capacity) {
  // A reserved slot gets its pid microseconds after fork() returns; allow
  // 1000 waits of 1 ms over all slots before giving up on it.
  int waits_left = 1000;
  int killed = 0;
  for (std::atomic<pid_t>& slot : g_slots) {
    pid_t pid = slot.load();
    while (pid == kReserved && waits_left > 0) {
      const struct timespec one_ms = {0, 1000 * 1000};
      nanosleep(&one_ms, nullptr);
      --waits_left;
      pid = slot.load();
    }
    if (pid <= 0) continue;
    const bool group_killed = kill(-pid, SIGKILL) == 0;
    const bool leader_killed = kill(pid, SIGKILL) == 0;
    if (!group_killed && !leader_killed) continue;
    if (killed < capacity) pids[killed] = pid;
    ++killed;
  }
  return killed;
}

}  // namespace subprocess
}  // namespace svl
