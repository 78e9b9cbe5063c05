#include "config/spelling.h"

#include <algorithm>
#include <vector>

namespace tw::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

std::string_view closest_spelling(std::string_view word,
                                  std::span<const std::string_view> candidates) {
  std::string_view closest;
  std::size_t closest_distance = 3;  // suggest only near misses
  for (const std::string_view candidate : candidates) {
    const auto distance = edit_distance(word, candidate);
    if (distance < closest_distance && distance < candidate.size()) {
      closest = candidate;
      closest_distance = distance;
    }
  }
  return closest;
}

}  // namespace tw::config
