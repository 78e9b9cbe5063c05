#include "tests/support/mock_whm/fault.h"

#include <yaml-cpp/yaml.h>

#include <boost/json/array.hpp>

#include "tests/support/mock_whm/time_text.h"

namespace tw::mock {
namespace {

constexpr std::chrono::milliseconds kMaxDelay = std::chrono::minutes(10);
constexpr std::uint64_t kMaxOversized = std::uint64_t{1} << 30U;

struct FaultError {
  std::string message;
};

std::string scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) throw FaultError{std::string(key) + ": expected a scalar"};
  return node.Scalar();
}

bool flag(const YAML::Node& node, std::string_view key) {
  const std::string text = scalar(node, key);
  if (text == "true") return true;
  if (text == "false") return false;
  throw FaultError{std::string(key) + ": expected true or false"};
}

std::chrono::milliseconds delay(const YAML::Node& node, std::string_view key) {
  auto parsed = parse_duration(scalar(node, key));
  if (!parsed) throw FaultError{std::string(key) + ": " + parsed.error()};
  if (*parsed > kMaxDelay) throw FaultError{std::string(key) + ": at most 10m"};
  return *parsed;
}

std::uint64_t number(const YAML::Node& node, std::string_view key, std::uint64_t low,
                     std::uint64_t high) {
  auto parsed = parse_size(scalar(node, key));
  if (!parsed || *parsed < low || *parsed > high) {
    throw FaultError{std::string(key) + ": expected a number from " + std::to_string(low) + " to " +
                     std::to_string(high)};
  }
  return *parsed;
}

Fault parse(const YAML::Node& node) {
  if (node.IsNull()) return {};
  if (!node.IsMap()) throw FaultError{"a fault is a mapping"};
  Fault fault;
  int kinds = 0;
  const auto set_kind = [&](FaultKind kind) {
    fault.kind = kind;
    ++kinds;
  };
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "latency") {
      fault.latency = delay(value, key);
    } else if (key == "hang") {
      if (flag(value, key)) set_kind(FaultKind::kHang);
    } else if (key == "reset") {
      if (flag(value, key)) set_kind(FaultKind::kReset);
    } else if (key == "non_json") {
      if (flag(value, key)) set_kind(FaultKind::kNonJson);
    } else if (key == "status") {
      fault.http_status = static_cast<unsigned>(number(value, key, 100, 599));
      set_kind(FaultKind::kHttpStatus);
    } else if (key == "result_zero") {
      const std::string text = scalar(value, key);
      if (text == "false") continue;
      if (text != "true") fault.reason = text;
      if (fault.reason.empty() || fault.reason.size() > 1000) {
        throw FaultError{"result_zero: the reason must have 1 to 1000 characters"};
      }
      set_kind(FaultKind::kResultZero);
    } else if (key == "oversized") {
      fault.oversized_bytes = number(value, key, 1, kMaxOversized);
      set_kind(FaultKind::kOversized);
    } else if (key == "trickle") {
      fault.trickle_total = delay(value, key);
      set_kind(FaultKind::kTrickle);
    } else if (key == "body") {
      fault.body = scalar(value, key);
      if (fault.body.size() > (1U << 20U)) throw FaultError{"body: at most 1 MiB"};
      set_kind(FaultKind::kBody);
    } else if (key == "trickle_bytes") {
      fault.trickle_bytes = static_cast<std::size_t>(number(value, key, 1, 65536));
    } else if (key == "functions") {
      if (!value.IsSequence()) throw FaultError{"functions: expected a list of function names"};
      for (const auto& item : value) fault.functions.insert(scalar(item, key));
    } else if (key == "next") {
      fault.remaining = number(value, key, 1, std::uint64_t{1} << 32U);
    } else {
      throw FaultError{"unknown fault key: " + key};
    }
  }
  if (kinds > 1) {
    throw FaultError{
        "choose at most one of hang, reset, status, non_json, result_zero, oversized, trickle, "
        "body"};
  }
  return fault;
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNone:
      return "none";
    case FaultKind::kHang:
      return "hang";
    case FaultKind::kReset:
      return "reset";
    case FaultKind::kHttpStatus:
      return "status";
    case FaultKind::kNonJson:
      return "non_json";
    case FaultKind::kResultZero:
      return "result_zero";
    case FaultKind::kOversized:
      return "oversized";
    case FaultKind::kTrickle:
      return "trickle";
    case FaultKind::kBody:
      return "body";
  }
  return "unknown";
}

std::expected<Fault, std::string> parse_fault(const YAML::Node& node) {
  try {
    return parse(node);
  } catch (const FaultError& e) {
    return std::unexpected(e.message);
  } catch (const YAML::Exception& e) {
    return std::unexpected(std::string(e.what()));
  }
}

boost::json::object fault_to_json(const Fault& fault) {
  boost::json::object out;
  out["kind"] = fault_kind_name(fault.kind);
  out["latency_ms"] = fault.latency.count();
  switch (fault.kind) {
    case FaultKind::kHttpStatus:
      out["status"] = fault.http_status;
      break;
    case FaultKind::kResultZero:
      out["reason"] = fault.reason;
      break;
    case FaultKind::kOversized:
      out["oversized_bytes"] = fault.oversized_bytes;
      break;
    case FaultKind::kTrickle:
      out["trickle_ms"] = fault.trickle_total.count();
      out["trickle_bytes"] = fault.trickle_bytes;
      break;
    case FaultKind::kBody:
      out["body_bytes"] = fault.body.size();
      break;
    default:
      break;
  }
  boost::json::array functions;
  for (const auto& f : fault.functions) functions.emplace_back(f);
  out["functions"] = std::move(functions);
  if (fault.remaining) out["next"] = *fault.remaining;
  return out;
}

}  // namespace tw::mock
