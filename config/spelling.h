#pragma once
// "Did you mean" hints for misspelt keys and names. Pure; internal to config/.

#include <cstddef>
#include <span>
#include <string_view>

namespace tw::config {

// Levenshtein distance between two short strings.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is a near miss (fewer than 3 edits, and fewer edits
// than the candidate has characters); empty otherwise. The first of equally close ones wins.
[[nodiscard]] std::string_view closest_spelling(std::string_view word,
                                                std::span<const std::string_view> candidates);

}  // namespace tw::config
