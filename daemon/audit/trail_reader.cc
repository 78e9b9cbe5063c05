#include "daemon/audit/trail_reader.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace tw::audit {
namespace {

std::expected<boost::json::object, std::string> parse_line(std::string_view line) {
  if (line.empty()) return std::unexpected(std::string("empty line"));
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(line, error);
  if (error) return std::unexpected("not JSON (" + error.message() + ")");
  if (!value.is_object()) return std::unexpected(std::string("not a JSON object"));
  return std::move(value.get_object());
}

}  // namespace

std::expected<std::vector<ReadRecord>, std::string> read_trail_file(
    const std::filesystem::path& file) {
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::unexpected("cannot read " + file.string() + ": " +
                           (errno != 0 ? std::strerror(errno) : "cannot open"));
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::unexpected("cannot read " + file.string() + ": read error");

  std::vector<ReadRecord> out;
  std::size_t start = 0;
  std::size_t number = 0;
  while (start < content.size()) {
    const std::size_t end = content.find('\n', start);
    const bool newline = end != std::string::npos;
    const std::string_view line =
        std::string_view(content).substr(start, newline ? end - start : std::string::npos);
    ReadRecord record{file, ++number, std::string(line), parse_line(line), newline};
    out.push_back(std::move(record));
    if (!newline) break;
    start = end + 1;
  }
  return out;
}

std::expected<std::vector<ReadRecord>, std::string> read_trail(
    const std::vector<std::filesystem::path>& files) {
  struct File {
    std::optional<std::uint64_t> first_seq;
    std::vector<ReadRecord> records;
  };
  std::vector<File> read;
  read.reserve(files.size());
  for (const auto& file : files) {
    auto records = read_trail_file(file);
    if (!records) return std::unexpected(records.error());
    File entry;
    if (!records->empty() && records->front().json)
      entry.first_seq = seq_of(*records->front().json);
    entry.records = std::move(*records);
    read.push_back(std::move(entry));
  }
  std::stable_sort(read.begin(), read.end(), [](const File& a, const File& b) {
    if (a.first_seq && b.first_seq) return *a.first_seq < *b.first_seq;
    return a.first_seq.has_value() && !b.first_seq.has_value();
  });
  std::vector<ReadRecord> out;
  for (auto& file : read) {
    std::move(file.records.begin(), file.records.end(), std::back_inserter(out));
  }
  return out;
}

std::optional<std::string> string_member(const boost::json::object& record, std::string_view name) {
  const auto* value = record.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

std::optional<std::uint64_t> unsigned_member(const boost::json::object& object,
                                             std::string_view name) {
  const auto* value = object.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) {
    return static_cast<std::uint64_t>(value->get_int64());
  }
  return std::nullopt;
}

std::optional<std::uint64_t> seq_of(const boost::json::object& record) {
  return unsigned_member(record, "seq");
}

const boost::json::object* data_of(const boost::json::object& record) {
  const auto* data = record.if_contains("data");
  return data != nullptr && data->is_object() ? &data->get_object() : nullptr;
}

}  // namespace tw::audit
