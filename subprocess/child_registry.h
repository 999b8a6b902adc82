// File: subprocess/child_registry.h
//
// The process-wide list of the children Run() (subprocess.h) has started and
// not yet reaped, so that a termination signal handler (termination.h) can
// kill their process groups before the process exits.
//
// It is a fixed array of std::atomic<pid_t>: reading it takes no lock and
// allocates nothing, so a signal handler may read it at any moment. Each
// child is the leader of its own process group, so its pid is also the
// group's id.
//
// A slot is reserved BEFORE fork() (so that a signal arriving between the
// fork and the registration cannot miss the child: a handler that sees a
// reserved slot waits for its pid) and freed while the child is still
// unreaped (an exited child stays a zombie until reaped, so its pid, and
// the group id, cannot be reused while a handler might still kill it).
//
// When all kMaxChildren slots are taken, a child runs unregistered: a
// termination signal does not kill it (its parent-death signal still does
// when the spawning thread exits, see subprocess.h).

#ifndef SVL_SUBPROCESS_CHILD_REGISTRY_H_
#define SVL_SUBPROCESS_CHILD_REGISTRY_H_

#include <sys/types.h>

namespace svl {
namespace subprocess {

// How many children can be registered at once.
inline constexpr int kMaxChildren = 64;

// ChildRegistration
//
// One slot of the registry, reserved by the constructor and freed by
// Release() or the destructor. Typical use, with every signal blocked in the
// calling thread from before the constructor until after Set():
//
//   ChildRegistration registration;   // reserves a slot
//   pid_t pid = fork();
//   ...
//   registration.Set(pid);            // or Release() when fork failed
//   ...
//   registration.Release();           // once the child exited, before reaping
class ChildRegistration {
 public:
  ChildRegistration();
  ~ChildRegistration() { Release(); }
  ChildRegistration(const ChildRegistration&) = delete;
  ChildRegistration& operator=(const ChildRegistration&) = delete;

  // Whether a slot was free (false: the registry was full).
  bool registered() const { return slot_ >= 0; }
  // Set() records the child's pid (= its process group id) in the slot.
  void Set(pid_t pid);
  // Release() frees the slot; idempotent.
  void Release();

 private:
  int slot_ = -1;
};

// RegisteredChildCount() is the number of slots in use (reserved or set).
// For tests: it is 0 whenever no Run() is in progress.
int RegisteredChildCount();

// KillRegisteredChildren() sends SIGKILL to the process group and to the pid
// of every registered child, waiting (up to about 1 s in total) for reserved
// slots to receive their pid, and stores up to `capacity` of the killed pids
// in `pids`. Returns how many it killed. Async-signal-safe.
int KillRegisteredChildren(pid_t* pids, int capacity);

}  // namespace subprocess
}  // namespace svl

#endif  // SVL_SUBPROCESS_CHILD_REGISTRY_H_
