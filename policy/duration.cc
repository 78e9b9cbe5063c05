#include "policy/duration.h"

#include <array>
#include <charconv>
#include <limits>

namespace tw::policy {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t milliseconds;
};

// Longest suffix first so that `ms` is not read as `m`.
constexpr std::array<Unit, 6> kUnits{{{"ms", 1},
                                      {"s", 1000},
                                      {"m", 60'000},
                                      {"h", 3'600'000},
                                      {"d", 86'400'000},
                                      {"w", 604'800'000}}};

}  // namespace

std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  const auto digits_end = text.find_first_not_of("0123456789");
  if (digits_end == 0 || text.empty()) {
    return std::unexpected("'" + std::string(text) +
                           "' is not a duration: expected a whole number and a unit such as "
                           "500ms, 30s, 15m, 12h, 90d or 2w");
  }
  if (digits_end == std::string_view::npos) {
    return std::unexpected("'" + std::string(text) +
                           "' has no unit: write for example 30s, 15m, 12h or 90d");
  }
  const auto suffix = text.substr(digits_end);
  for (const auto& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    std::int64_t count = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits_end, count);
    if (ec != std::errc{} || count > std::numeric_limits<std::int64_t>::max() / unit.milliseconds) {
      return std::unexpected("'" + std::string(text) + "' is too large");
    }
    return std::chrono::milliseconds(count * unit.milliseconds);
  }
  return std::unexpected("'" + std::string(text) + "' has an unknown unit '" + std::string(suffix) +
                         "': use ms, s, m, h, d or w");
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms == 0) return "0s";
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (ms % it->milliseconds == 0) {
      return std::to_string(ms / it->milliseconds) + std::string(it->suffix);
    }
  }
  return std::to_string(ms) + "ms";
}

}  // namespace tw::policy
