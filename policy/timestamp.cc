#include "policy/timestamp.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace tw::policy {
namespace {

bool read_int(std::string_view text, int& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

}  // namespace

std::string format_utc(EpochSeconds t) {
  using namespace std::chrono;
  // Years 0000 to 9999 only: outside them the calendar arithmetic below would overflow.
  constexpr EpochSeconds kEarliest = -62'167'219'200;  // 0000-01-01T00:00:00Z
  constexpr EpochSeconds kLatest = 253'402'300'799;    // 9999-12-31T23:59:59Z
  t = std::clamp(t, kEarliest, kLatest);
  const sys_seconds tp{seconds{t}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buffer;
}

std::expected<EpochSeconds, std::string> parse_utc(std::string_view text) {
  using namespace std::chrono;
  const auto bad = [&] {
    return std::unexpected("'" + std::string(text) +
                           "' is not a UTC time: use 2026-03-01, 2026-03-01T12:00:00Z or an "
                           "epoch in seconds");
  };
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    EpochSeconds epoch = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
    if (ec != std::errc{}) return bad();
    return epoch;
  }
  if (text.size() != 10 && text.size() != 20) return bad();
  if (text[4] != '-' || text[7] != '-') return bad();
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  if (!read_int(text.substr(0, 4), y) || !read_int(text.substr(5, 2), mo) ||
      !read_int(text.substr(8, 2), d)) {
    return bad();
  }
  if (text.size() == 20) {
    if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return bad();
    if (!read_int(text.substr(11, 2), h) || !read_int(text.substr(14, 2), mi) ||
        !read_int(text.substr(17, 2), s) || h > 23 || mi > 59 || s > 59) {
      return bad();
    }
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  const auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
  return tp.time_since_epoch().count();
}

}  // namespace tw::policy
