// File: crashmailbatch/crashmailbatch.h
//
// crashmailbatch's policy, on the kit's batch notifier (kit/batch_notifier.h): it
// gathers PROCESS_STATE_EXITED events, one line each:
// `<time> -- Process <group>:<name> (pid <pid>) died unexpectedly`, for an
// unexpected exit only.
// The command line, the batching and the mail are the kit's
// (kit/batch_listener.h).

#ifndef SVL_CRASHMAILBATCH_CRASHMAILBATCH_H_
#define SVL_CRASHMAILBATCH_CRASHMAILBATCH_H_

#include "kit/batch_notifier.h"

namespace svl {
namespace crashmailbatch {

// CrashmailbatchKind() is crashmailbatch's BatchKind.
kit::BatchKind CrashmailbatchKind();

}  // namespace crashmailbatch
}  // namespace svl

#endif  // SVL_CRASHMAILBATCH_CRASHMAILBATCH_H_
