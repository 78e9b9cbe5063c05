#include "policy/span.h"

#include <chrono>
#include <limits>

#include "policy/duration.h"
#include "policy/timestamp.h"

namespace tw::policy {

Seconds saturating_sub(EpochSeconds a, EpochSeconds b) {
  Seconds out = 0;
  if (!__builtin_sub_overflow(a, b, &out)) return out;
  return b < 0 ? std::numeric_limits<Seconds>::max() : std::numeric_limits<Seconds>::min();
}

EpochSeconds saturating_add(EpochSeconds a, Seconds b) {
  EpochSeconds out = 0;
  if (!__builtin_add_overflow(a, b, &out)) return out;
  return b > 0 ? std::numeric_limits<EpochSeconds>::max()
               : std::numeric_limits<EpochSeconds>::min();
}

std::string format_span(Seconds seconds) {
  if (seconds == 0) return "0s";
  // Work on the magnitude as unsigned so that the int64 minimum has one too.
  const bool negative = seconds < 0;
  auto rest =
      negative ? 0U - static_cast<std::uint64_t>(seconds) : static_cast<std::uint64_t>(seconds);
  std::string out = negative ? "-" : "";
  constexpr std::uint64_t kUnits[] = {86'400, 3'600, 60, 1};
  for (const std::uint64_t unit : kUnits) {
    const std::uint64_t count = rest / unit;
    rest %= unit;
    if (count == 0) continue;
    if (out.size() > (negative ? 1U : 0U)) out += ' ';
    // Whole days beyond what milliseconds can hold are spelled directly.
    if (count >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 86'400'000U) {
      out += std::to_string(count) + "d";
      continue;
    }
    const auto ms = static_cast<std::int64_t>(count * unit * 1000U);
    out += format_duration(std::chrono::milliseconds(ms));
  }
  return out;
}

std::string format_time(EpochSeconds t) {
  constexpr EpochSeconds kYear0 = -62'167'219'200;     // 0000-01-01T00:00:00Z
  constexpr EpochSeconds kYear9999 = 253'402'300'799;  // 9999-12-31T23:59:59Z
  if (t < kYear0 || t > kYear9999) return "epoch " + std::to_string(t);
  return format_utc(t);
}

}  // namespace tw::policy
