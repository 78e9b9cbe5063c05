#pragma once
// Reads audit trail files back: for `audit verify`, `audit report` and the reconciliation of
// intents left open by a crash. Reading never fails on a bad line: the line is kept with what
// is wrong with it, for the verifier to report.

#include <boost/json/object.hpp>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw::audit {

struct ReadRecord {
  std::filesystem::path file;
  std::size_t line_number = 0;  // 1-based, within `file`
  std::string line;             // without the newline
  // The parsed record when the line is a JSON object; else why not.
  std::expected<boost::json::object, std::string> json;
  bool ends_with_newline = true;  // false for a torn last line
};

// Every line of `file`, in order. An error only when the file cannot be read.
[[nodiscard]] std::expected<std::vector<ReadRecord>, std::string> read_trail_file(
    const std::filesystem::path& file);

// Every line of every file, files in chain order: ordered by the `seq` of their first record
// (files whose first line has no readable seq keep their given order, after the others).
// A file that cannot be read is an error naming it.
[[nodiscard]] std::expected<std::vector<ReadRecord>, std::string> read_trail(
    const std::vector<std::filesystem::path>& files);

// Convenience accessors on a parsed record; nullopt when absent or of another type.
[[nodiscard]] std::optional<std::string> string_member(const boost::json::object& record,
                                                       std::string_view name);
// A non-negative integer member (however Boost.JSON stored it).
[[nodiscard]] std::optional<std::uint64_t> unsigned_member(const boost::json::object& object,
                                                           std::string_view name);
[[nodiscard]] std::optional<std::uint64_t> seq_of(const boost::json::object& record);
// The record's `data` object; nullptr when absent or not an object.
[[nodiscard]] const boost::json::object* data_of(const boost::json::object& record);

}  // namespace tw::audit
