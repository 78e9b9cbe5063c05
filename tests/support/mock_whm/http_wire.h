#pragma once
// The bytes the mock writes by hand: response heads (so faults can send a head and then
// trickle or chunk the body), request-target routing and the small HTML pages of faults.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tw::mock {

// "HTTP/1.1 <status> <reason>\r\nServer: cpsrvd (mock)\r\nContent-Type: ...\r\n" then either
// `Content-Length: n` or (nullopt) `Transfer-Encoding: chunked`, the Connection header, and
// the blank line.
[[nodiscard]] std::string response_head(unsigned status, std::string_view content_type,
                                        std::optional<std::size_t> content_length, bool keep_alive);

// A short HTML error page for `status` ("503 Service Unavailable").
[[nodiscard]] std::string html_error_page(unsigned status);

// An HTML page a misrouted request might get instead of JSON (a login form).
[[nodiscard]] std::string html_login_page();

// What a request target asks for.
struct RequestTarget {
  enum class Kind { kApi, kAdminState, kAdminFault, kNotFound };
  Kind kind = Kind::kNotFound;
  std::string function;    // kApi: the function name ([A-Za-z0-9_]{1,100})
  std::string_view query;  // the part after '?', possibly empty (a view into the target)
};

// Routes `/json-api/<fn>`, `/cpsess<digits>/json-api/<fn>`, `/__mock/state`, `/__mock/fault`.
[[nodiscard]] RequestTarget parse_request_target(std::string_view target);

}  // namespace tw::mock
