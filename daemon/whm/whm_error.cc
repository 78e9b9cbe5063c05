#include "daemon/whm/whm_error.h"

namespace tw::whm {

std::string_view to_string(WhmErrorKind kind) {
  switch (kind) {
    case WhmErrorKind::transport:
      return "transport";
    case WhmErrorKind::authentication:
      return "authentication";
    case WhmErrorKind::protocol:
      return "protocol";
    case WhmErrorKind::api:
      return "api";
    case WhmErrorKind::hostile:
      return "hostile";
  }
  return "protocol";
}

std::string WhmError::kind_name() const {
  std::string out(to_string(kind));
  if (transport_kind) {
    out += '/';
    out += http::to_string(*transport_kind);
  }
  return out;
}

std::string WhmError::describe() const {
  return kind_name() + ": " + message;
}

}  // namespace tw::whm
