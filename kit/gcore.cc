#include "kit/gcore.h"

#include <sys/wait.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "subprocess/subprocess.h"

namespace svl {
namespace kit {
namespace {

constexpr std::size_t kMaxOutputBytes = 64 * 1024;

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitShellWords(absl::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // true once a word has started (even "" makes one)
  size_t i = 0;
  while (i < command.size()) {
    const char c = command[i];
    if (IsBlank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '\'') {
      size_t close = command.find('\'', i + 1);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("unterminated single quote at offset ", i, " in: ", command));
      }
      word.append(command.data() + i + 1, close - i - 1);
      in_word = true;
      i = close + 1;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < command.size() && command[j] != '"') {
        if (command[j] == '\\' && j + 1 < command.size()) {
          const char next = command[j + 1];
          if (next == '"' || next == '\\' || next == '$' || next == '`') {
            word.push_back(next);
            j += 2;
            continue;
          }
          if (next == '\n') {  // line continuation
            j += 2;
            continue;
          }
        }
        word.push_back(command[j]);
        ++j;
      }
      if (j >= command.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unterminated double quote at offset ", i, " in: ", command));
      }
      in_word = true;
      i = j + 1;
    } else if (c == '\\') {
      if (i + 1 >= command.size()) {
        return absl::InvalidArgumentError(absl::StrCat("trailing backslash in: ", command));
      }
      if (command[i + 1] != '\n') {  // backslash-newline joins lines
        word.push_back(command[i + 1]);
        in_word = true;
      }
      i += 2;
    } else {
      word.push_back(c);
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

absl::StatusOr<std::string> RunGcore(const std::vector<std::string>& gcore_words,
                                     const std::string& core_path, std::int64_t pid,
                                     absl::Duration deadline) {
  if (gcore_words.empty() || gcore_words[0].empty()) {
    return absl::InvalidArgumentError("empty gcore command");
  }
  if (deadline <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gcore deadline must be positive, got ", absl::FormatDuration(deadline)));
  }
  const std::string& program = gcore_words[0];

  subprocess::Command command;
  command.argv = gcore_words;
  command.argv.push_back(core_path);
  command.argv.push_back(absl::StrCat(pid));
  command.description = absl::StrCat("gcore command ", program);
  command.stderr_mode = subprocess::StderrMode::kInherit;
  command.max_output = kMaxOutputBytes;
  command.deadline = deadline;
  absl::StatusOr<subprocess::Result> result = subprocess::Run(command);
  if (!result.ok()) return result.status();
  if (result->timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat("gcore command ", program, " did not finish within ",
                     absl::FormatDuration(deadline), "; its process group was killed"));
  }
  const int status = result->wait_status;
  if (WIFSIGNALED(status)) {
    return absl::InternalError(
        absl::StrCat("gcore command ", program, " was killed by signal ", WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("gcore command ", program, " exited with status ",
                                            WIFEXITED(status) ? WEXITSTATUS(status) : status));
  }
  return std::move(result->output);
}

}  // namespace kit
}  // namespace svl
