#pragma once
// The receiving end of the systemd notification protocol (sd_notify(3)), as systemd itself
// has it: an AF_UNIX SOCK_DGRAM socket bound to a path, given to the service in
// $NOTIFY_SOCKET. Each datagram is one message of one or more `KEY=VALUE` lines separated by
// "\n". Nothing is faked: the daemon under test uses its real notification code.
//
// A background thread reads the socket all the time, as systemd does: a sender blocks when
// the socket's queue is full (net.unix.max_dgram_qlen, 10 by default), so a test that
// stopped reading while it waits for something else would stall the daemon under test.
// Messages are queued for next() and wait_for(), and kept in history().
//
//   NotifySocket notify(dir.path());
//   ... start the daemon with NOTIFY_SOCKET=notify.path() ...
//   const auto ready = notify.wait_for("READY=1", std::chrono::seconds(20));
//   ASSERT_TRUE(ready.found);

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tw::testing {

class NotifySocket {
 public:
  // Binds `<dir>/<name>` (removing a stale file there). Throws std::system_error when it
  // cannot, std::length_error when the path does not fit in sockaddr_un. Starts reading.
  explicit NotifySocket(const std::filesystem::path& dir, const std::string& name = "notify.sock");
  ~NotifySocket();  // stops reading, closes and unlinks
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // For $NOTIFY_SOCKET.
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  // The next datagram not yet returned, waiting up to `timeout`; nullopt when none came.
  [[nodiscard]] std::optional<std::string> next(std::chrono::milliseconds timeout);

  struct Wait {
    bool found = false;
    // The messages received during this wait, in order; when found, the last one holds `line`.
    std::vector<std::string> messages;
  };
  // Receives messages until one holds `line` as one of its lines (an exact line, or a line
  // starting with `line` when `line` ends with '=', as "STATUS=") or `timeout` passes.
  [[nodiscard]] Wait wait_for(std::string_view line, std::chrono::milliseconds timeout);

  // Every message received since the socket was bound, in order (also those that next()
  // has not returned yet).
  [[nodiscard]] std::vector<std::string> history() const;

 private:
  void read_loop();

  std::filesystem::path path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::condition_variable arrived_;
  std::deque<std::string> queue_;     // guarded by mu_
  std::vector<std::string> history_;  // guarded by mu_
  std::thread reader_;                // last: starts once the rest is built
};

// The lines of one notification message.
[[nodiscard]] std::vector<std::string> notify_lines(std::string_view message);
// True when `message` holds `line` (as NotifySocket::wait_for matches it).
[[nodiscard]] bool notify_has(std::string_view message, std::string_view line);
// The value of `KEY=` in `message` (the first such line), nullopt when absent.
[[nodiscard]] std::optional<std::string> notify_value(std::string_view message,
                                                      std::string_view key);

}  // namespace tw::testing
