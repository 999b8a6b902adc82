// File: protocol/payloads.h
//
// Typed parsers for the payload of every event type supervisord sends.
// Pure: no I/O.
//
// A payload is a "token set" (`key:value` pairs separated by single spaces),
// optionally followed by '\n' and free-form data. PROCESS_GROUP_* payloads end
// in a lone '\n'. Names may contain any byte except space, ':' and '/'.
//
// Example:
//
//   absl::StatusOr<TickPayload> tick = ParseTickPayload("when:1795609595");
//   absl::StatusOr<ProcessStatePayload> state = ParseProcessStatePayload(
//       "PROCESS_STATE_EXITED",
//       "processname:foo groupname:foo from_state:RUNNING expected:0 pid:11537");

#ifndef SVL_PROTOCOL_PAYLOADS_H_
#define SVL_PROTOCOL_PAYLOADS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace svl {
namespace protocol {

// TokenSet
//
// The `key:value` tokens of a payload's first line, in order, and the data
// after the first '\n' ("" when there is none).
struct TokenSet {
  std::vector<std::pair<std::string, std::string>> tokens;
  std::string data;
  bool has_data = false;  // a '\n' was present

  // Find() returns the value of the first token named `key`, or nullptr.
  const std::string* Find(absl::string_view key) const;
};

// ParseTokenSet()
//
// Splits at the first '\n', then the first line at single spaces, then each
// token at its first ':' (values may hold further ':'). An empty first line
// gives no tokens. A token without ':' (including the empty token of a double
// space) is kInvalidArgument: supervisord never emits one in a payload.
//
// All typed parsers below fail with kInvalidArgument naming the event type,
// the key and the C-escaped payload when a required token is missing, a
// number is not plain ASCII digits, or the payload has a '\n' (data) where
// the type carries none / lacks one where it does; and with kOutOfRange when
// a number does not fit. Unknown extra tokens are ignored.
absl::StatusOr<TokenSet> ParseTokenSet(absl::string_view payload);

// TICK_5, TICK_60, TICK_3600: `when:<epoch seconds>` (digits, fits int64).
struct TickPayload {
  std::int64_t when = 0;
};
absl::StatusOr<TickPayload> ParseTickPayload(absl::string_view payload);

// PROCESS_STATE_*: `processname groupname from_state` plus, depending on the
// state, `tries` (STARTING, BACKOFF), `pid` (RUNNING, STOPPING, STOPPED,
// EXITED) and `expected` (EXITED). Fields a state does not carry are absent.
struct ProcessStatePayload {
  std::string processname;
  std::string groupname;
  std::string from_state;
  absl::optional<int> tries;
  absl::optional<std::int64_t> pid;
  absl::optional<bool> expected;
};
// `eventname` selects which fields are required, e.g. "PROCESS_STATE_EXITED";
// a name that is not one of the eight PROCESS_STATE_* names is
// kInvalidArgument. `expected` must be "0" or "1".
absl::StatusOr<ProcessStatePayload> ParseProcessStatePayload(
    absl::string_view eventname, absl::string_view payload);

// PROCESS_LOG_STDOUT / PROCESS_LOG_STDERR:
// `processname groupname pid channel` '\n' data. `channel` must be "stdout"
// or "stderr". The data is everything after the first '\n' (it may hold more
// '\n's, or be an `Undecodable: b'...'` text).
struct ProcessLogPayload {
  std::string processname;
  std::string groupname;
  std::int64_t pid = 0;
  std::string channel;  // "stdout" or "stderr"
  std::string data;
};
absl::StatusOr<ProcessLogPayload> ParseProcessLogPayload(
    absl::string_view payload);

// PROCESS_COMMUNICATION_STDOUT / _STDERR: `processname groupname pid` '\n' data.
struct ProcessCommunicationPayload {
  std::string processname;
  std::string groupname;
  std::int64_t pid = 0;
  std::string data;
};
absl::StatusOr<ProcessCommunicationPayload> ParseProcessCommunicationPayload(
    absl::string_view payload);

// REMOTE_COMMUNICATION: `type:<anything up to the first '\n'>` '\n' data.
// The type is not validated by supervisord and may contain spaces and ':'
// (but a type containing '\n' cannot be told apart from the data: the first
// '\n' ends it). Errors: no leading `type:`, or no '\n'.
struct RemoteCommunicationPayload {
  std::string type;
  std::string data;
};
absl::StatusOr<RemoteCommunicationPayload> ParseRemoteCommunicationPayload(
    absl::string_view payload);

// SUPERVISOR_STATE_CHANGE_RUNNING / _STOPPING: the payload is empty
// (anything else is kInvalidArgument).
absl::Status ParseSupervisorStateChangePayload(absl::string_view payload);

// PROCESS_GROUP_ADDED / _REMOVED: `groupname:G\n` (note the trailing '\n';
// it is also accepted without it). Bytes after the '\n' are kInvalidArgument.
struct ProcessGroupPayload {
  std::string groupname;
};
absl::StatusOr<ProcessGroupPayload> ParseProcessGroupPayload(
    absl::string_view payload);

// IsTickEvent() is true for every TICK_* event name (upstream's prefix test).
bool IsTickEvent(absl::string_view eventname);

}  // namespace protocol
}  // namespace svl

#endif  // SVL_PROTOCOL_PAYLOADS_H_
