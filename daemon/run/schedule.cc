#include "daemon/run/schedule.h"

#include <algorithm>

namespace tw::run {

std::chrono::milliseconds splay_offset(std::string_view host, std::chrono::milliseconds interval) {
  // FNV-1a: stable across builds and platforms, unlike std::hash.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : host) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(interval.count(), 1));
  return std::chrono::milliseconds(static_cast<std::int64_t>(hash % span));
}

EpochMillis next_slot(EpochMillis after, std::chrono::milliseconds offset,
                      std::chrono::milliseconds interval) {
  const std::int64_t span = std::max<std::int64_t>(interval.count(), 1);
  const std::int64_t base = after - offset.count();
  // floor division, also for times before the epoch
  std::int64_t cycles = base / span;
  if (base % span < 0) --cycles;
  return (cycles + 1) * span + offset.count();
}

std::chrono::milliseconds backoff(Failure failure, unsigned failures,
                                  std::chrono::milliseconds interval) {
  if (failure == Failure::none) return std::chrono::milliseconds(0);
  const auto cap = interval * kMaxBackoffIntervals;
  if (failure == Failure::authentication) return cap;
  const unsigned doublings = std::min(failures == 0 ? 0U : failures - 1, 16U);
  return std::min(interval * (std::int64_t{1} << doublings), cap);
}

}  // namespace tw::run
