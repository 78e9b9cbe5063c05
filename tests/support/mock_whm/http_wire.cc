#include "tests/support/mock_whm/http_wire.h"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <ostream>  // boost/core/detail/string_view.hpp uses std::ostream without including it

namespace tw::mock {
namespace {

std::string reason_phrase(unsigned status) {
  const auto reason =
      boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
  if (reason.empty() || reason.front() == '<') return "Error";
  return std::string(reason);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_function_name(std::string_view s) {
  return !s.empty() && s.size() <= 100 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::string response_head(unsigned status, std::string_view content_type,
                          std::optional<std::size_t> content_length, bool keep_alive) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  head += "Server: cpsrvd (tokenwarden mock)\r\n";
  head += "Content-Type: " + std::string(content_type) + "\r\n";
  if (content_length) {
    head += "Content-Length: " + std::to_string(*content_length) + "\r\n";
  } else {
    head += "Transfer-Encoding: chunked\r\n";
  }
  head += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  head += "\r\n";
  return head;
}

std::string html_error_page(unsigned status) {
  const std::string title = std::to_string(status) + " " + reason_phrase(status);
  return "<html><head><title>" + title + "</title></head><body><h1>" + title +
         "</h1><p>The server could not handle the request.</p></body></html>\n";
}

std::string html_login_page() {
  return "<!DOCTYPE html>\n<html><head><title>WHM Login</title></head><body>"
         "<form action=\"/login/\" method=\"post\"><input name=\"user\"><input name=\"pass\" "
         "type=\"password\"><button>Log in</button></form></body></html>\n";
}

RequestTarget parse_request_target(std::string_view target) {
  RequestTarget out;
  std::string_view path = target;
  if (const auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    out.query = target.substr(q + 1);
  }
  if (path == "/__mock/state") {
    out.kind = RequestTarget::Kind::kAdminState;
    return out;
  }
  if (path == "/__mock/fault") {
    out.kind = RequestTarget::Kind::kAdminFault;
    return out;
  }
  // Optional /cpsess<digits> prefix (the browser-session form).
  if (path.starts_with("/cpsess")) {
    const auto slash = path.find('/', 1);
    if (slash == std::string_view::npos || !all_digits(path.substr(7, slash - 7))) return out;
    path = path.substr(slash);
  }
  static constexpr std::string_view kPrefix = "/json-api/";
  if (!path.starts_with(kPrefix)) return out;
  const std::string_view function = path.substr(kPrefix.size());
  if (!valid_function_name(function)) return out;
  out.kind = RequestTarget::Kind::kApi;
  out.function = std::string(function);
  return out;
}

}  // namespace tw::mock
