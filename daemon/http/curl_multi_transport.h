#pragma once
// The HTTP transport: libcurl's multi interface driven by curl_multi_socket_action on one
// Boost.Asio io_context. This adapter is the only code that talks to curl_multi_*; it never
// calls curl from inside curl's own callbacks (they only arm asio waits and timers).
//
// Requests beyond `max_in_flight` wait in a FIFO queue. Connections and TLS sessions are kept
// and reused between requests to the same host. Single-threaded: every member function and
// every completion runs on the io_context's one thread.

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>
#include <memory>
#include <unordered_map>

#include "daemon/http/transfer.h"
#include "daemon/http/transport.h"

namespace tw::http {

struct TransportOptions {
  unsigned max_in_flight = 64;      // exchanges running at once
  long max_cached_connections = 0;  // 0: twice max_in_flight
};

class CurlMultiTransport final : public Transport {
 public:
  // `io` must outlive the transport; destroy the transport before the io_context.
  CurlMultiTransport(boost::asio::io_context& io, TransportOptions options);
  ~CurlMultiTransport() override;
  CurlMultiTransport(const CurlMultiTransport&) = delete;
  CurlMultiTransport& operator=(const CurlMultiTransport&) = delete;

  void send(Request request, Handler handler) override;

  // Ends every queued and running exchange with ErrorKind::cancelled.
  void cancel_all();

  [[nodiscard]] std::size_t in_flight() const { return running_.size(); }
  [[nodiscard]] std::size_t queued() const { return queue_.size(); }

 private:
  struct Socket;

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void arm_timer(long timeout_ms);
  void watch(curl_socket_t fd, int what);
  void arm(const std::shared_ptr<Socket>& socket);
  void on_ready(const std::shared_ptr<Socket>& socket, int direction);
  void on_timeout();
  void socket_action(curl_socket_t fd, int events);
  void collect_finished();
  void start_queued();
  void complete(std::unique_ptr<Transfer> transfer, Result result);
  void fail_running(CURL* easy, Error error);

  boost::asio::io_context& io_;
  TransportOptions options_;
  // False once the destructor has run. Handlers that may already be queued when the transport
  // is destroyed (a fired timer, a posted readiness) hold it and check it before using `this`.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  boost::asio::steady_timer timer_;
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  std::map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::deque<std::unique_ptr<Transfer>> queue_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running_;
};

}  // namespace tw::http
