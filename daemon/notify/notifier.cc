#include "daemon/notify/notifier.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <algorithm>
#include <string>

namespace tw::notify {
namespace {

void send(const std::string& message) {
  // unset_environment = 0: a child process started later still reports to the same socket.
  (void)sd_notify(0, message.c_str());
}

}  // namespace

void Notifier::ready() const {
  send("READY=1\nSTATUS=running");
}

void Notifier::status(std::string_view text) const {
  std::string line(text);
  std::ranges::replace(line, '\n', ' ');
  send("STATUS=" + line);
}

void Notifier::watchdog() const {
  send("WATCHDOG=1");
}

void Notifier::reloading() const {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1'000'000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1'000ULL;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading");
}

void Notifier::stopping() const {
  send("STOPPING=1\nSTATUS=stopping");
}

std::optional<std::chrono::microseconds> Notifier::watchdog_period() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace tw::notify
