#include "config/policy_fields.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <tuple>

#include "policy/duration.h"

namespace tw::config {

std::optional<std::vector<Field>> read_nonempty_list(Diagnostics& diagnostics, const Field& field) {
  auto items = read_list(diagnostics, field);
  if (items && items->empty()) {
    diagnostics.error(field.position, field.path,
                      "is an empty list; list at least one entry, or leave the key out");
    return std::nullopt;
  }
  return items;
}

std::optional<std::vector<StringItem>> read_checked_items(Diagnostics& diagnostics,
                                                          const Field& field,
                                                          Check (*check)(std::string_view)) {
  const auto items = read_nonempty_list(diagnostics, field);
  if (!items) return std::nullopt;
  std::vector<StringItem> values;
  for (const Field& item : *items) {
    if (auto value = read_checked_string(diagnostics, item, check)) {
      values.push_back({std::move(*value), item});
    }
  }
  return values;
}

std::vector<std::string> read_checked_strings(Diagnostics& diagnostics, const Field& field,
                                              Check (*check)(std::string_view)) {
  std::vector<std::string> values;
  if (auto items = read_checked_items(diagnostics, field, check)) {
    for (StringItem& item : *items) values.push_back(std::move(item.value));
  }
  return values;
}

std::optional<std::string> read_checked_string(Diagnostics& diagnostics, const Field& field,
                                               Check (*check)(std::string_view)) {
  auto value = read_string(diagnostics, field);
  if (!value) return std::nullopt;
  if (const Check result = check(*value); !result) {
    diagnostics.error(field.position, field.path, quote_value(*value) + " " + result.error());
    return std::nullopt;
  }
  return value;
}

std::optional<policy::Seconds> read_seconds(Diagnostics& diagnostics, const Field& field) {
  if (!field.node.IsScalar()) {
    diagnostics.error(field.position, field.path,
                      "expected a duration such as 12h, 7d or 2w, got " + describe(field.node));
    return std::nullopt;
  }
  const std::string& text = field.node.Scalar();
  const auto parsed = policy::parse_duration(text);
  if (!parsed) {
    diagnostics.error(field.position, field.path, parsed.error());
    return std::nullopt;
  }
  if (parsed->count() <= 0) {
    diagnostics.error(field.position, field.path, "must be longer than zero");
    return std::nullopt;
  }
  if (parsed->count() % 1000 != 0) {
    diagnostics.error(field.position, field.path,
                      quote_value(text) +
                          " is not a whole number of seconds; policies count "
                          "in seconds (write 2s, not 1500ms)");
    return std::nullopt;
  }
  return parsed->count() / 1000;
}

std::optional<std::string> read_text(Diagnostics& diagnostics, const Field& field) {
  auto value = read_string(diagnostics, field);
  if (!value) return std::nullopt;
  const bool blank = std::all_of(value->begin(), value->end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  });
  if (blank) {
    diagnostics.error(field.position, field.path, "must not be empty");
    return std::nullopt;
  }
  return value;
}

const Field& later_of(const Field& a, const Field& b) {
  return std::tie(a.position.line, a.position.column) >=
                 std::tie(b.position.line, b.position.column)
             ? a
             : b;
}

}  // namespace tw::config
