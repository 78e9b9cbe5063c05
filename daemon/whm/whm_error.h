#pragma once
// How a WHM call can fail, typed so that callers can decide what is safe to do next (for
// example: never retry an authentication failure, because cPHulk locks out the source IP).

#include <optional>
#include <string>
#include <string_view>

#include "daemon/http/request.h"

namespace tw::whm {

enum class WhmErrorKind {
  transport,       // no usable HTTP exchange: see transport_kind
  authentication,  // HTTP 401/403: bad, expired or IP-restricted credential. Do not retry.
  protocol,        // a 2xx answer that is not a WHM API 1 envelope, or a malformed one
  api,             // WHM answered metadata.result 0; message holds its reason (escaped)
  hostile,         // the answer holds data no real WHM sends (e.g. an invalid token name)
};

[[nodiscard]] std::string_view to_string(WhmErrorKind kind);

struct WhmError {
  WhmErrorKind kind = WhmErrorKind::protocol;
  std::string message;  // for people; escaped, bounded, never a secret
  std::optional<http::ErrorKind> transport_kind;
  long http_status = 0;

  // `kind` or `kind/transport-kind`, e.g. "transport/timeout".
  [[nodiscard]] std::string kind_name() const;
  // `kind_name: message`, e.g. "transport/timeout: Timeout was reached".
  [[nodiscard]] std::string describe() const;
};

}  // namespace tw::whm
