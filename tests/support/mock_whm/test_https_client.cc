#include "tests/support/mock_whm/test_https_client.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <vector>

namespace tw::mock::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::string pin_of(SSL* ssl) {
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return {};
  EVP_PKEY* key = X509_get0_pubkey(cert);
  const int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) return {};
  std::vector<unsigned char> der(static_cast<std::size_t>(length));
  unsigned char* cursor = der.data();
  i2d_PUBKEY(key, &cursor);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der.data(), der.size(), digest, &digest_length, EVP_sha256(), nullptr);
  std::vector<unsigned char> base64(4 * ((digest_length + 2) / 3) + 1);
  const int written = EVP_EncodeBlock(base64.data(), digest, static_cast<int>(digest_length));
  return "sha256//" + std::string(reinterpret_cast<const char*>(base64.data()),
                                  static_cast<std::size_t>(written));
}

}  // namespace

boost::json::value HttpsResponse::json() const {
  return boost::json::parse(body);
}

HttpsClient::HttpsClient(std::uint16_t port, HttpsClientOptions options)
    : port_(port), options_(std::move(options)), ssl_(net::ssl::context::tls_client) {
  ssl_.add_certificate_authority(net::buffer(options_.ca_pem));
  ssl_.set_verify_mode(net::ssl::verify_peer);
}

HttpsClient::~HttpsClient() {
  disconnect();
  if (session_ != nullptr) SSL_SESSION_free(session_);
}

void HttpsClient::run() {
  io_.restart();
  io_.run();
}

void HttpsClient::disconnect() {
  if (!stream_) return;
  // Closing without close_notify would make OpenSSL mark the session "bad" (not resumable)
  // when the SSL object is freed; claim the shutdown was sent so the session stays usable.
  SSL_set_shutdown(stream_->native_handle(), SSL_SENT_SHUTDOWN);
  beast::get_lowest_layer(*stream_).close();
  run();  // lets aborted operations finish before the stream goes away
  stream_.reset();
  buffer_.clear();
}

boost::system::error_code HttpsClient::connect(std::string& failed_step) {
  stream_.emplace(io_, ssl_);
  SSL* ssl = stream_->native_handle();
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  if (options_.resume_sessions && session_ != nullptr) SSL_set_session(ssl, session_);
  boost::system::error_code ec;
  auto& tcp = beast::get_lowest_layer(*stream_);
  tcp.expires_after(options_.timeout);
  tcp.async_connect(net::ip::tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port_),
                    [&](const boost::system::error_code& e) { ec = e; });
  run();
  if (ec) {
    failed_step = "connect";
    return ec;
  }
  ++connections_made_;
  tcp.expires_after(options_.timeout);
  stream_->async_handshake(net::ssl::stream_base::client,
                           [&](const boost::system::error_code& e) { ec = e; });
  run();
  if (ec) {
    failed_step = "handshake";
    return ec;
  }
  last_resumed_ = SSL_session_reused(ssl) == 1;
  server_pin_ = pin_of(ssl);
  return {};
}

HttpsResponse HttpsClient::get(std::string_view target, std::string_view authorization) {
  return request(http::verb::get, target, {}, {}, authorization);
}

HttpsResponse HttpsClient::post_form(std::string_view target, std::string_view body,
                                     std::string_view authorization) {
  return request(http::verb::post, target, body, "application/x-www-form-urlencoded",
                 authorization);
}

HttpsResponse HttpsClient::request(http::verb verb, std::string_view target, std::string_view body,
                                   std::string_view content_type, std::string_view authorization) {
  HttpsResponse response;
  const auto fail = [&](boost::system::error_code ec, std::string step) {
    response.error = ec;
    response.failed_step = std::move(step);
    disconnect();
    return response;
  };
  if (!stream_) {
    std::string step;
    if (const auto ec = connect(step)) return fail(ec, step);
  }
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(http::field::user_agent, "mock-whm-tests");
  if (!authorization.empty()) req.set(http::field::authorization, authorization);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.body() = std::string(body);
  req.keep_alive(options_.keep_alive);
  req.prepare_payload();

  auto& tcp = beast::get_lowest_layer(*stream_);
  boost::system::error_code ec;
  const auto start = Clock::now();
  const auto on_done = [&](const boost::system::error_code& e, std::size_t) { ec = e; };
  const bool expect_continue = options_.expect_continue && !body.empty();
  if (expect_continue) req.set(http::field::expect, "100-continue");
  http::request_serializer<http::string_body> serializer(req);
  if (expect_continue) {
    tcp.expires_after(options_.timeout);
    http::async_write_header(*stream_, serializer, on_done);
    run();
    if (ec) return fail(ec, "write");
    http::response_parser<http::empty_body> interim;
    tcp.expires_after(options_.timeout);
    http::async_read_header(*stream_, buffer_, interim, on_done);
    run();
    if (ec) return fail(ec, "read_interim");
    response.interim_status = interim.get().result_int();
    if (response.interim_status != 100) return fail(http::error::bad_status, "read_interim");
  }
  tcp.expires_after(options_.timeout);
  http::async_write(*stream_, serializer, on_done);
  run();
  if (ec) return fail(ec, "write");

  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.body_limit);
  tcp.expires_after(options_.timeout);
  http::async_read_header(*stream_, buffer_, parser, on_done);
  run();
  if (ec) return fail(ec, "read_header");
  response.time_to_header = since(start);
  const auto& head = parser.get();
  response.status = head.result_int();
  response.content_type = std::string(head[http::field::content_type]);
  response.connection = std::string(head[http::field::connection]);
  response.chunked = parser.chunked();
  if (parser.content_length()) response.content_length = *parser.content_length();

  tcp.expires_after(options_.timeout);
  http::async_read(*stream_, buffer_, parser, on_done);
  run();
  response.elapsed = since(start);
  if (ec) return fail(ec, "read_body");
  response.body = parser.get().body();
  if (session_ != nullptr) SSL_SESSION_free(session_);
  session_ = SSL_get1_session(stream_->native_handle());
  if (!parser.get().keep_alive()) disconnect();
  return response;
}

std::string whm_auth(std::string_view user, std::string_view token) {
  return "whm " + std::string(user) + ":" + std::string(token);
}

}  // namespace tw::mock::testing
