// File: base/heap.h
//
// Giving freed heap memory back to the system. glibc's malloc keeps what a
// large, short-lived structure (a 1 MB XML-RPC answer and its parse tree)
// freed, so a long-running listener's resident memory would stay at its
// largest answer; ReleaseFreedHeap() returns the free pages at the top of
// every arena and the free whole pages inside them.
//
// Example:
//
//   { std::string answer = ...; Decode(answer); }   // freed here
//   base::ReleaseFreedHeap();

#ifndef SVL_BASE_HEAP_H_
#define SVL_BASE_HEAP_H_

namespace svl {
namespace base {

// ReleaseFreedHeap() returns freed heap pages to the system (glibc's
// malloc_trim(0); nothing elsewhere). Costs a walk of the free lists: call
// it after freeing something large, not after every small call.
void ReleaseFreedHeap();

}  // namespace base
}  // namespace svl

#endif  // SVL_BASE_HEAP_H_
