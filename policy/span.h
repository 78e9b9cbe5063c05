#pragma once
// Times and spans of time between them: arithmetic that cannot overflow (times from a host may
// be anything) and renderings for people that cannot either. Pure.

#include <string>

#include "policy/policy.h"

namespace tw::policy {

// a - b, saturating at the int64 limits.
[[nodiscard]] Seconds saturating_sub(EpochSeconds a, EpochSeconds b);
// a + b, saturating at the int64 limits.
[[nodiscard]] EpochSeconds saturating_add(EpochSeconds a, Seconds b);

// `seconds` exactly, for people, largest unit first: `400d 3h`, `2w`, `90d 1s`, `59s`, `-1h`,
// `0s`. Each part is spelled by format_duration.
[[nodiscard]] std::string format_span(Seconds seconds);

// `t` as format_utc spells it (`2026-01-01T00:00:00Z`) for years 0000 to 9999; any other time
// (a host may send anything) as `epoch N`, since format_utc's calendar arithmetic would
// overflow for the extremes.
[[nodiscard]] std::string format_time(EpochSeconds t);

}  // namespace tw::policy
