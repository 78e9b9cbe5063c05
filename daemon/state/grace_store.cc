#include "daemon/state/grace_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>

#include "daemon/state/atomic_file.h"
#include "policy/timestamp.h"

namespace tw::state {
namespace {

namespace json = boost::json;

constexpr std::string_view kSchema = "tokenwarden.grace/1";
constexpr std::string_view kFileName = "grace.json";

// The members of an entry, in ViolationKey order, then first_seen.
constexpr std::array<std::string_view, 4> kKeyMembers{"host", "user", "token", "rule"};

// A problem message must be printable whatever the file holds: control and non-ASCII bytes are
// shown as \xNN, and long values are cut.
std::string printable(std::string_view text, std::size_t limit = 64) {
  std::string out;
  for (const char c : text.substr(0, limit)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      std::array<char, 5> buffer{};
      std::snprintf(buffer.data(), buffer.size(), "\\x%02x", byte);
      out.append(buffer.data());
    } else {
      out.push_back(c);
    }
  }
  if (text.size() > limit) out.append("...");
  return out;
}

std::string_view kind_name(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::string:
      return "a string";
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
  }
  return "a value";
}

// Reads the whole file. nullopt with no error: it does not exist.
struct FileText {
  bool existed = false;
  std::string text;
  std::optional<std::string> error;
};

FileText read_file(const std::filesystem::path& file) {
  FileText out;
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT) return out;
    out.existed = true;
    out.error = std::string("cannot open it: ") + std::strerror(error);
    return out;
  }
  out.existed = true;
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    out.error = std::string("cannot examine it: ") + std::strerror(errno);
  } else if (!S_ISREG(info.st_mode)) {
    out.error = "it is not a regular file";
  } else {
    std::array<char, 65536> buffer{};
    for (;;) {
      const ssize_t got = ::read(fd, buffer.data(), buffer.size());
      if (got < 0) {
        if (errno == EINTR) continue;
        out.error = std::string("cannot read it: ") + std::strerror(errno);
        break;
      }
      if (got == 0) break;
      out.text.append(buffer.data(), static_cast<std::size_t>(got));
    }
  }
  ::close(fd);
  return out;
}

// The parsed content, or what is wrong with it (without the file name).
std::expected<policy::GraceState, std::string> parse_grace(std::string_view text) {
  json::parse_options options;
  options.allow_invalid_utf8 = true;  // names are written as they came; keep reading them
  std::error_code error;
  const json::value root = json::parse(text, error, {}, options);
  if (error) return std::unexpected("not valid JSON: " + error.message());
  const json::object* object = root.if_object();
  if (object == nullptr) {
    return std::unexpected("expected a JSON object, got " + std::string(kind_name(root)));
  }
  const json::value* schema = object->if_contains("schema");
  if (schema == nullptr) return std::unexpected("no 'schema' member");
  if (!schema->is_string() || schema->get_string() != kSchema) {
    const std::string shown = schema->is_string() ? "'" + printable(schema->get_string()) + "'"
                                                  : json::serialize(*schema);
    return std::unexpected("schema is " + printable(shown) + ", expected '" + std::string(kSchema) +
                           "'");
  }
  const json::value* entries = object->if_contains("entries");
  if (entries == nullptr) return std::unexpected("no 'entries' member");
  if (!entries->is_array()) {
    return std::unexpected("entries: expected an array, got " + std::string(kind_name(*entries)));
  }

  policy::GraceState grace;
  std::size_t index = 0;
  for (const json::value& item : entries->get_array()) {
    const std::string where = "entries[" + std::to_string(index++) + "]";
    const json::object* entry = item.if_object();
    if (entry == nullptr) {
      return std::unexpected(where + ": expected an object, got " + std::string(kind_name(item)));
    }
    const auto member = [&](std::string_view name) -> std::expected<std::string, std::string> {
      const json::value* value = entry->if_contains(name);
      if (value == nullptr) {
        return std::unexpected(where + ": missing member '" + std::string(name) + "'");
      }
      if (!value->is_string()) {
        return std::unexpected(where + "." + std::string(name) + ": expected a string, got " +
                               std::string(kind_name(*value)));
      }
      return std::string(value->get_string());
    };
    std::array<std::string, kKeyMembers.size()> parts;
    for (std::size_t i = 0; i < kKeyMembers.size(); ++i) {
      auto value = member(kKeyMembers[i]);
      if (!value) return std::unexpected(value.error());
      parts[i] = std::move(*value);
    }
    const auto first_seen_text = member("first_seen");
    if (!first_seen_text) return std::unexpected(first_seen_text.error());
    const auto first_seen = policy::parse_utc(*first_seen_text);
    if (!first_seen) {
      return std::unexpected(where + ".first_seen: " + printable(first_seen.error(), 200));
    }
    policy::ViolationKey key{std::move(parts[0]), std::move(parts[1]), std::move(parts[2]),
                             std::move(parts[3])};
    if (!grace.emplace(std::move(key), *first_seen).second) {
      return std::unexpected(where + ": the same host, user, token and rule as an earlier entry");
    }
  }
  return grace;
}

std::string serialize(const policy::GraceState& grace) {
  // One entry per line: still one JSON document, and readable when someone has to look.
  std::string out = "{\"schema\":" + json::serialize(json::string(kSchema)) + ",\"entries\":[";
  bool first = true;
  for (const auto& [key, first_seen] : grace) {
    json::object entry;
    entry["host"] = std::get<0>(key);
    entry["user"] = std::get<1>(key);
    entry["token"] = std::get<2>(key);
    entry["rule"] = std::get<3>(key);
    entry["first_seen"] = policy::format_utc(first_seen);
    out.append(first ? "\n" : ",\n");
    out.append(json::serialize(entry));
    first = false;
  }
  out.append(grace.empty() ? "]}\n" : "\n]}\n");
  return out;
}

// Creates `directory` with mode 0700 when it is missing (its missing parents too, with the
// same mode). An existing directory keeps its mode: the administrator chose it.
std::expected<void, std::string> ensure_directory(const std::filesystem::path& directory) {
  std::error_code error;
  if (std::filesystem::is_directory(directory, error)) return {};
  const std::filesystem::path parent = directory.parent_path();
  if (!parent.empty() && parent != directory) {
    if (auto made = ensure_directory(parent); !made) return made;
  }
  if (::mkdir(directory.c_str(), 0700) != 0) {
    const int mkdir_error = errno;
    if (mkdir_error == EEXIST && std::filesystem::is_directory(directory, error)) return {};
    return std::unexpected("cannot create the state directory " + directory.string() + ": " +
                           std::strerror(mkdir_error));
  }
  if (::chmod(directory.c_str(), 0700) != 0) {  // the umask may have taken bits away
    return std::unexpected("cannot set the mode of the state directory " + directory.string() +
                           ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace

std::filesystem::path grace_file(const std::filesystem::path& state_dir) {
  return state_dir / kFileName;
}

LoadedGrace load_grace(const std::filesystem::path& state_dir) {
  LoadedGrace loaded;
  if (state_dir.empty()) return loaded;  // no state_dir: there is no history to read
  const std::filesystem::path file = grace_file(state_dir);
  try {
    FileText content = read_file(file);
    loaded.existed = content.existed;
    if (content.error) {
      loaded.problem = file.string() + ": " + *content.error;
      return loaded;
    }
    if (!content.existed) return loaded;
    auto grace = parse_grace(content.text);
    if (grace) {
      loaded.grace = std::move(*grace);
    } else {
      loaded.problem = file.string() + ": " + grace.error();
    }
  } catch (const std::exception& e) {  // out of memory, in practice
    loaded.grace.clear();
    loaded.problem = file.string() + ": cannot be read: " + e.what();
  }
  return loaded;
}

std::expected<void, std::string> save_grace(const std::filesystem::path& state_dir,
                                            const policy::GraceState& grace) {
  // Never the working directory by accident.
  if (state_dir.empty()) return std::unexpected("no state directory: set state_dir");
  if (auto made = ensure_directory(state_dir); !made) return made;
  return write_file_atomically(grace_file(state_dir), serialize(grace), 0600);
}

}  // namespace tw::state
