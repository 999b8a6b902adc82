// Replays a fuzz target's corpus as ordinary gtest cases (one test per file),
// so every fuzz target is also a regression test in the plain gcc build.
// Each input is copied into an exact-size heap buffer, so that an overread of
// one byte is caught under ASan (LLVM's StandaloneFuzzTargetMain does the same).
//
// Usage: <target>_test <corpus dir or file>...   Fails when it finds no input.

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

void CollectFiles(const std::string& path, std::vector<std::string>* files) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return;
  if (S_ISREG(st.st_mode)) {
    files->push_back(path);
    return;
  }
  if (!S_ISDIR(st.st_mode)) return;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    names.push_back(path + "/" + entry->d_name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) CollectFiles(name, files);
}

class ReplayTest : public ::testing::Test {
 public:
  explicit ReplayTest(std::string path) : path_(std::move(path)) {}
  void TestBody() override {
    std::ifstream in(path_, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << path_;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::unique_ptr<uint8_t[]> exact(new uint8_t[bytes.size() == 0 ? 1 : bytes.size()]);
    std::memcpy(exact.get(), bytes.data(), bytes.size());
    EXPECT_EQ(LLVMFuzzerTestOneInput(exact.get(), bytes.size()), 0);
  }

 private:
  std::string path_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) CollectFiles(argv[i], &files);
  if (files.empty()) {
    std::fprintf(stderr, "replay: no corpus input found in the given paths\n");
    return 1;
  }
  for (const std::string& file : files) {
    std::string name = file.substr(file.find_last_of('/') + 1);
    ::testing::RegisterTest("Corpus", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [file]() -> ::testing::Test* { return new ReplayTest(file); });
  }
  return RUN_ALL_TESTS();
}
