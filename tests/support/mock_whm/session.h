#pragma once
// One accepted TLS connection to a virtual host: handshake, then HTTP/1.1 requests with
// keep-alive until the client closes, an idle timeout, an error, a fault that ends the
// connection, or the fleet stops. Internal to the fleet (fleet.cc); runs on the I/O thread.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "tests/support/mock_whm/fleet_options.h"
#include "tests/support/mock_whm/host.h"

namespace tw::mock {

class Session;

// The live sessions of a fleet, so stop() can close them all (hung ones included). Used on
// the I/O thread only, so it needs no lock.
class SessionRegistry {
 public:
  void add(Session* session) { sessions_.insert(session); }
  void remove(Session* session) { sessions_.erase(session); }
  [[nodiscard]] std::size_t size() const { return sessions_.size(); }
  [[nodiscard]] bool stopping() const { return stopping_; }
  // Marks the fleet as stopping and aborts every live session.
  void stop_all();

 private:
  std::unordered_set<Session*> sessions_;
  bool stopping_ = false;
};

// How many /json-api requests the fleet is serving at the same time: each counts from the
// moment it has been read until its answer is written or its connection ends (a delayed or
// hung request counts while it waits). Changed on the I/O thread, read from any thread.
class RequestGauge {
 public:
  void enter() {
    const std::uint64_t now = current_.fetch_add(1) + 1;
    std::uint64_t seen = max_.load();
    while (seen < now && !max_.compare_exchange_weak(seen, now)) {
    }
  }
  void leave() { current_.fetch_sub(1); }
  [[nodiscard]] std::uint64_t current() const { return current_.load(); }
  [[nodiscard]] std::uint64_t max() const { return max_.load(); }
  // Starts a new maximum from the requests being served now.
  void reset_max() { max_.store(current_.load()); }

 private:
  std::atomic<std::uint64_t> current_{0};
  std::atomic<std::uint64_t> max_{0};
};

// What every session of a fleet shares. Outlives all sessions.
struct SessionContext {
  boost::asio::ssl::context& ssl;
  const FleetOptions& options;
  SessionRegistry& registry;
  RequestGauge& api_requests;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, Host& host, SessionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts serving `session` on its executor; the coroutine keeps it alive until it ends.
  static void launch(const std::shared_ptr<Session>& session);

  // Closes the socket and cancels the timer: every pending operation ends with an error and
  // the session winds down. I/O thread only.
  void abort();

 private:
  using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  boost::asio::awaitable<void> run(std::shared_ptr<Session> self);
  // Serves one request; returns false when the connection must end.
  boost::asio::awaitable<bool> serve_one();
  boost::asio::awaitable<bool> serve_api(ApiCall call, bool keep_alive);
  boost::asio::awaitable<bool> write_reply(const HttpReply& reply, bool keep_alive);
  // Answers a request the session refuses (400, 413, 431) and closes the connection gently.
  boost::asio::awaitable<void> reject(const HttpReply& reply);
  boost::asio::awaitable<bool> write_trickle(const HttpReply& reply, const Fault& fault,
                                             bool keep_alive);
  // Writes one chunk of a chunked body; false when the client went away.
  boost::asio::awaitable<bool> write_chunk(std::string_view data);
  boost::asio::awaitable<void> write_oversized(const std::string& function, const Fault& fault);
  boost::asio::awaitable<void> hang();
  boost::asio::awaitable<bool> sleep(std::chrono::steady_clock::duration delay);
  boost::asio::awaitable<void> shutdown_tls();
  void reset_connection();

  Stream stream_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  Host& host_;
  SessionContext& context_;
  std::string peer_address_;
};

}  // namespace tw::mock
