#pragma once
// Typed, position-aware reading of a yaml-cpp document. Internal to config/.
//
// Every reader takes a Field (a node plus its YAML path and position), reports what is wrong
// with it into a Diagnostics, and returns nullopt in that case; callers carry on with the next
// key so that one run reports every error. yaml-cpp 0.7 accepts duplicate mapping keys and
// silently serves the first one; Mapping::read() reports them.

#include <yaml-cpp/node/node.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"

namespace tw::config {

// A node with what a message needs to point at it.
struct Field {
  YAML::Node node;
  std::string path;   // `fleet.hosts[2].port`; empty for the document root
  Position position;  // of the value; of its key when the value is empty (`port:`)
};

// `path.key`, or `key` at the root.
[[nodiscard]] std::string child_path(std::string_view path, std::string_view key);

// What a node is, for `expected X, got Y` messages: `a list`, `a mapping`, `nothing`, or the
// scalar's text quoted.
[[nodiscard]] std::string describe(const YAML::Node& node);

enum class Presence { kOptional, kRequired };

// One key a mapping may hold. Each section lists its keys in a table of these, so adding a
// key to the format is one line in the table plus the code that reads its value.
struct KeySpec {
  std::string_view name;
  Presence presence = Presence::kOptional;
};

// A mapping whose keys were checked against the table of its section.
class Mapping {
 public:
  // Reads `field` as a mapping. Reports a field that is not a mapping (and returns nullopt),
  // keys that are not plain strings, unknown keys (with the list of known ones), duplicate
  // keys (at the second, naming the first's position) and missing required keys (at the
  // mapping). Returns the mapping even when some of its keys were bad. `what` names the keys
  // in the unknown-key message (`unknown condition; expected one of: ...`).
  [[nodiscard]] static std::optional<Mapping> read(Diagnostics& diagnostics, const Field& field,
                                                   std::span<const KeySpec> keys,
                                                   std::string_view what = "key");

  // The value under `key` (its first occurrence); nullopt when the key is absent.
  [[nodiscard]] std::optional<Field> get(std::string_view key) const;

  [[nodiscard]] const Field& field() const { return field_; }

 private:
  struct Entry {
    std::string key;
    Field value;
  };

  explicit Mapping(Field field) : field_(std::move(field)) {}

  Field field_;
  std::vector<Entry> entries_;  // known keys only, first occurrence, in file order
};

// The items of a list, each with its path (`tags[1]`). Reports and returns nullopt when
// `field` is not a list.
[[nodiscard]] std::optional<std::vector<Field>> read_list(Diagnostics& diagnostics,
                                                          const Field& field);

// A scalar's text (plain or quoted; may be empty). Reports anything else.
[[nodiscard]] std::optional<std::string> read_string(Diagnostics& diagnostics, const Field& field);

// `true` or `false` (YAML 1.1's yes/no/on/off are not booleans here).
[[nodiscard]] std::optional<bool> read_bool(Diagnostics& diagnostics, const Field& field);

// A decimal integer in [min, max], written as digits only (no sign, no leading zero).
[[nodiscard]] std::optional<std::int64_t> read_integer(Diagnostics& diagnostics, const Field& field,
                                                       std::int64_t min, std::int64_t max);

// A positive duration as policy/duration.h spells it (`500ms`, `30s`, `15m`).
[[nodiscard]] std::optional<std::chrono::milliseconds> read_positive_duration(
    Diagnostics& diagnostics, const Field& field);

}  // namespace tw::config
