#pragma once
// `tokenwarden audit verify`: checks a trail's sequence numbers and hash chain, across files.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/audit/record.h"
#include "daemon/audit/trail_reader.h"

namespace tw::audit {

// Where the chain is expected to start: seq 1 after the genesis hash, unless the earlier
// files were rotated away, when an auditor passes the last seq and hash a previous verify
// printed (`--after SEQ:HASH`).
struct Anchor {
  std::uint64_t seq = 0;
  std::string hash{kGenesisHash};
};

struct VerifyResult {
  bool ok = false;
  std::uint64_t records = 0;  // records checked and found good
  std::uint64_t last_seq = 0;
  std::string last_hash;
  // When !ok: the sequence number the first bad record should have had (the previous good
  // record's seq + 1), where it is, and what is wrong with it.
  std::uint64_t bad_seq = 0;
  std::filesystem::path bad_file;
  std::size_t bad_line = 0;
  std::string problem;
};

// Checks, record by record: the line is JSON with every required member of the right type;
// `v` is a known schema version; `seq` is the previous + 1; `prev` equals the previous hash;
// `hash` equals expected_hash(line); the line ends with a newline. Stops at the first bad record.
// So a changed record fails at its own seq; a deleted, reordered or inserted one at the seq
// that should have come next. No records at all is not ok (problem "no records", bad_seq
// anchor.seq + 1, no file): an empty trail is not evidence of anything. Records cut off the end
// cannot be seen here; compare last_seq/last_hash with a head kept elsewhere.
[[nodiscard]] VerifyResult verify(const std::vector<ReadRecord>& records, const Anchor& anchor);

}  // namespace tw::audit
