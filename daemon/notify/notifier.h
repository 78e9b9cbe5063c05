#pragma once
// Tells systemd how the service is doing, through $NOTIFY_SOCKET (sd_notify(3)): READY=1,
// STATUS=, WATCHDOG=1, RELOADING=1 with MONOTONIC_USEC=, STOPPING=1. Without $NOTIFY_SOCKET
// (not started by systemd) every call does nothing. Failures to send are ignored: systemd's
// view of the service must never stop the enforcement.

#include <chrono>
#include <optional>
#include <string_view>

namespace tw::notify {

class Notifier {
 public:
  void ready() const;
  void status(std::string_view text) const;  // one line; newlines are replaced
  void watchdog() const;
  // RELOADING=1 with the CLOCK_MONOTONIC time in µs, as Type=notify-reload expects.
  void reloading() const;
  void stopping() const;

  // Half the watchdog timeout systemd asked for ($WATCHDOG_USEC, for this process), or nullopt
  // when there is no watchdog.
  [[nodiscard]] static std::optional<std::chrono::microseconds> watchdog_period();
};

}  // namespace tw::notify
