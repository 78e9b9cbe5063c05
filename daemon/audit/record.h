#pragma once
// One audit record: the line format and the hash chain (docs/audit.md is the auditor's copy
// of this contract).
//
// A record is one line of compact JSON, members in this order:
//   {"v":1,"seq":N,"ts":"YYYY-MM-DDTHH:MM:SS.mmmZ","event":"...","sweep":S,"host":H,
//    "user":U,"token":T,"rule":R,"policy_hash":P,"data":{...},"prev":"<64 hex>","hash":"<64 hex>"}
// where sweep/host/user/token/rule/policy_hash are strings or null (not applicable). `prev` is
// the `hash` of the record before it (64 zeros before the first record of a trail); the chain
// runs on across rotated files. `hash` is the SHA-256 (lowercase hex) of the record's canonical
// form: the line's bytes with the final `,"hash":"<64 hex>"` removed, i.e. everything before
// `,"hash":"` followed by `}`. Strings are JSON-escaped (control characters as \uXXXX or \n etc.,
// U+0085/U+2028/U+2029 as \uXXXX, each byte of invalid UTF-8 replaced by U+FFFD) so no value
// from a host can split or forge a line.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tw::audit {

inline constexpr int kSchemaVersion = 1;
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Milliseconds since the Unix epoch (UTC).
using EpochMillis = std::int64_t;

// The subject every record names; nullopt is written as null.
struct Subject {
  std::optional<std::string> sweep;
  std::optional<std::string> host;
  std::optional<std::string> user;
  std::optional<std::string> token;
  std::optional<std::string> rule;
  std::optional<std::string> policy_hash;
};

// What happened, before it is numbered, timed and chained.
struct Event {
  std::string type;  // e.g. "mutation.intent"; catalogue in daemon/audit/events.h
  Subject subject;
  boost::json::object data;  // event-specific members
};

// A record as written.
struct Record {
  std::uint64_t seq = 0;
  EpochMillis time = 0;
  std::string line;  // without the newline
  std::string hash;  // of `line`, 64 lowercase hex digits
};

// Numbers, times and chains `event`. `prev_hash` is the previous record's hash (kGenesisHash
// for the first record of a trail).
[[nodiscard]] Record make_record(const Event& event, std::uint64_t seq, EpochMillis time,
                                 std::string_view prev_hash);

// The hash a well-formed line must carry: SHA-256 of its canonical form. nullopt when `line`
// does not end in `,"hash":"<64 lowercase hex>"}`.
[[nodiscard]] std::optional<std::string> expected_hash(std::string_view line);

// `2026-11-28T23:34:25.123Z`.
[[nodiscard]] std::string format_utc_millis(EpochMillis time);
// Reads what format_utc_millis writes (and `YYYY-MM-DDTHH:MM:SSZ`, `YYYY-MM-DD`). Not a plain
// epoch number (seconds or milliseconds would be ambiguous).
[[nodiscard]] std::optional<EpochMillis> parse_utc_millis(std::string_view text);

// SHA-256 of `bytes` as 64 lowercase hex digits (config::sha256_hex, OpenSSL EVP). Throws
// std::runtime_error only when OpenSSL fails (out of memory).
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

}  // namespace tw::audit
