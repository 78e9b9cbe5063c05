#include "config/yaml_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "config/spelling.h"
#include "policy/duration.h"

namespace tw::config {
namespace {

std::string unknown_key_message(std::string_view key, std::span<const KeySpec> keys,
                                std::string_view what) {
  std::string message = "unknown " + std::string(what) + "; expected one of: ";
  std::vector<std::string_view> names;
  names.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) message.append(", ");
    message.append(keys[i].name);
    names.push_back(keys[i].name);
  }
  if (const auto closest = closest_spelling(key, names); !closest.empty()) {
    message.append(" (did you mean '").append(closest).append("'?)");
  }
  return message;
}

Position value_position(const YAML::Node& value, Position fallback) {
  if (value.IsNull()) return fallback;  // yaml-cpp marks an empty value at the next token
  const Position own = position_of(value.Mark());
  return own.line == 0 ? fallback : own;
}

std::string format_position(Position p) {
  return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
}

}  // namespace

std::string child_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out.push_back('.');
  out.append(key);
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return quote_value(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::optional<Mapping> Mapping::read(Diagnostics& diagnostics, const Field& field,
                                     std::span<const KeySpec> keys, std::string_view what) {
  if (!field.node.IsMap()) {
    diagnostics.error(field.position, field.path,
                      "expected a mapping, got " + describe(field.node));
    return std::nullopt;
  }
  Mapping mapping(field);
  std::vector<std::pair<std::string, Position>> seen;  // every string key, first occurrence
  for (const auto& pair : field.node) {
    // Copies: yaml-cpp's iterators hand out temporaries, so references into them dangle.
    const YAML::Node key_node = pair.first;
    const YAML::Node value_node = pair.second;
    const Position key_position = position_of(key_node.Mark());
    if (!key_node.IsScalar()) {
      diagnostics.error(key_position, field.path,
                        "keys must be plain strings, got " + describe(key_node));
      continue;
    }
    const std::string& key = key_node.Scalar();
    const std::string path = child_path(field.path, key);
    const auto previous = std::find_if(seen.begin(), seen.end(),
                                       [&](const auto& entry) { return entry.first == key; });
    if (previous != seen.end()) {
      diagnostics.error(
          key_position, path,
          "duplicate key (first at " + format_position(previous->second) + "); remove one of them");
      continue;
    }
    seen.emplace_back(key, key_position);
    const bool known = std::any_of(keys.begin(), keys.end(),
                                   [&](const KeySpec& spec) { return spec.name == key; });
    if (!known) {
      diagnostics.error(key_position, path, unknown_key_message(key, keys, what));
      continue;
    }
    mapping.entries_.push_back(
        {key, Field{value_node, path, value_position(value_node, key_position)}});
  }
  for (const KeySpec& spec : keys) {
    if (spec.presence == Presence::kRequired && !mapping.get(spec.name)) {
      diagnostics.error(field.position, field.path,
                        "missing required key '" + std::string(spec.name) + "'");
    }
  }
  return mapping;
}

std::optional<Field> Mapping::get(std::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return entry.value;
  }
  return std::nullopt;
}

std::optional<std::vector<Field>> read_list(Diagnostics& diagnostics, const Field& field) {
  if (!field.node.IsSequence()) {
    diagnostics.error(field.position, field.path, "expected a list, got " + describe(field.node));
    return std::nullopt;
  }
  std::vector<Field> items;
  items.reserve(field.node.size());
  for (const YAML::Node& item : field.node) {
    items.push_back({item, field.path + "[" + std::to_string(items.size()) + "]",
                     value_position(item, field.position)});
  }
  return items;
}

std::optional<std::string> read_string(Diagnostics& diagnostics, const Field& field) {
  if (!field.node.IsScalar()) {
    diagnostics.error(field.position, field.path, "expected a string, got " + describe(field.node));
    return std::nullopt;
  }
  return field.node.Scalar();
}

std::optional<bool> read_bool(Diagnostics& diagnostics, const Field& field) {
  if (field.node.IsScalar()) {
    const std::string& text = field.node.Scalar();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  diagnostics.error(field.position, field.path,
                    "expected true or false, got " + describe(field.node));
  return std::nullopt;
}

std::optional<std::int64_t> read_integer(Diagnostics& diagnostics, const Field& field,
                                         std::int64_t min, std::int64_t max) {
  const auto fail = [&] {
    diagnostics.error(field.position, field.path,
                      "expected an integer from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got " + describe(field.node));
    return std::nullopt;
  };
  if (!field.node.IsScalar()) return fail();
  const std::string& text = field.node.Scalar();
  const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (!digits_only || (text.size() > 1 && text[0] == '0')) return fail();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return fail();
  }
  return value;
}

std::optional<std::chrono::milliseconds> read_positive_duration(Diagnostics& diagnostics,
                                                                const Field& field) {
  if (!field.node.IsScalar()) {
    diagnostics.error(field.position, field.path,
                      "expected a duration such as 5s or 2m, got " + describe(field.node));
    return std::nullopt;
  }
  auto parsed = policy::parse_duration(field.node.Scalar());
  if (!parsed) {
    diagnostics.error(field.position, field.path, parsed.error());
    return std::nullopt;
  }
  if (parsed->count() <= 0) {
    diagnostics.error(field.position, field.path, "must be longer than zero");
    return std::nullopt;
  }
  return *parsed;
}

}  // namespace tw::config
