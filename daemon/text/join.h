#pragma once
// Joins strings with a separator, for the one-line lists of reports and tables.

#include <ranges>
#include <string>
#include <string_view>

namespace tw::text {

// `items` (anything whose elements append to a std::string) with `separator` between them;
// empty for none. Empty items before the first non-empty one add no separator.
template <std::ranges::input_range Items>
[[nodiscard]] std::string join(const Items& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace tw::text
