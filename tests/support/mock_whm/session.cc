#include "tests/support/mock_whm/session.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "tests/support/mock_whm/admin.h"
#include "tests/support/mock_whm/http_wire.h"
#include "tests/support/mock_whm/whm_functions.h"

namespace tw::mock {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::redirect_error;
using net::use_awaitable;

constexpr std::string_view kHtml = "text/html; charset=utf-8";

HttpReply html_reply(unsigned status) {
  return HttpReply{status, std::string(kHtml), html_error_page(status)};
}

// Counts one /json-api request in the fleet's gauge for as long as it is being served.
class Serving {
 public:
  explicit Serving(RequestGauge& gauge) : gauge_(gauge) { gauge_.enter(); }
  ~Serving() { gauge_.leave(); }
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;

 private:
  RequestGauge& gauge_;
};

bool is_form_body(const http::request<http::string_body>& request) {
  const auto type = request[http::field::content_type];
  // curl -d sends this type; a POST without a type is read the same way.
  return type.empty() || type.starts_with("application/x-www-form-urlencoded");
}

}  // namespace

void SessionRegistry::stop_all() {
  stopping_ = true;
  // abort() destroys nothing: each session's coroutine resumes later with an error and ends.
  for (Session* session : sessions_) session->abort();
}

Session::Session(net::ip::tcp::socket socket, Host& host, SessionContext& context)
    : stream_(std::move(socket), context.ssl),
      timer_(stream_.get_executor()),
      host_(host),
      context_(context) {
  beast::error_code ec;
  const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) peer_address_ = endpoint.address().to_string();
  context_.registry.add(this);
}

Session::~Session() {
  context_.registry.remove(this);
}

void Session::launch(const std::shared_ptr<Session>& session) {
  net::co_spawn(session->stream_.get_executor(), session->run(session), net::detached);
}

void Session::abort() {
  beast::get_lowest_layer(stream_).close();
  timer_.cancel();
}

net::awaitable<void> Session::run(std::shared_ptr<Session> self) {
  (void)self;  // the coroutine frame's copy keeps the session alive until it returns
  try {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).expires_after(context_.options.handshake_timeout);
    co_await stream_.async_handshake(net::ssl::stream_base::server,
                                     redirect_error(use_awaitable, ec));
    if (ec || context_.registry.stopping()) co_return;
    host_.count_handshake(SSL_session_reused(stream_.native_handle()) == 1);
    while (!context_.registry.stopping()) {
      const bool more = co_await serve_one();
      if (!more) break;
    }
  } catch (const std::exception&) {
    // Only an allocation failure can throw here; the connection just ends.
  }
}

net::awaitable<bool> Session::serve_one() {
  const FleetOptions& options = context_.options;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.max_request_header));
  parser.body_limit(options.max_request_body);
  beast::get_lowest_layer(stream_).expires_after(options.idle_timeout);
  beast::error_code ec;
  co_await http::async_read_header(stream_, buffer_, parser, redirect_error(use_awaitable, ec));
  if (!ec && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    // curl sends `Expect: 100-continue` before a large POST body and waits (1 s by default)
    // for this interim answer; cpsrvd, like any HTTP/1.1 server, gives it at once.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              redirect_error(use_awaitable, ec));
  }
  if (!ec && !parser.is_done()) {
    beast::get_lowest_layer(stream_).expires_after(options.idle_timeout);
    co_await http::async_read(stream_, buffer_, parser, redirect_error(use_awaitable, ec));
  }
  if (ec) {
    std::optional<HttpReply> reply;
    if (ec == http::error::body_limit) {
      reply = html_reply(413);
    } else if (ec == http::error::header_limit) {
      reply = html_reply(431);
    } else if (ec != http::error::end_of_stream &&
               ec.category() == http::make_error_code(http::error::bad_target).category()) {
      reply = html_reply(400);  // a malformed request
    }
    if (reply) co_await reject(*reply);
    co_return false;
  }
  host_.count_request();
  const http::request<http::string_body>& request = parser.get();
  const bool keep_alive = request.keep_alive();
  const std::string method(request.method_string());
  const RequestTarget target = parse_request_target(request.target());

  if (target.kind == RequestTarget::Kind::kApi) {
    if (request.method() != http::verb::get && request.method() != http::verb::post) {
      const HttpReply reply = html_reply(405);
      co_return co_await write_reply(reply, keep_alive);
    }
    ApiCall call;
    call.method = method;
    call.function = target.function;
    call.params.add_encoded(target.query);
    if (request.method() == http::verb::post && is_form_body(request)) {
      call.params.add_encoded(request.body());
    }
    call.authorization = std::string(request[http::field::authorization]);
    call.peer_address = peer_address_;
    co_return co_await serve_api(std::move(call), keep_alive);
  }
  const bool admin = target.kind == RequestTarget::Kind::kAdminState ||
                     target.kind == RequestTarget::Kind::kAdminFault;
  const HttpReply reply = admin && options.admin_endpoints
                              ? handle_admin_request(host_, target.kind, method, request.body())
                              : html_reply(404);
  co_return co_await write_reply(reply, keep_alive);
}

net::awaitable<bool> Session::serve_api(ApiCall call, bool keep_alive) {
  const Serving serving(context_.api_requests);
  if (context_.options.on_api_call) context_.options.on_api_call(host_.name(), call);
  const std::optional<Fault> fault = host_.begin_call(call.function);
  if (fault && fault->latency.count() > 0) {
    const bool awake = co_await sleep(fault->latency);
    if (!awake) co_return false;
  }
  const FaultKind kind = fault ? fault->kind : FaultKind::kNone;
  switch (kind) {
    case FaultKind::kNone:
      break;
    case FaultKind::kHang:
      host_.log_faulted_call(call, kind, 0, std::nullopt);
      co_await hang();
      co_return false;
    case FaultKind::kReset:
      host_.log_faulted_call(call, kind, 0, std::nullopt);
      reset_connection();
      co_return false;
    case FaultKind::kHttpStatus: {
      host_.log_faulted_call(call, kind, fault->http_status, std::nullopt);
      const HttpReply reply = html_reply(fault->http_status);
      co_return co_await write_reply(reply, keep_alive);
    }
    case FaultKind::kNonJson: {
      host_.log_faulted_call(call, kind, 200, std::nullopt);
      const HttpReply reply{200, std::string(kHtml), html_login_page()};
      co_return co_await write_reply(reply, keep_alive);
    }
    case FaultKind::kResultZero: {
      host_.log_faulted_call(call, kind, 200, 0);
      const HttpReply reply{
          200, "application/json",
          boost::json::serialize(api1_envelope(call.function, std::nullopt, false, fault->reason))};
      co_return co_await write_reply(reply, keep_alive);
    }
    case FaultKind::kOversized:
      host_.log_faulted_call(call, kind, 200, std::nullopt);
      co_await write_oversized(call.function, *fault);
      co_return false;
    case FaultKind::kBody: {
      host_.log_faulted_call(call, kind, 200, std::nullopt);
      const HttpReply reply{200, "application/json", fault->body};
      co_return co_await write_reply(reply, keep_alive);
    }
    case FaultKind::kTrickle: {
      const HttpReply reply = host_.serve_call(call, kind);
      co_return co_await write_trickle(reply, *fault, keep_alive);
    }
  }
  const HttpReply reply = host_.serve_call(call);
  co_return co_await write_reply(reply, keep_alive);
}

net::awaitable<bool> Session::write_reply(const HttpReply& reply, bool keep_alive) {
  const std::string head =
      response_head(reply.status, reply.content_type, reply.body.size(), keep_alive);
  // One buffer: with Boost 1.81, a buffer sequence written through beast::ssl_stream stops
  // after the first TLS record when it spans more than 16 KiB (bodies of large token lists
  // never arrived).
  const std::string whole = head + reply.body;
  beast::get_lowest_layer(stream_).expires_after(context_.options.idle_timeout);
  beast::error_code ec;
  const std::size_t written =
      co_await net::async_write(stream_, net::buffer(whole), redirect_error(use_awaitable, ec));
  host_.count_body_bytes(written > head.size() ? written - head.size() : 0);
  if (ec) {
    host_.count_reply_cut_off();
    co_return false;
  }
  if (!keep_alive) {
    co_await shutdown_tls();
    co_return false;
  }
  co_return true;
}

net::awaitable<void> Session::reject(const HttpReply& reply) {
  const std::string head =
      response_head(reply.status, reply.content_type, reply.body.size(), false);
  const std::string whole = head + reply.body;  // one buffer: see write_reply()
  auto& tcp = beast::get_lowest_layer(stream_);
  tcp.expires_after(context_.options.idle_timeout);
  beast::error_code ec;
  const std::size_t written =
      co_await net::async_write(stream_, net::buffer(whole), redirect_error(use_awaitable, ec));
  host_.count_body_bytes(written > head.size() ? written - head.size() : 0);
  if (ec) {
    host_.count_reply_cut_off();
    co_return;
  }
  // The client may still be sending the request we refused. Closing with unread data would
  // send a TCP RST that can destroy our answer in the client's receive queue, so read and
  // drop up to 1 MiB (for at most a second) until the client closes.
  tcp.expires_after(std::chrono::seconds(1));
  std::array<char, 4096> discard{};
  for (std::size_t total = 0; !ec && total < (1U << 20U) && !context_.registry.stopping();) {
    total +=
        co_await stream_.async_read_some(net::buffer(discard), redirect_error(use_awaitable, ec));
  }
}

net::awaitable<bool> Session::write_trickle(const HttpReply& reply, const Fault& fault,
                                            bool keep_alive) {
  const std::string head =
      response_head(reply.status, reply.content_type, reply.body.size(), keep_alive);
  beast::error_code ec;
  beast::get_lowest_layer(stream_).expires_after(context_.options.idle_timeout);
  co_await net::async_write(stream_, net::buffer(head), redirect_error(use_awaitable, ec));
  if (ec) {
    host_.count_reply_cut_off();
    co_return false;
  }
  const std::size_t step = std::max<std::size_t>(1, fault.trickle_bytes);
  const std::size_t pieces = std::max<std::size_t>(1, (reply.body.size() + step - 1) / step);
  const auto pause =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(fault.trickle_total) /
      static_cast<std::int64_t>(pieces);
  for (std::size_t offset = 0; offset < reply.body.size(); offset += step) {
    const bool awake = co_await sleep(pause);
    if (!awake) co_return false;
    const std::size_t n = std::min(step, reply.body.size() - offset);
    beast::get_lowest_layer(stream_).expires_after(context_.options.idle_timeout);
    const std::size_t written = co_await net::async_write(
        stream_, net::buffer(reply.body.data() + offset, n), redirect_error(use_awaitable, ec));
    host_.count_body_bytes(written);
    if (ec) {
      host_.count_reply_cut_off();
      co_return false;
    }
  }
  if (!keep_alive) {
    co_await shutdown_tls();
    co_return false;
  }
  co_return true;
}

net::awaitable<bool> Session::write_chunk(std::string_view data) {
  std::array<char, 24> size_line{};
  char* end = std::to_chars(size_line.data(), size_line.data() + 16, data.size(), 16).ptr;
  *end++ = '\r';
  *end++ = '\n';
  const std::size_t framing = static_cast<std::size_t>(end - size_line.data());
  std::string chunk(size_line.data(), framing);  // one buffer: see write_reply()
  chunk.append(data);
  chunk.append("\r\n");
  beast::get_lowest_layer(stream_).expires_after(context_.options.idle_timeout);
  beast::error_code ec;
  const std::size_t written =
      co_await net::async_write(stream_, net::buffer(chunk), redirect_error(use_awaitable, ec));
  // Only the data counts, not the framing around it.
  host_.count_body_bytes(std::min(data.size(), written > framing ? written - framing : 0));
  if (ec) host_.count_reply_cut_off();
  co_return !ec;
}

net::awaitable<void> Session::write_oversized(const std::string& function, const Fault& fault) {
  beast::error_code ec;
  const std::string head = response_head(200, "application/json", std::nullopt, false);
  beast::get_lowest_layer(stream_).expires_after(context_.options.idle_timeout);
  co_await net::async_write(stream_, net::buffer(head), redirect_error(use_awaitable, ec));
  if (ec) {
    host_.count_reply_cut_off();
    co_return;
  }
  // A valid-looking API 1 answer whose `padding` string holds the bulk of the bytes.
  const std::string prefix = R"({"data":{"tokens":{},"padding":")";
  const std::string suffix =
      R"("},"metadata":{"command":")" + function + R"(","reason":"OK","result":1,"version":1}})";
  bool ok = co_await write_chunk(prefix);
  const std::string filler(64 * 1024, 'x');
  for (std::uint64_t left = fault.oversized_bytes; ok && left > 0;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, filler.size()));
    ok = co_await write_chunk(std::string_view(filler.data(), n));
    left -= n;
  }
  if (ok) ok = co_await write_chunk(suffix);
  if (!ok) co_return;
  beast::get_lowest_layer(stream_).expires_after(context_.options.idle_timeout);
  co_await net::async_write(stream_, net::buffer("0\r\n\r\n", 5),
                            redirect_error(use_awaitable, ec));
  if (ec) {
    host_.count_reply_cut_off();
    co_return;
  }
  co_await shutdown_tls();
}

net::awaitable<void> Session::hang() {
  // Never answer; keep reading (and dropping) whatever the client sends, so the connection
  // stays open until the client gives up or the fleet stops (which closes the socket).
  beast::get_lowest_layer(stream_).expires_never();
  std::array<char, 4096> discard{};
  beast::error_code ec;
  while (!ec && !context_.registry.stopping()) {
    co_await stream_.async_read_some(net::buffer(discard), redirect_error(use_awaitable, ec));
  }
}

net::awaitable<bool> Session::sleep(std::chrono::steady_clock::duration delay) {
  if (context_.registry.stopping()) co_return false;
  timer_.expires_after(delay);
  beast::error_code ec;
  co_await timer_.async_wait(redirect_error(use_awaitable, ec));
  co_return !ec && !context_.registry.stopping();
}

net::awaitable<void> Session::shutdown_tls() {
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
  beast::error_code ec;
  co_await stream_.async_shutdown(redirect_error(use_awaitable, ec));
}

void Session::reset_connection() {
  // SO_LINGER with a zero timeout: close() sends RST instead of FIN, skipping TLS close_notify.
  beast::error_code ec;
  beast::get_lowest_layer(stream_).socket().set_option(net::socket_base::linger(true, 0), ec);
  beast::get_lowest_layer(stream_).close();
}

}  // namespace tw::mock
