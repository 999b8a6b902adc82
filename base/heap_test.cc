#include "base/heap.h"

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace svl {
namespace base {
namespace {

// The process's resident anonymous memory, in KiB (/proc/self/status RssAnon).
std::int64_t RssAnonKib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "RssAnon:") {
      std::int64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(1 << 20, '\n');
  }
  return -1;
}

// Many small blocks (below the mmap threshold, so on the heap), touched,
// then freed: glibc keeps them until ReleaseFreedHeap().
TEST(HeapTest, ReleaseFreedHeapGivesFreedSmallBlocksBack) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator keeps freed memory in quarantine";
#endif
  const std::int64_t before = RssAnonKib();
  ASSERT_GT(before, 0);
  std::unique_ptr<char[]> fence;  // above the blocks: free() alone cannot shrink the heap
  {
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 64 * 1024; ++i) {  // 64 Ki blocks of 1 KiB: 64 MiB
      blocks.emplace_back(new char[1024]);
      for (int j = 0; j < 1024; j += 64) blocks.back()[j] = static_cast<char>(j);
    }
    fence.reset(new char[1024]);
    ASSERT_GE(RssAnonKib(), before + 60 * 1024);
    for (auto& block : blocks) block.reset();
  }
  ASSERT_GE(RssAnonKib(), before + 60 * 1024);  // kept by malloc
  ReleaseFreedHeap();
  EXPECT_LT(RssAnonKib(), before + 16 * 1024);
}

}  // namespace
}  // namespace base
}  // namespace svl
