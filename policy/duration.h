#pragma once
// Durations as people write them in configuration and policy files: an integer followed by a
// unit, `500ms`, `30s`, `15m`, `12h`, `90d`, `2w`. Pure.

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace tw::policy {

// Parses `text`; on failure returns a message that says what is wrong (it never echoes more
// than the offending text itself).
[[nodiscard]] std::expected<std::chrono::milliseconds, std::string> parse_duration(
    std::string_view text);

// The shortest exact spelling of `d` in the units above (`90d`, `1500ms`).
[[nodiscard]] std::string format_duration(std::chrono::milliseconds d);

}  // namespace tw::policy
