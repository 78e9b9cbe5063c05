#include "config/fleet.h"

namespace tw::config {

std::string Host::base_url() const {
  // Only an IPv6 literal contains ':' (addresses are validated when loaded).
  const bool ipv6 = address.find(':') != std::string::npos;
  std::string url = "https://";
  url += ipv6 ? "[" + address + "]" : address;
  url += ':' + std::to_string(port);
  return url;
}

}  // namespace tw::config
