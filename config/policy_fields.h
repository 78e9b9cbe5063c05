#pragma once
// Readers for the values policy files are made of: non-empty lists of checked names, whole
// second durations, free text. Internal to config/. Like yaml_reader.h, each reports what is
// wrong into the Diagnostics and returns nullopt (or leaves the bad item out) so that reading
// goes on.

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/validators.h"
#include "config/yaml_reader.h"
#include "policy/policy.h"

namespace tw::config {

// One string of a list, with where it was written.
struct StringItem {
  std::string value;
  Field field;
};

// The items of a list that must hold at least one entry. In a policy an empty list is always a
// mistake (in a scope it would mean "everything"), so it is reported: leave the key out instead.
[[nodiscard]] std::optional<std::vector<Field>> read_nonempty_list(Diagnostics& diagnostics,
                                                                   const Field& field);

// A non-empty list of strings that each pass `check`; an item that does not is reported as
// `'value' <why not>` and left out. nullopt when `field` is not a non-empty list.
[[nodiscard]] std::optional<std::vector<StringItem>> read_checked_items(
    Diagnostics& diagnostics, const Field& field, Check (*check)(std::string_view));

// The same, values only (empty when nothing valid was read).
[[nodiscard]] std::vector<std::string> read_checked_strings(Diagnostics& diagnostics,
                                                            const Field& field,
                                                            Check (*check)(std::string_view));

// One string that passes `check`.
[[nodiscard]] std::optional<std::string> read_checked_string(Diagnostics& diagnostics,
                                                             const Field& field,
                                                             Check (*check)(std::string_view));

// A duration (`90d`, `12h`) of a whole number of seconds, longer than zero, in seconds.
[[nodiscard]] std::optional<policy::Seconds> read_seconds(Diagnostics& diagnostics,
                                                          const Field& field);

// A string with at least one character that is not whitespace (a reason, an owner).
[[nodiscard]] std::optional<std::string> read_text(Diagnostics& diagnostics, const Field& field);

// Of two fields, the one written later in the file: where a conflict between them is reported.
[[nodiscard]] const Field& later_of(const Field& a, const Field& b);

}  // namespace tw::config
