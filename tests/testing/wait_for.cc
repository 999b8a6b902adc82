#include "tests/testing/wait_for.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/time/clock.h"

namespace svl {
namespace testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

// Reads the whole file into *contents; false when it cannot be opened.
bool ReadWholeFile(const std::string& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *contents = text.str();
  return true;
}

}  // namespace

int CountOccurrences(absl::string_view text, absl::string_view needle) {
  if (needle.empty()) return 0;
  int count = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

absl::Status WaitFor(const std::function<bool()>& done, absl::Duration timeout,
                     absl::string_view what) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      // One last look: the effect may have come while we slept.
      if (done()) return absl::OkStatus();
      return absl::DeadlineExceededError(
          absl::StrCat("timed out after ", absl::FormatDuration(timeout), " waiting for ", what));
    }
    absl::SleepFor(std::min(kPollInterval, deadline - now));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> WaitForFileContaining(const std::string& path,
                                                  absl::string_view needle,
                                                  absl::Duration timeout) {
  std::string contents;
  bool exists = false;
  absl::Status waited = WaitFor(
      [&] {
        exists = ReadWholeFile(path, &contents);
        return exists && absl::StrContains(contents, needle);
      },
      timeout, absl::StrCat("'", needle, "' in ", path));
  if (waited.ok()) return contents;
  const std::string tail =
      contents.size() > 4000 ? contents.substr(contents.size() - 4000) : contents;
  return absl::DeadlineExceededError(absl::StrCat(
      waited.message(), exists ? "; its tail:\n" : " (the file does not exist)", tail));
}

absl::StatusOr<std::string> WaitForFile(const std::string& path, absl::Duration timeout) {
  std::string contents;
  absl::Status waited =
      WaitFor([&] { return ReadWholeFile(path, &contents); }, timeout, path);
  if (!waited.ok()) return waited;
  return contents;
}

pid_t WaitForPidFile(const std::string& path, absl::Duration timeout) {
  int pid = 0;
  const absl::Status waited = WaitFor(
      [&] {
        std::string contents;
        return ReadWholeFile(path, &contents) &&
               absl::SimpleAtoi(absl::StripAsciiWhitespace(contents), &pid) && pid > 0;
      },
      timeout, path);
  return waited.ok() ? pid : 0;
}

}  // namespace testing
}  // namespace svl
