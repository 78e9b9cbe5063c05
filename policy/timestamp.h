#pragma once
// UTC timestamps in ISO 8601 (`2026-11-28T20:31:59Z`), the one spelling used in output,
// policies and the audit trail. Pure: converting is not reading the clock.

#include <expected>
#include <string>
#include <string_view>

#include "policy/token.h"

namespace tw::policy {

// Times before year 0 or after 9999 are shown as the nearest of those bounds.
[[nodiscard]] std::string format_utc(EpochSeconds t);

// Accepts `YYYY-MM-DDTHH:MM:SSZ`, `YYYY-MM-DD` (midnight UTC) and a plain epoch integer.
[[nodiscard]] std::expected<EpochSeconds, std::string> parse_utc(std::string_view text);

}  // namespace tw::policy
