#pragma once
// Appends records to the audit trail file and keeps the hash chain going, across restarts,
// rotations and reopenings. Single-threaded: one writer per process, used from the event loop.
//
// Failure is sticky: once a write, sync, open or rename fails, the writer is `failed()` and
// every later append fails too (with the first error), so a caller that checks append's result
// before each mutation never mutates after the trail stopped being written. A failed append
// leaves no partial line behind (the file is cut back to its last whole record when possible).

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "daemon/audit/record.h"

namespace tw::audit {

enum class Durability {
  buffered,  // written to the file (survives a crash of this process, not of the machine)
  synced,    // and fdatasync'ed before append returns: survives a power cut
};

struct TrailOptions {
  std::filesystem::path path;
  std::uint64_t max_bytes = 64ULL << 20U;  // rotate_if_due() rotates at or above this size
  // The clock records are stamped with; the system clock when empty. For tests.
  std::function<EpochMillis()> clock;
  // Where the chain head (last seq and hash) is kept between runs, so a trail file that was
  // moved away (logrotate) while the process was down continues the chain. Empty: not kept.
  std::filesystem::path head_file;
};

// What open() found and did, for the caller to report (the writer also records these as
// events of its own: see events.h "trail.*").
struct OpenReport {
  bool created = false;          // the file did not exist or was empty
  std::uint64_t torn_bytes = 0;  // bytes of an unfinished last line that were cut off
  // Why open() refused, e.g. the last line is not an intact record (not JSON, no seq/hash, or a
  // hash that does not match its content): fail-safe, the file is left as it is and open()
  // returns an error until an operator has looked and moved the file away.
  std::optional<std::string> problem;
};

class TrailWriter {
 public:
  // Opens (creates with mode 0640) the trail at options.path for appending and continues the
  // chain from its last record; else from head_file; else from the genesis. A torn last line
  // (no newline: the machine stopped mid-write) is cut off and a "trail.repaired" record says so.
  // A file with no record that continues from head_file starts with "trail.continued"
  // (from: "head"). Holds an exclusive flock on the file: a second writer (another process, or
  // another TrailWriter on the same file) is refused. An unreadable head file, or a last line
  // that is not an intact record, is refused too (see OpenReport::problem).
  [[nodiscard]] static std::expected<TrailWriter, std::string> open(TrailOptions options,
                                                                    OpenReport* report = nullptr);

  TrailWriter(TrailWriter&&) noexcept;
  TrailWriter& operator=(TrailWriter&&) noexcept;
  TrailWriter(const TrailWriter&) = delete;
  TrailWriter& operator=(const TrailWriter&) = delete;
  ~TrailWriter();  // syncs and closes; errors are lost (call close() to see them)

  // Appends one record; returns it. The error names the file and the system error.
  std::expected<Record, std::string> append(const Event& event,
                                            Durability durability = Durability::buffered);

  // fdatasync now.
  std::expected<void, std::string> sync();

  // When the file holds at least max_bytes: renames it to `<path>.<UTC yyyymmddThhmmss.mmmZ>`
  // and starts a new file whose first record ("trail.continued") names the old file and
  // chains to its last record. Call between sweeps only. Returns the new name of the old file.
  std::expected<std::optional<std::filesystem::path>, std::string> rotate_if_due();

  // Closes and opens options.path again (after logrotate moved it away: SIGUSR1). A new file
  // starts with "trail.continued". Call between sweeps only.
  std::expected<void, std::string> reopen();

  // Syncs, writes the head file, closes. Later appends fail.
  std::expected<void, std::string> close();

  [[nodiscard]] bool failed() const { return failure_.has_value(); }
  [[nodiscard]] const std::optional<std::string>& failure() const { return failure_; }
  [[nodiscard]] std::uint64_t last_seq() const { return last_seq_; }  // 0: none yet
  [[nodiscard]] const std::string& last_hash() const { return last_hash_; }
  [[nodiscard]] const std::filesystem::path& path() const { return options_.path; }

 private:
  TrailWriter() = default;

  // Writes the head file (when options_.head_file is set): this writer's last record, found in
  // `file`. An error is latched.
  std::expected<void, std::string> write_head(const std::filesystem::path& file);
  // After the old file was closed (rotated or moved away): opens options_.path again, starts it
  // with "trail.continued" naming `previous_file` when it holds no record, and writes the head
  // file. An error is latched.
  std::expected<void, std::string> continue_in_new_file(std::optional<std::string> previous_file);

  TrailOptions options_;
  int fd_ = -1;
  std::uint64_t size_ = 0;  // bytes of whole records in the file
  std::uint64_t last_seq_ = 0;
  std::string last_hash_;
  std::optional<std::string> failure_;
};

}  // namespace tw::audit
