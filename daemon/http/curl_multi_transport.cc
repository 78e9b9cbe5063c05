#include "daemon/http/curl_multi_transport.h"

#include <poll.h>

#include <boost/asio/append.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <stdexcept>

namespace tw::http {
namespace asio = boost::asio;

namespace {

// curl_global_init once per process, before the first transport; libcurl >= 7.84 makes it
// thread-safe. Never cleaned up: other code in the process may still use curl at exit.
void ensure_curl_initialised() {
  static const bool initialised = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
    return true;
  }();
  (void)initialised;
}

}  // namespace

// One socket curl asked us to watch. The descriptor does not own the fd: curl opens and closes
// its sockets, and tells us (CURL_POLL_REMOVE) before it closes one.
struct CurlMultiTransport::Socket {
  Socket(asio::io_context& io, curl_socket_t socket_fd) : descriptor(io), fd(socket_fd) {}
  asio::posix::stream_descriptor descriptor;
  curl_socket_t fd;
  int wanted = 0;  // CURL_POLL_IN / CURL_POLL_OUT bits
  bool read_armed = false;
  bool write_armed = false;
  bool removed = false;  // curl is done with it, or the transport is gone: ignore its waits
};

CurlMultiTransport::CurlMultiTransport(asio::io_context& io, TransportOptions options)
    : io_(io), options_(options), timer_(io) {
  ensure_curl_initialised();
  if (options_.max_in_flight == 0) options_.max_in_flight = 1;
  multi_ = curl_multi_init();
  share_ = curl_share_init();
  if (multi_ == nullptr || share_ == nullptr) throw std::runtime_error("curl init failed");
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMultiTransport::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, static_cast<void*>(this));
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMultiTransport::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, static_cast<void*>(this));
  const long cached = options_.max_cached_connections > 0
                          ? options_.max_cached_connections
                          : 2L * static_cast<long>(options_.max_in_flight);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, cached);
}

CurlMultiTransport::~CurlMultiTransport() {
  *alive_ = false;
  cancel_all();
  for (auto& [fd, socket] : sockets_) {
    socket->removed = true;
    boost::system::error_code ignored;
    socket->descriptor.cancel(ignored);
    (void)socket->descriptor.release();
  }
  sockets_.clear();
  curl_multi_cleanup(multi_);  // closes cached connections; may call on_socket/on_timer
  curl_share_cleanup(share_);
}

void CurlMultiTransport::send(Request request, Handler handler) {
  auto transfer = Transfer::create(std::move(request), share_);
  if (!transfer) {
    asio::post(io_.get_executor(),
               asio::append(std::move(handler), Result(std::unexpected(transfer.error()))));
    return;
  }
  (*transfer)->set_handler(std::move(handler));
  queue_.push_back(std::move(*transfer));
  start_queued();
}

void CurlMultiTransport::start_queued() {
  while (running_.size() < options_.max_in_flight && !queue_.empty()) {
    auto transfer = std::move(queue_.front());
    queue_.pop_front();
    CURL* easy = transfer->easy();
    if (const CURLMcode code = curl_multi_add_handle(multi_, easy); code != CURLM_OK) {
      complete(std::move(transfer), std::unexpected(Error{ErrorKind::other,
                                                          std::string("curl_multi_add_handle: ") +
                                                              curl_multi_strerror(code),
                                                          0,
                                                          {}}));
      continue;
    }
    running_.emplace(easy, std::move(transfer));
  }
}

void CurlMultiTransport::cancel_all() {
  auto queued = std::move(queue_);
  queue_.clear();
  for (auto& transfer : queued) {
    complete(std::move(transfer),
             std::unexpected(Error{ErrorKind::cancelled, "transport shut down", 0, {}}));
  }
  auto running = std::move(running_);
  running_.clear();
  for (auto& [easy, transfer] : running) {
    curl_multi_remove_handle(multi_, easy);
    complete(std::move(transfer),
             std::unexpected(Error{ErrorKind::cancelled, "transport shut down", 0, {}}));
  }
}

void CurlMultiTransport::complete(std::unique_ptr<Transfer> transfer, Result result) {
  auto handler = transfer->take_handler();
  transfer.reset();  // frees the easy handle; its connection stays in the multi's cache
  asio::post(io_.get_executor(), asio::append(std::move(handler), std::move(result)));
}

// curl's callbacks are called from C: nothing may propagate out of them.
int CurlMultiTransport::on_socket(CURL* easy, curl_socket_t fd, int what, void* self,
                                  void* /*socket_data*/) {
  auto* transport = static_cast<CurlMultiTransport*>(self);
  try {
    transport->watch(fd, what);
    return 0;
  } catch (const std::exception& e) {
    transport->fail_running(
        easy, Error{ErrorKind::other, std::string("cannot watch a socket: ") + e.what(), 0, {}});
    return -1;
  }
}

int CurlMultiTransport::on_timer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto* transport = static_cast<CurlMultiTransport*>(self);
  try {
    transport->arm_timer(timeout_ms);
    return 0;
  } catch (const std::exception&) {
    return -1;
  }
}

// Even a zero timeout goes through the loop: curl must not be re-entered from a callback.
void CurlMultiTransport::arm_timer(long timeout_ms) {
  if (timeout_ms < 0) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) on_timeout();
  });
}

// Ends a running transfer from inside a curl callback: the handle may only be removed from
// the loop, outside curl.
void CurlMultiTransport::fail_running(CURL* easy, Error error) {
  if (easy == nullptr) return;
  asio::post(io_, [this, alive = alive_, easy, error = std::move(error)]() mutable {
    if (!*alive) return;
    const auto it = running_.find(easy);
    if (it == running_.end()) return;
    auto transfer = std::move(it->second);
    running_.erase(it);
    curl_multi_remove_handle(multi_, easy);
    complete(std::move(transfer), std::unexpected(std::move(error)));
    start_queued();
  });
}

void CurlMultiTransport::watch(curl_socket_t fd, int what) {
  if (what == CURL_POLL_REMOVE) {
    const auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    it->second->removed = true;
    boost::system::error_code ignored;
    it->second->descriptor.cancel(ignored);
    (void)it->second->descriptor.release();
    sockets_.erase(it);
    return;
  }
  auto& socket = sockets_[fd];
  if (!socket) {
    socket = std::make_shared<Socket>(io_, fd);
    boost::system::error_code ec;
    socket->descriptor.assign(fd, ec);
    if (ec) throw boost::system::system_error(ec);  // on_socket fails the transfer
  }
  socket->wanted = what;
  arm(socket);
}

// Waits for each direction curl wants and is not yet waited for. asio's epoll reactor is
// edge-triggered: readiness that arrived while no wait was pending would be lost, so a direction
// that is ready already (a zero-timeout poll says so) is handled through the loop at once.
void CurlMultiTransport::arm(const std::shared_ptr<Socket>& socket) {
  if (!socket->descriptor.is_open()) return;
  const struct {
    int curl_bit;
    int cselect;
    short poll_event;
    bool Socket::*armed;
    asio::posix::descriptor_base::wait_type wait;
  } directions[] = {
      {CURL_POLL_IN, CURL_CSELECT_IN, POLLIN, &Socket::read_armed,
       asio::posix::descriptor_base::wait_read},
      {CURL_POLL_OUT, CURL_CSELECT_OUT, POLLOUT, &Socket::write_armed,
       asio::posix::descriptor_base::wait_write},
  };
  for (const auto& d : directions) {
    if ((socket->wanted & d.curl_bit) == 0 || (*socket).*d.armed) continue;
    (*socket).*d.armed = true;
    auto ready = [this, socket, d, alive = alive_](const boost::system::error_code& ec) {
      (*socket).*d.armed = false;
      if (ec || socket->removed || !*alive) return;  // checked before `this` is touched
      on_ready(socket, d.cselect);
    };
    pollfd probe{socket->fd, d.poll_event, 0};
    if (::poll(&probe, 1, 0) > 0) {
      asio::post(io_, [ready]() { ready(boost::system::error_code{}); });
    } else {
      socket->descriptor.async_wait(d.wait, ready);
    }
  }
}

void CurlMultiTransport::on_ready(const std::shared_ptr<Socket>& socket, int direction) {
  const int wanted_bit = direction == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT;
  if ((socket->wanted & wanted_bit) == 0) return;
  socket_action(socket->fd, direction);
  if (!socket->removed) arm(socket);
}

void CurlMultiTransport::on_timeout() {
  socket_action(CURL_SOCKET_TIMEOUT, 0);
}

void CurlMultiTransport::socket_action(curl_socket_t fd, int events) {
  int still_running = 0;
  curl_multi_socket_action(multi_, fd, events, &still_running);
  collect_finished();
  start_queued();
  // curl calls the timer callback only when its next deadline changes. Setting the timer from
  // curl's current deadline after every action as well means the loop never depends on a
  // callback that did not come (for example after a timer that fired a little before curl's
  // own clock reached the deadline).
  long timeout_ms = -1;
  if (curl_multi_timeout(multi_, &timeout_ms) == CURLM_OK && timeout_ms >= 0) {
    arm_timer(timeout_ms);
  }
}

void CurlMultiTransport::collect_finished() {
  int pending = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &pending)) {
    if (message->msg != CURLMSG_DONE) continue;
    // The message is invalid once its handle is removed: copy what we need first.
    CURL* const easy = message->easy_handle;
    const CURLcode code = message->data.result;
    curl_multi_remove_handle(multi_, easy);
    const auto it = running_.find(easy);
    if (it == running_.end()) continue;
    auto transfer = std::move(it->second);
    running_.erase(it);
    Result result = transfer->finish(code);
    complete(std::move(transfer), std::move(result));
  }
}

}  // namespace tw::http
