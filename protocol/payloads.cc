#include "protocol/payloads.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "protocol/quote.h"

namespace svl {
namespace protocol {
namespace {

using internal::Quote;

absl::Status Missing(absl::string_view what, absl::string_view key, absl::string_view payload) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " payload has no '", key, "' token: ", Quote(payload)));
}

// RequireString() returns the value of `key`.
absl::StatusOr<std::string> RequireString(const TokenSet& set, absl::string_view what,
                                          absl::string_view key, absl::string_view payload) {
  const std::string* value = set.Find(key);
  if (value == nullptr) return Missing(what, key, payload);
  return *value;
}

// RequireNumber() returns the value of `key` as a non-negative decimal number
// (ASCII digits only) no larger than `max`.
absl::StatusOr<std::int64_t> RequireNumber(const TokenSet& set, absl::string_view what,
                                           absl::string_view key, std::int64_t max,
                                           absl::string_view payload) {
  const std::string* value = set.Find(key);
  if (value == nullptr) return Missing(what, key, payload);
  if (value->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " payload '", key, "' is empty: ", Quote(payload)));
  }
  std::int64_t result = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(absl::StrCat(what, " payload '", key,
                                                     "' is not a number: ", Quote(payload)));
    }
    const std::int64_t digit = c - '0';
    if (result > (max - digit) / 10) {
      return absl::OutOfRangeError(absl::StrCat(what, " payload '", key, "' is too large (max ",
                                                max, "): ", Quote(payload)));
    }
    result = result * 10 + digit;
  }
  return result;
}

absl::Status NoData(const TokenSet& set, absl::string_view what, absl::string_view payload) {
  if (!set.has_data) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " payload has an unexpected line break: ", Quote(payload)));
}

absl::Status NeedsData(const TokenSet& set, absl::string_view what, absl::string_view payload) {
  if (set.has_data) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " payload has no '\\n' before its data: ", Quote(payload)));
}

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

}  // namespace

const std::string* TokenSet::Find(absl::string_view key) const {
  for (const auto& token : tokens) {
    if (token.first == key) return &token.second;
  }
  return nullptr;
}

absl::StatusOr<TokenSet> ParseTokenSet(absl::string_view payload) {
  TokenSet set;
  absl::string_view line = payload;
  const std::size_t newline = payload.find('\n');
  if (newline != absl::string_view::npos) {
    line = payload.substr(0, newline);
    set.data = std::string(payload.substr(newline + 1));
    set.has_data = true;
  }
  if (line.empty()) return set;
  std::size_t start = 0;
  while (start <= line.size()) {
    std::size_t end = line.find(' ', start);
    if (end == absl::string_view::npos) end = line.size();
    const absl::string_view token = line.substr(start, end - start);
    const std::size_t colon = token.find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("payload token ", Quote(token),
                                                     " has no ':' in ", Quote(payload)));
    }
    set.tokens.emplace_back(std::string(token.substr(0, colon)),
                            std::string(token.substr(colon + 1)));
    start = end + 1;
  }
  return set;
}

absl::StatusOr<TickPayload> ParseTickPayload(absl::string_view payload) {
  absl::StatusOr<TokenSet> set = ParseTokenSet(payload);
  if (!set.ok()) return set.status();
  if (absl::Status s = NoData(*set, "TICK", payload); !s.ok()) return s;
  absl::StatusOr<std::int64_t> when = RequireNumber(*set, "TICK", "when", kMaxInt64, payload);
  if (!when.ok()) return when.status();
  TickPayload tick;
  tick.when = *when;
  return tick;
}

absl::StatusOr<ProcessStatePayload> ParseProcessStatePayload(absl::string_view eventname,
                                                             absl::string_view payload) {
  bool has_tries = false;
  bool has_pid = false;
  bool has_expected = false;
  if (eventname == "PROCESS_STATE_STARTING" || eventname == "PROCESS_STATE_BACKOFF") {
    has_tries = true;
  } else if (eventname == "PROCESS_STATE_RUNNING" || eventname == "PROCESS_STATE_STOPPING" ||
             eventname == "PROCESS_STATE_STOPPED") {
    has_pid = true;
  } else if (eventname == "PROCESS_STATE_EXITED") {
    has_pid = true;
    has_expected = true;
  } else if (eventname != "PROCESS_STATE_FATAL" && eventname != "PROCESS_STATE_UNKNOWN") {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PROCESS_STATE event name: ", Quote(eventname)));
  }
  absl::StatusOr<TokenSet> set = ParseTokenSet(payload);
  if (!set.ok()) return set.status();
  if (absl::Status s = NoData(*set, eventname, payload); !s.ok()) return s;

  ProcessStatePayload state;
  for (auto [field, key] : {std::make_pair(&state.processname, "processname"),
                            std::make_pair(&state.groupname, "groupname"),
                            std::make_pair(&state.from_state, "from_state")}) {
    absl::StatusOr<std::string> value = RequireString(*set, eventname, key, payload);
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  if (has_tries) {
    absl::StatusOr<std::int64_t> tries = RequireNumber(*set, eventname, "tries", kMaxInt, payload);
    if (!tries.ok()) return tries.status();
    state.tries = static_cast<int>(*tries);
  }
  if (has_expected) {
    const std::string* expected = set->Find("expected");
    if (expected == nullptr) return Missing(eventname, "expected", payload);
    if (*expected != "0" && *expected != "1") {
      return absl::InvalidArgumentError(absl::StrCat(
          eventname, " payload 'expected' is not 0 or 1: ", Quote(payload)));
    }
    state.expected = *expected == "1";
  }
  if (has_pid) {
    absl::StatusOr<std::int64_t> pid = RequireNumber(*set, eventname, "pid", kMaxInt64, payload);
    if (!pid.ok()) return pid.status();
    state.pid = *pid;
  }
  return state;
}

namespace {

// The `processname groupname pid` that PROCESS_LOG and PROCESS_COMMUNICATION
// payloads begin with, in a payload that must carry data.
struct ProcessWithData {
  TokenSet set;
  std::string processname;
  std::string groupname;
  std::int64_t pid = 0;
};

absl::StatusOr<ProcessWithData> ParseProcessWithData(absl::string_view what,
                                                     absl::string_view payload) {
  absl::StatusOr<TokenSet> set = ParseTokenSet(payload);
  if (!set.ok()) return set.status();
  if (absl::Status s = NeedsData(*set, what, payload); !s.ok()) return s;
  absl::StatusOr<std::string> processname = RequireString(*set, what, "processname", payload);
  if (!processname.ok()) return processname.status();
  absl::StatusOr<std::string> groupname = RequireString(*set, what, "groupname", payload);
  if (!groupname.ok()) return groupname.status();
  absl::StatusOr<std::int64_t> pid = RequireNumber(*set, what, "pid", kMaxInt64, payload);
  if (!pid.ok()) return pid.status();
  ProcessWithData parsed;
  parsed.set = *std::move(set);
  parsed.processname = *std::move(processname);
  parsed.groupname = *std::move(groupname);
  parsed.pid = *pid;
  return parsed;
}

}  // namespace

absl::StatusOr<ProcessLogPayload> ParseProcessLogPayload(absl::string_view payload) {
  constexpr absl::string_view kWhat = "PROCESS_LOG";
  absl::StatusOr<ProcessWithData> parsed = ParseProcessWithData(kWhat, payload);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<std::string> channel = RequireString(parsed->set, kWhat, "channel", payload);
  if (!channel.ok()) return channel.status();
  if (*channel != "stdout" && *channel != "stderr") {
    return absl::InvalidArgumentError(absl::StrCat(
        "PROCESS_LOG payload 'channel' is not stdout or stderr: ", Quote(payload)));
  }
  ProcessLogPayload log;
  log.processname = std::move(parsed->processname);
  log.groupname = std::move(parsed->groupname);
  log.pid = parsed->pid;
  log.channel = *std::move(channel);
  log.data = std::move(parsed->set.data);
  return log;
}

absl::StatusOr<ProcessCommunicationPayload> ParseProcessCommunicationPayload(
    absl::string_view payload) {
  absl::StatusOr<ProcessWithData> parsed = ParseProcessWithData("PROCESS_COMMUNICATION", payload);
  if (!parsed.ok()) return parsed.status();
  ProcessCommunicationPayload communication;
  communication.processname = std::move(parsed->processname);
  communication.groupname = std::move(parsed->groupname);
  communication.pid = parsed->pid;
  communication.data = std::move(parsed->set.data);
  return communication;
}

absl::StatusOr<RemoteCommunicationPayload> ParseRemoteCommunicationPayload(
    absl::string_view payload) {
  constexpr absl::string_view kPrefix = "type:";
  if (!absl::StartsWith(payload, kPrefix)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "REMOTE_COMMUNICATION payload does not start with 'type:': ", Quote(payload)));
  }
  const std::size_t newline = payload.find('\n');
  if (newline == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "REMOTE_COMMUNICATION payload has no '\\n' before its data: ", Quote(payload)));
  }
  RemoteCommunicationPayload remote;
  remote.type = std::string(payload.substr(kPrefix.size(), newline - kPrefix.size()));
  remote.data = std::string(payload.substr(newline + 1));
  return remote;
}

absl::Status ParseSupervisorStateChangePayload(absl::string_view payload) {
  if (payload.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("SUPERVISOR_STATE_CHANGE payload is not empty: ", Quote(payload)));
}

absl::StatusOr<ProcessGroupPayload> ParseProcessGroupPayload(absl::string_view payload) {
  constexpr absl::string_view kWhat = "PROCESS_GROUP";
  absl::StatusOr<TokenSet> set = ParseTokenSet(payload);
  if (!set.ok()) return set.status();
  if (!set->data.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PROCESS_GROUP payload has data after its '\\n': ", Quote(payload)));
  }
  absl::StatusOr<std::string> groupname = RequireString(*set, kWhat, "groupname", payload);
  if (!groupname.ok()) return groupname.status();
  ProcessGroupPayload group;
  group.groupname = *std::move(groupname);
  return group;
}

bool IsTickEvent(absl::string_view eventname) { return absl::StartsWith(eventname, "TICK_"); }

}  // namespace protocol
}  // namespace svl
