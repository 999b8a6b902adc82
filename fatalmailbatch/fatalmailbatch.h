// File: fatalmailbatch/fatalmailbatch.h
//
// fatalmailbatch's policy, on the kit's batch notifier (kit/batch_notifier.h): it
// gathers PROCESS_STATE_FATAL events, one line each:
// `<time> -- Process <group>:<name> failed to start too many times`.
// The command line, the batching and the mail are the kit's
// (kit/batch_listener.h).

#ifndef SVL_FATALMAILBATCH_FATALMAILBATCH_H_
#define SVL_FATALMAILBATCH_FATALMAILBATCH_H_

#include "kit/batch_notifier.h"

namespace svl {
namespace fatalmailbatch {

// FatalmailbatchKind() is fatalmailbatch's BatchKind.
kit::BatchKind FatalmailbatchKind();

}  // namespace fatalmailbatch
}  // namespace svl

#endif  // SVL_FATALMAILBATCH_FATALMAILBATCH_H_
