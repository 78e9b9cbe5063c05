#include "daemon/audit/verify.h"

#include <array>
#include <boost/json.hpp>

namespace tw::audit {
namespace {

bool is_hash(const boost::json::value* value) {
  if (value == nullptr || !value->is_string()) return false;
  const auto& text = value->get_string();
  return text.size() == 64 &&
         std::string_view(text).find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_integer(const boost::json::value* value) {
  return value != nullptr && (value->is_int64() || value->is_uint64());
}

// What is wrong with the members of `record`, or nullopt when each is there with its type.
std::optional<std::string> member_problem(const boost::json::object& record) {
  if (!is_integer(record.if_contains("v"))) return "member \"v\" is missing or not an integer";
  if (!seq_of(record)) return "member \"seq\" is missing or not an unsigned integer";
  const auto ts = string_member(record, "ts");
  if (!ts || ts->size() != 24 || !parse_utc_millis(*ts)) {
    return "member \"ts\" is missing or not a UTC time (YYYY-MM-DDTHH:MM:SS.mmmZ)";
  }
  if (!string_member(record, "event")) return "member \"event\" is missing or not a string";
  static constexpr std::array<std::string_view, 6> kSubject = {"sweep", "host", "user",
                                                               "token", "rule", "policy_hash"};
  for (const std::string_view name : kSubject) {
    const auto* value = record.if_contains(name);
    if (value == nullptr || !(value->is_string() || value->is_null())) {
      return "member \"" + std::string(name) + "\" is missing or not a string or null";
    }
  }
  const auto* data = record.if_contains("data");
  if (data == nullptr || !data->is_object()) return "member \"data\" is missing or not an object";
  if (!is_hash(record.if_contains("prev"))) {
    return "member \"prev\" is missing or not 64 lowercase hex digits";
  }
  if (!is_hash(record.if_contains("hash"))) {
    return "member \"hash\" is missing or not 64 lowercase hex digits";
  }
  return std::nullopt;
}

}  // namespace

VerifyResult verify(const std::vector<ReadRecord>& records, const Anchor& anchor) {
  VerifyResult result;
  std::uint64_t expected_seq = anchor.seq + 1;
  std::string expected_prev = anchor.hash;
  result.last_seq = anchor.seq;
  result.last_hash = anchor.hash;

  if (records.empty()) {
    result.bad_seq = expected_seq;
    result.problem = "no records";
    return result;
  }
  for (const ReadRecord& read : records) {
    const auto fail = [&](std::string problem) {
      result.ok = false;
      result.bad_seq = expected_seq;
      result.bad_file = read.file;
      result.bad_line = read.line_number;
      result.problem = std::move(problem);
      return result;
    };
    if (!read.json) return fail(read.json.error());
    const boost::json::object& record = *read.json;
    if (auto problem = member_problem(record)) return fail(*problem);
    const auto& v = record.at("v");
    if (!(v.is_int64() && v.get_int64() == kSchemaVersion)) {
      return fail("unknown schema version " + boost::json::serialize(v));
    }
    const std::uint64_t seq = *seq_of(record);
    if (seq != expected_seq) {
      return fail("expected seq " + std::to_string(expected_seq) + ", found " +
                  std::to_string(seq));
    }
    if (*string_member(record, "prev") != expected_prev) {
      return fail("prev does not match the hash of the record before it");
    }
    const std::string hash = *string_member(record, "hash");
    const auto computed = expected_hash(read.line);
    // The hash member must be the line's last member, and the one parsed (no duplicate).
    if (!computed || read.line.substr(read.line.size() - 66, 64) != hash) {
      return fail("the line does not end with its hash member");
    }
    if (*computed != hash) return fail("hash does not match the record's content");
    if (!read.ends_with_newline) return fail("the line is not finished (no newline: torn write)");
    ++result.records;
    result.last_seq = seq;
    result.last_hash = hash;
    expected_prev = hash;
    ++expected_seq;
  }
  result.ok = true;
  return result;
}

}  // namespace tw::audit
