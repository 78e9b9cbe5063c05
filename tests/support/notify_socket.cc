#include "tests/support/notify_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace tw::testing {
namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Larger than any notification message systemd accepts (it reads at most a page or so).
constexpr std::size_t kMaxMessage = 64 * 1024;

}  // namespace

NotifySocket::NotifySocket(const std::filesystem::path& dir, const std::string& name)
    : path_(std::filesystem::absolute(dir / name)) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path_.string();
  if (text.size() >= sizeof address.sun_path) {
    throw std::length_error("notify socket path too long for sockaddr_un: " + text);
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw_errno("socket(AF_UNIX, SOCK_DGRAM)");
  if (bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int saved = errno;
    close(fd_);
    errno = saved;
    throw_errno("bind notify socket");
  }
  reader_ = std::thread([this] { read_loop(); });
}

NotifySocket::~NotifySocket() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) close(fd_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void NotifySocket::read_loop() {
  std::string buffer(kMaxMessage, '\0');
  while (!stop_) {
    pollfd fd{fd_, POLLIN, 0};
    const int ready = poll(&fd, 1, 50);
    if (ready <= 0) continue;  // timeout (check stop_), or EINTR
    const ssize_t n = recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0) continue;  // EAGAIN, EINTR; nothing else can fail on a bound datagram socket
    std::lock_guard lock(mu_);
    queue_.emplace_back(buffer.data(), static_cast<std::size_t>(n));
    history_.push_back(queue_.back());
    arrived_.notify_all();
  }
}

std::optional<std::string> NotifySocket::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!arrived_.wait_for(lock, timeout, [&] { return !queue_.empty(); })) return std::nullopt;
  std::string message = std::move(queue_.front());
  queue_.pop_front();
  return message;
}

std::vector<std::string> NotifySocket::history() const {
  std::lock_guard lock(mu_);
  return history_;
}

NotifySocket::Wait NotifySocket::wait_for(std::string_view line,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Wait wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return wait;
    auto message = next(left);
    if (!message) return wait;
    wait.messages.push_back(*message);
    if (notify_has(*message, line)) {
      wait.found = true;
      return wait;
    }
  }
}

std::vector<std::string> notify_lines(std::string_view message) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= message.size()) {
    const auto end = message.find('\n', start);
    const auto piece = message.substr(start, end == std::string_view::npos ? end : end - start);
    if (!piece.empty()) out.emplace_back(piece);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool notify_has(std::string_view message, std::string_view line) {
  for (const auto& l : notify_lines(message)) {
    if (line.ends_with('=') ? l.starts_with(line) : l == line) return true;
  }
  return false;
}

std::optional<std::string> notify_value(std::string_view message, std::string_view key) {
  const std::string prefix = std::string(key) + "=";
  for (const auto& l : notify_lines(message)) {
    if (l.starts_with(prefix)) return l.substr(prefix.size());
  }
  return std::nullopt;
}

}  // namespace tw::testing
