#pragma once
// A minimal blocking HTTPS/1.1 client for the mock's tests (Beast over asio::ssl): verifies
// the server certificate against a given CA and the IP 127.0.0.1, keeps the connection alive
// between requests, can resume its TLS session on a new connection, and bounds every step
// with a timeout so a hung server fails a test instead of blocking it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct ssl_session_st;

namespace tw::mock::testing {

struct HttpsResponse {
  boost::system::error_code error;  // of the step that failed; empty on success
  std::string failed_step;          // "connect", "handshake", "write", "read_header", "read_body"
  unsigned status = 0;
  unsigned interim_status = 0;  // 100 when the server answered `Expect: 100-continue`
  std::string content_type;
  std::string connection;  // the Connection header
  bool chunked = false;
  std::optional<std::uint64_t> content_length;
  std::string body;
  std::chrono::milliseconds time_to_header{0};  // from sending to the end of the head
  std::chrono::milliseconds elapsed{0};         // from sending to the end of the body

  [[nodiscard]] bool ok() const { return !error; }
  // The body parsed as JSON (throws boost::system::system_error when it is not JSON).
  [[nodiscard]] boost::json::value json() const;
};

struct HttpsClientOptions {
  std::string ca_pem;  // the only trusted CA
  std::chrono::milliseconds timeout{5000};
  std::uint64_t body_limit = 8U << 20U;
  bool keep_alive = true;
  bool resume_sessions = true;  // offer the last TLS session when reconnecting
  // Send `Expect: 100-continue` with a body and wait for the interim 100 before sending it
  // (as curl does for larger POST bodies).
  bool expect_continue = false;
};

class HttpsClient {
 public:
  HttpsClient(std::uint16_t port, HttpsClientOptions options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  HttpsResponse get(std::string_view target, std::string_view authorization = {});
  HttpsResponse post_form(std::string_view target, std::string_view body,
                          std::string_view authorization = {});
  // Any request; connects first when not connected. On any error the connection is dropped.
  HttpsResponse request(boost::beast::http::verb verb, std::string_view target,
                        std::string_view body, std::string_view content_type,
                        std::string_view authorization);

  // Drops the connection without a TLS close_notify (the saved TLS session stays).
  void disconnect();
  [[nodiscard]] bool connected() const { return stream_.has_value(); }
  [[nodiscard]] int connections_made() const { return connections_made_; }
  [[nodiscard]] bool last_handshake_resumed() const { return last_resumed_; }
  // The DER SubjectPublicKeyInfo pin (`sha256//...`) of the server's certificate, as seen
  // in the last handshake.
  [[nodiscard]] std::string server_pin() const { return server_pin_; }

 private:
  using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  boost::system::error_code connect(std::string& failed_step);
  void run();  // runs the io_context until the pending operation completes

  std::uint16_t port_;
  HttpsClientOptions options_;
  boost::asio::io_context io_;
  boost::asio::ssl::context ssl_;
  std::optional<Stream> stream_;
  boost::beast::flat_buffer buffer_;
  ssl_session_st* session_ = nullptr;  // SSL_SESSION of the last connection, for resumption
  int connections_made_ = 0;
  bool last_resumed_ = false;
  std::string server_pin_;
};

// The header value `whm USER:TOKEN`.
[[nodiscard]] std::string whm_auth(std::string_view user, std::string_view token);

}  // namespace tw::mock::testing
