#include "tests/support/mock_whm/time_text.h"

#include <charconv>
#include <limits>

namespace tw::mock {
namespace {

// Splits `text` into a non-negative integer and the unit that follows it.
bool split_number(std::string_view text, std::uint64_t& number, std::string_view& unit) {
  const auto* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, number);
  if (ec != std::errc{} || ptr == text.data()) return false;
  unit = std::string_view(ptr, static_cast<std::size_t>(end - ptr));
  return true;
}

std::optional<std::uint64_t> unit_seconds(std::string_view unit) {
  if (unit == "s") return 1;
  if (unit == "m") return 60;
  if (unit == "h") return 3600;
  if (unit == "d") return 86400;
  if (unit == "w") return 604800;
  return std::nullopt;
}

constexpr std::uint64_t kMaxSeconds = std::uint64_t{1} << 40;  // far beyond any test need

}  // namespace

std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  std::uint64_t number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) {
    return std::unexpected("not a duration (expected e.g. 250ms, 2s, 5m): " + std::string(text));
  }
  std::uint64_t ms_per_unit = 0;
  if (unit.empty() || unit == "ms") {
    ms_per_unit = 1;
  } else if (const auto seconds = unit_seconds(unit)) {
    ms_per_unit = *seconds * 1000;
  } else {
    return std::unexpected("unknown duration unit in: " + std::string(text));
  }
  if (number > kMaxSeconds * 1000 / ms_per_unit) {
    return std::unexpected("duration too large: " + std::string(text));
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(number * ms_per_unit));
}

std::expected<std::uint64_t, std::string> parse_size(std::string_view text) {
  std::uint64_t number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) {
    return std::unexpected("not a size (expected e.g. 4096, 64KiB, 16MiB): " + std::string(text));
  }
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "B") {
    factor = 1;
  } else if (unit == "k" || unit == "K" || unit == "KB" || unit == "KiB") {
    factor = 1024;
  } else if (unit == "m" || unit == "M" || unit == "MB" || unit == "MiB") {
    factor = 1024 * 1024;
  } else {
    return std::unexpected("unknown size unit in: " + std::string(text));
  }
  if (number > (std::uint64_t{1} << 40) / factor) {
    return std::unexpected("size too large: " + std::string(text));
  }
  return number * factor;
}

std::expected<std::optional<std::int64_t>, std::string> parse_fixture_time(std::string_view text,
                                                                           std::int64_t now,
                                                                           bool allow_never) {
  if (text == "never") {
    if (allow_never) return std::optional<std::int64_t>{};
    return std::unexpected(std::string("`never` is not allowed here"));
  }
  if (text == "now") return std::optional<std::int64_t>{now};
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    const bool negative = text.front() == '-';
    std::uint64_t number = 0;
    std::string_view unit;
    const auto seconds =
        split_number(text.substr(1), number, unit) ? unit_seconds(unit) : std::nullopt;
    if (!seconds) {
      return std::unexpected("not a relative time (expected e.g. -400d, +10d, -2h): " +
                             std::string(text));
    }
    if (number > kMaxSeconds / *seconds) {
      return std::unexpected("relative time too large: " + std::string(text));
    }
    const auto offset = static_cast<std::int64_t>(number * *seconds);
    return std::optional<std::int64_t>{negative ? now - offset : now + offset};
  }
  std::uint64_t epoch = 0;
  std::string_view rest;
  if (!split_number(text, epoch, rest) || !rest.empty() ||
      epoch > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::unexpected("not a time (expected an epoch, now, never, -400d or +10d): " +
                           std::string(text));
  }
  return std::optional<std::int64_t>{static_cast<std::int64_t>(epoch)};
}

}  // namespace tw::mock
