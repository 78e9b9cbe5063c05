#pragma once
// What the HTTP transport is asked to do and what it answers. Plain values; no curl here.

#include <chrono>
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw::http {

// How the server's certificate is checked; the host name is always verified.
struct TlsOptions {
  std::optional<std::string> ca_file;            // verify the chain against this bundle
  std::optional<std::string> pinned_public_key;  // `sha256//BASE64[;sha256//...]`
  // With a pin and no CA file the chain is not checked against any CA: the pin alone
  // authenticates the server. With neither, the system trust store is used.
};

enum class Method { get, post };

struct Request {
  Method method = Method::get;
  std::string url;  // https:// only; the transport refuses any other scheme
  // "Name: value" lines. They may carry credentials: the transport never logs or echoes them.
  std::vector<std::string> headers;
  std::string body;  // sent as application/x-www-form-urlencoded when method is post
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{30'000};  // connect, TLS, request and response
  std::size_t max_response_bytes = 8U << 20U;       // holds for chunked bodies too
};

struct Response {
  long status = 0;
  std::string content_type;
  std::string body;
};

enum class ErrorKind {
  connect,          // no TCP connection (refused, unreachable, name not resolved)
  tls,              // handshake failed, certificate or pin rejected
  timeout,          // connect or total timeout expired
  http_status,      // a complete response whose status is not 2xx
  too_large,        // the body passed max_response_bytes
  connection_lost,  // the peer reset or closed the connection mid-exchange
  cancelled,        // the transport was shut down before the exchange ended
  other,            // anything else curl reported
};

[[nodiscard]] std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::other;
  // For people: printable ASCII (anything a peer sent is escaped); never holds a header, a
  // body or the query string.
  std::string detail;
  long http_status = 0;  // set for http_status
  std::string body;      // for http_status: the response body (bounded), e.g. WHM's 403 body
};

using Result = std::expected<Response, Error>;

}  // namespace tw::http
