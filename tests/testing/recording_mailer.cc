#include "tests/testing/recording_mailer.h"

#include <utility>

namespace svl {
namespace testing {

absl::Status RecordingMailer::Send(const mailer::Message& message) {
  absl::MutexLock lock(&mu_);
  if (blocked_) {
    ++waited_;
    mu_.Await(absl::Condition(
        +[](bool* blocked) { return !*blocked; }, &blocked_));
  }
  messages_.push_back(message);
  return result_;
}

std::vector<mailer::Message> RecordingMailer::messages() const {
  absl::MutexLock lock(&mu_);
  return messages_;
}

std::vector<std::string> RecordingMailer::subjects() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> subjects;
  for (const mailer::Message& m : messages_) subjects.push_back(m.subject);
  return subjects;
}

void RecordingMailer::FailWith(absl::Status status) {
  absl::MutexLock lock(&mu_);
  result_ = std::move(status);
}

void RecordingMailer::Block() {
  absl::MutexLock lock(&mu_);
  blocked_ = true;
}

void RecordingMailer::Release() {
  absl::MutexLock lock(&mu_);
  blocked_ = false;
}

void RecordingMailer::WaitUntilBlocked(int count) {
  absl::MutexLock lock(&mu_);
  struct Args {
    const int* waited;
    int count;
  } args{&waited_, count};
  mu_.Await(absl::Condition(
      +[](Args* a) { return *a->waited >= a->count; }, &args));
}

}  // namespace testing
}  // namespace svl
