// File: crashsms/crashsms.h
//
// crashsms's policy, on the kit's batch notifier (kit/batch_notifier.h): it
// gathers PROCESS_STATE_EXITED events, one line each:
// `[<group>:<name>](<pid>) exited unexpectedly <time>`, for an unexpected
// exit only; no default subject (no Subject header).
// The command line, the batching and the mail are the kit's
// (kit/batch_listener.h).

#ifndef SVL_CRASHSMS_CRASHSMS_H_
#define SVL_CRASHSMS_CRASHSMS_H_

#include "kit/batch_notifier.h"

namespace svl {
namespace crashsms {

// CrashsmsKind() is crashsms's BatchKind.
kit::BatchKind CrashsmsKind();

}  // namespace crashsms
}  // namespace svl

#endif  // SVL_CRASHSMS_CRASHSMS_H_
