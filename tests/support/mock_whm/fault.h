#pragma once
// Faults a virtual WHM host can be told to inject, so tests can show that a client survives a
// slow, broken or hostile host. A fault applies to requests on /json-api/... only (never to
// the /__mock admin endpoints), optionally only to some functions and only to the next N
// matching requests, after which it clears itself.

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace YAML {
class Node;
}

namespace tw::mock {

enum class FaultKind {
  kNone,        // only `latency` (if any)
  kHang,        // read the request, never answer, keep the connection open until stop
  kReset,       // read the request, then close with SO_LINGER 0 (TCP RST)
  kHttpStatus,  // answer `http_status` with a short HTML page
  kNonJson,     // answer 200 with an HTML page (a login page, as a misrouted proxy would)
  kResultZero,  // answer 200 with {"metadata":{"result":0,"reason":reason,...}} and no data
  kOversized,   // answer 200 with a JSON start then `oversized_bytes` bytes, chunked encoding
  kTrickle,     // answer normally, but send the body `trickle_bytes` at a time over `trickle_total`
  kBody,        // answer 200 application/json with exactly `body` (hostile or odd host data)
};

// The name used in fixtures, the admin endpoint and the request log ("none", "hang", ...).
[[nodiscard]] std::string_view fault_kind_name(FaultKind kind);

struct Fault {
  FaultKind kind = FaultKind::kNone;
  std::chrono::milliseconds latency{0};  // waited (async timer) before anything else
  unsigned http_status = 503;
  std::string reason = "Injected failure";
  std::string body;  // for kBody
  std::uint64_t oversized_bytes = 16U << 20U;
  std::chrono::milliseconds trickle_total{1000};
  std::size_t trickle_bytes = 16;
  std::set<std::string, std::less<>> functions;  // empty: every function
  std::optional<std::uint64_t> remaining;        // nullopt: until cleared

  // True when this fault applies to a request for `function`.
  [[nodiscard]] bool matches(std::string_view function) const {
    return functions.empty() || functions.contains(function);
  }
  friend bool operator==(const Fault&, const Fault&) = default;
};

// Reads a fault from a YAML (or JSON) mapping with the keys of README.md "Faults":
// latency, hang, reset, status, non_json, result_zero, oversized, trickle, trickle_bytes, body,
// functions, next. At most one of hang/reset/status/non_json/result_zero/oversized/trickle/body.
// Unknown keys and out-of-range values are errors.
[[nodiscard]] std::expected<Fault, std::string> parse_fault(const YAML::Node& node);

// The same keys, for /__mock/state.
[[nodiscard]] boost::json::object fault_to_json(const Fault& fault);

}  // namespace tw::mock
