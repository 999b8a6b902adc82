#include "supervisor_rpc/xmlrpc_differential.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "supervisor_rpc/fault.h"
#include "supervisor_rpc/xmlrpc_codec.h"
#include "supervisor_rpc/xmlrpc_decoder.h"
#include "supervisor_rpc/xmlrpc_reference_decoder.h"
#include "supervisor_rpc/xmlrpc_value.h"

namespace svl {
namespace supervisor_rpc {
namespace {

std::string WithoutLineEnds(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

bool SameDouble(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof(a)) == 0 || a == b;
}

bool SameValue(const XmlRpcValue& a, const XmlRpcValue& b, bool fold_line_ends) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case XmlRpcValue::Type::kDouble:
      return SameDouble(a.double_value(), b.double_value());
    case XmlRpcValue::Type::kString:
    case XmlRpcValue::Type::kDateTime:
      return fold_line_ends ? WithoutLineEnds(a.string_value()) == WithoutLineEnds(b.string_value())
                            : a.string_value() == b.string_value();
    case XmlRpcValue::Type::kArray:
      if (a.array().size() != b.array().size()) return false;
      for (std::size_t i = 0; i < a.array().size(); ++i) {
        if (!SameValue(a.array()[i], b.array()[i], fold_line_ends)) return false;
      }
      return true;
    case XmlRpcValue::Type::kStruct:
      if (a.members().size() != b.members().size()) return false;
      for (std::size_t i = 0; i < a.members().size(); ++i) {
        const auto& ma = a.members()[i];
        const auto& mb = b.members()[i];
        const bool same_name = fold_line_ends ? WithoutLineEnds(ma.first) == WithoutLineEnds(mb.first)
                                              : ma.first == mb.first;
        if (!same_name || !SameValue(ma.second, mb.second, fold_line_ends)) return false;
      }
      return true;
    default:
      return a == b;
  }
}

// A fault is an answer, not a rejection.
bool Answered(const absl::StatusOr<XmlRpcValue>& r) {
  return r.ok() || FaultFromStatus(r.status()).has_value();
}

bool ValidCharRef(absl::string_view ref) {  // "#65" or "#x41"
  if (ref.size() < 2 || ref[0] != '#') return false;
  const bool hex = ref[1] == 'x';
  absl::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return false;
  std::uint32_t cp = 0;
  for (char c : digits) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return false;
    cp = cp * (hex ? 16 : 10) + d;
  }
  return cp >= 1 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

}  // namespace

bool IsPlainSubset(absl::string_view body) {
  // tinyxml2 stops parsing, successfully, at an end tag outside the root, so
  // anything after the root's end tag must be blank.
  const std::size_t root_end = body.find("</methodResponse>");
  if (root_end == absl::string_view::npos ||
      body.find_first_not_of(" \t\n", root_end + 17) != absl::string_view::npos) {
    return false;
  }
  constexpr absl::string_view kDecl = "<?xml version='1.0'?>";
  std::size_t start = absl::StartsWith(body, kDecl) ? kDecl.size() : 0;
  for (std::size_t i = start; i < body.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(body[i]);
    if (c < 0x20 && c != '\n' && c != '\t') return false;
    if (c == 0x7F || c == '=') return false;
    if (c == '<' && i + 1 < body.size() && (body[i + 1] == '?' || body[i + 1] == '!')) {
      return false;
    }
    // tinyxml2 allows blanks between '<' or '</' and the name; XML does not.
    if (c == '<') {
      std::size_t j = i + 1;
      if (j < body.size() && body[j] == '/') ++j;
      if (j < body.size() && (body[j] == ' ' || body[j] == '\t' || body[j] == '\n')) return false;
    }
    if (c == '&') {
      const std::size_t semi = body.find(';', i);
      if (semi == absl::string_view::npos) return false;
      const absl::string_view ref = body.substr(i + 1, semi - i - 1);
      if (ref != "amp" && ref != "lt" && ref != "gt" && ref != "quot" && ref != "apos" &&
          !ValidCharRef(ref)) {
        return false;
      }
    }
  }
  return true;
}

bool DecodersAgree(absl::string_view body, std::string* why) {
  DecodeOptions options;
  options.max_bytes = kMaxResponseBytes;
  options.max_value_depth = kMaxValueDepth;
  options.drop_whitespace_runs = true;
  const absl::StatusOr<XmlRpcValue> fast = DecodeXmlRpcResponse(body, options);
  const absl::StatusOr<XmlRpcValue> ref = DecodeMethodResponseReference(body);
  const bool fast_answered = Answered(fast);
  const bool ref_answered = Answered(ref);
  if (fast_answered && ref_answered) {
    if (fast.ok() != ref.ok()) {
      *why = absl::StrCat("one value, one fault: fast ", fast.status().ToString(), "; reference ",
                          ref.status().ToString());
      return false;
    }
    const bool fold_line_ends = absl::StrContains(body, "\n\r");
    if (!fast.ok()) {
      if (fast.status() == ref.status()) return true;
      const Fault f = *FaultFromStatus(fast.status());
      const Fault r = *FaultFromStatus(ref.status());
      if (fold_line_ends && f.code == r.code &&
          WithoutLineEnds(f.fault_string) == WithoutLineEnds(r.fault_string)) {
        return true;
      }
      *why = absl::StrCat("different faults: fast ", fast.status().ToString(), "; reference ",
                          ref.status().ToString());
      return false;
    }
    if (SameValue(*fast, *ref, fold_line_ends)) return true;
    *why = "different values";
    return false;
  }
  if (fast_answered) {
    *why = absl::StrCat("fast decoder accepts what the reference rejects: ",
                        ref.status().ToString());
    return false;
  }
  if (ref_answered && IsPlainSubset(body)) {
    *why = absl::StrCat("fast decoder rejects a plain body the reference accepts: ",
                        fast.status().ToString());
    return false;
  }
  return true;
}

}  // namespace supervisor_rpc
}  // namespace svl
