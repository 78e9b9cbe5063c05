#pragma once
// Plain-text tables for people: left-aligned columns two spaces apart.

#include <string>
#include <vector>

namespace tw::text {

// One line per row, each ended by "\n"; every cell but a row's last is padded to its column's
// widest cell plus two spaces. Every row has as many cells as the first (the header). Cells are
// taken as they are: make text from hosts printable (printable.h) first.
[[nodiscard]] std::string aligned_columns(const std::vector<std::vector<std::string>>& rows);

}  // namespace tw::text
