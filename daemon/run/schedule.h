#pragma once
// When the daemon sweeps each host. Pure arithmetic on epoch milliseconds, so it is tested
// without waiting.
//
// Splay: each host has a stable offset inside the interval, derived from its name, so the fleet
// is spread evenly over the interval and a host keeps its slot across restarts: host H is swept
// at the wall-clock times t with t mod interval == offset(H).
// Backoff: after n consecutive failed sweeps, a host waits interval × 2^(n−1), at most
// kMaxBackoffIntervals × interval; an authentication failure waits the maximum at once, because
// retrying a refused credential gets the daemon's address locked out by cPHulk.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace tw::run {

using EpochMillis = std::int64_t;
inline constexpr std::int64_t kMaxBackoffIntervals = 8;

// The host's offset in [0, interval).
[[nodiscard]] std::chrono::milliseconds splay_offset(std::string_view host,
                                                     std::chrono::milliseconds interval);

// The first slot of `offset` strictly after `after`.
[[nodiscard]] EpochMillis next_slot(EpochMillis after, std::chrono::milliseconds offset,
                                    std::chrono::milliseconds interval);

enum class Failure { none, unreachable, authentication };

// How long to wait, at least, after a sweep that ended with `failure`, the `failures`th in a row
// (1 for the first). Zero for none.
[[nodiscard]] std::chrono::milliseconds backoff(Failure failure, unsigned failures,
                                                std::chrono::milliseconds interval);

}  // namespace tw::run
