// Fuzz target: the XML-RPC response decoder
// (supervisor_rpc/xmlrpc_codec.h DecodeMethodResponse) and the process-info
// conversion run on what it returns.
//
// Oracle (abort() on violation): a decoded value, re-encoded with
// EncodeMethodResponse(), decodes to an equal value. NaN compares equal to
// NaN here. Values that XML itself cannot carry through a re-encoding are
// left out of the oracle (not of the decoding): text with a '\r' (XML
// parsers turn a raw CR into LF, and the encoder, like Python's, writes it
// raw) and text of only whitespace (tinyxml2 drops it, see
// DecodeMethodResponse()).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/process_info.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace {

using ::svl::supervisor_rpc::XmlRpcValue;

constexpr std::size_t kMaxInput = 64 * 1024;

bool TextRoundTrips(const std::string& text) {
  if (absl::StrContains(text, '\r')) return false;
  return text.empty() || !absl::StripAsciiWhitespace(text).empty();
}

bool RoundTrips(const XmlRpcValue& value) {
  switch (value.type()) {
    case XmlRpcValue::Type::kString:
    case XmlRpcValue::Type::kDateTime:
      return TextRoundTrips(value.string_value());
    case XmlRpcValue::Type::kArray:
      for (const XmlRpcValue& item : value.array()) {
        if (!RoundTrips(item)) return false;
      }
      return true;
    case XmlRpcValue::Type::kStruct:
      for (const XmlRpcValue::Member& member : value.members()) {
        if (!TextRoundTrips(member.first) || !RoundTrips(member.second)) return false;
      }
      return true;
    default:
      return true;
  }
}

// Equal() is operator== except that NaN equals NaN.
bool Equal(const XmlRpcValue& a, const XmlRpcValue& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case XmlRpcValue::Type::kDouble:
      return a.double_value() == b.double_value() ||
             (std::isnan(a.double_value()) && std::isnan(b.double_value()));
    case XmlRpcValue::Type::kArray:
      if (a.array().size() != b.array().size()) return false;
      for (std::size_t i = 0; i < a.array().size(); ++i) {
        if (!Equal(a.array()[i], b.array()[i])) return false;
      }
      return true;
    case XmlRpcValue::Type::kStruct:
      if (a.members().size() != b.members().size()) return false;
      for (std::size_t i = 0; i < a.members().size(); ++i) {
        if (a.members()[i].first != b.members()[i].first ||
            !Equal(a.members()[i].second, b.members()[i].second)) {
          return false;
        }
      }
      return true;
    default:
      return a == b;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return 0;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<XmlRpcValue> value = svl::supervisor_rpc::DecodeMethodResponse(body);
  if (!value.ok()) return 0;

  if (value->type() == XmlRpcValue::Type::kArray) {
    for (const XmlRpcValue& item : value->array()) {
      (void)svl::supervisor_rpc::ProcessInfoFromValue(item);
    }
  } else {
    (void)svl::supervisor_rpc::ProcessInfoFromValue(*value);
  }

  if (RoundTrips(*value)) {
    absl::StatusOr<XmlRpcValue> again =
        svl::supervisor_rpc::DecodeMethodResponse(svl::supervisor_rpc::EncodeMethodResponse(*value));
    if (!again.ok() || !Equal(*value, *again)) std::abort();
  }
  return 0;
}
