#pragma once
// Durations, sizes and points in time as fixture files and the admin endpoint write them.
// Deliberately separate from policy/duration.h: the mock shares no code with the product.

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace tw::mock {

// `250ms`, `2s`, `5m`, `1h`, `3d`, `1w`, or a bare integer meaning milliseconds. Non-negative.
[[nodiscard]] std::expected<std::chrono::milliseconds, std::string> parse_duration(
    std::string_view text);

// A byte count: `4096`, `64KiB`, `16MiB` (also `k`/`K`/`KB`, `m`/`M`/`MB` as binary units).
[[nodiscard]] std::expected<std::uint64_t, std::string> parse_size(std::string_view text);

// A fixture time: an absolute epoch integer (`1735689600`), `now`, or a signed offset from
// `now` with a unit: `-400d`, `+10d`, `-90m` (units s m h d w). `never` is nullopt, only when
// `allow_never`.
[[nodiscard]] std::expected<std::optional<std::int64_t>, std::string> parse_fixture_time(
    std::string_view text, std::int64_t now, bool allow_never);

}  // namespace tw::mock
