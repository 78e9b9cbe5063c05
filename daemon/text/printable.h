#pragma once
// Makes text that came from a remote host safe to show: every byte outside printable ASCII,
// and the backslash, becomes an escape (`\n`, `\t`, `\xNN`), so a host cannot forge lines or
// terminal control sequences in our output. Long text is cut, with a marker saying so.

#include <cstddef>
#include <string>
#include <string_view>

namespace tw::text {

[[nodiscard]] std::string printable(std::string_view raw, std::size_t max_bytes = 200);

}  // namespace tw::text
