#include "policy/network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace tw::policy {
namespace {

constexpr unsigned kBits4 = 32;
constexpr unsigned kBits6 = 128;

unsigned max_prefix(const Network& n) {
  return n.v6 ? kBits6 : kBits4;
}

// The mask byte for byte `index` of a `prefix`-bit network: 0xff, a partial mask, or 0.
std::uint8_t mask_byte(unsigned prefix, std::size_t index) {
  const std::size_t first_bit = index * 8;
  if (prefix >= first_bit + 8) return 0xff;
  if (prefix <= first_bit) return 0x00;
  const auto bits = static_cast<unsigned>(prefix - first_bit);  // 1..7
  return static_cast<std::uint8_t>(0xffU << (8U - bits));
}

bool has_host_bits(const Network& n) {
  for (std::size_t i = 0; i < n.address.size(); ++i) {
    if ((n.address[i] & static_cast<std::uint8_t>(~mask_byte(n.prefix, i))) != 0) return true;
  }
  return false;
}

void clear_host_bits(Network& n) {
  for (std::size_t i = 0; i < n.address.size(); ++i) {
    n.address[i] = static_cast<std::uint8_t>(n.address[i] & mask_byte(n.prefix, i));
  }
}

// Only the characters an address or CIDR can hold are echoed in messages: the text may come
// from a host, and a message must not carry control characters or a secret pasted by mistake.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxEcho = 64;
  const bool printable = std::ranges::all_of(text, [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == ':' || c == '/';
  });
  if (!printable || text.size() > kMaxEcho) return "an entry that is not an IP address";
  return "'" + std::string(text) + "'";
}

}  // namespace

bool Network::contains(const Network& inner) const {
  if (v6 != inner.v6 || prefix > inner.prefix) return false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const std::uint8_t mask = mask_byte(prefix, i);
    if ((inner.address[i] & mask) != (address[i] & mask)) return false;
  }
  return true;
}

std::string Network::to_whm_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  if (!v6) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (i != 0) out += '.';
      out += std::to_string(address[i]);
    }
  } else {
    for (std::size_t i = 0; i < 16; i += 2) {
      if (i != 0) out += ':';
      for (const std::uint8_t byte : {address[i], address[i + 1]}) {
        out += kHex[byte >> 4U];
        out += kHex[byte & 0x0fU];
      }
    }
  }
  if (prefix != max_prefix(*this)) out += "/" + std::to_string(prefix);
  return out;
}

std::expected<Network, std::string> parse_network(std::string_view text, bool strict) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  Network net;
  net.v6 = address.find(':') != std::string::npos;
  // inet_pton is a pure conversion. It takes exactly four decimal parts for IPv4 (no octal, no
  // shorthand) and every RFC 4291 text form for IPv6, including groups with leading zeros.
  // A zone index (`fe80::1%eth0`) is not an address WHM stores, and inet_pton rejects it.
  const int family = net.v6 ? AF_INET6 : AF_INET;
  if (address.empty() || inet_pton(family, address.c_str(), net.address.data()) != 1) {
    return std::unexpected(quoted(text) + " is not an IPv4 or IPv6 address or network");
  }
  net.prefix = max_prefix(net);
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    unsigned prefix = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || digits.size() > 3 || ec != std::errc{} ||
        end != digits.data() + digits.size() || prefix > max_prefix(net)) {
      return std::unexpected(quoted(text) + " has a bad prefix length: use /0 to /" +
                             std::to_string(max_prefix(net)));
    }
    net.prefix = prefix;
  }
  if (has_host_bits(net)) {
    if (strict) {
      Network cleared = net;
      clear_host_bits(cleared);
      return std::unexpected(quoted(text) + " has host bits set: the network is " +
                             cleared.to_whm_string());
    }
    clear_host_bits(net);
  }
  return net;
}

std::vector<Network> narrow_to(const std::vector<Network>& entries,
                               const std::vector<Network>& approved) {
  // Two networks are either disjoint or one contains the other, so an entry's approved part is
  // the entry itself (when an approved network holds it) plus every approved network it holds.
  std::vector<Network> kept;
  for (const auto& entry : entries) {
    for (const auto& allowed : approved) {
      if (allowed.contains(entry)) {
        kept.push_back(entry);
      } else if (entry.contains(allowed)) {
        kept.push_back(allowed);
      }
    }
  }
  // Network's ordering is WHM's: v4 before v6, then by address (big-endian bytes), then by
  // prefix, so a covering network sorts before everything it covers.
  std::ranges::sort(kept);
  std::vector<Network> out;
  for (const auto& net : kept) {
    const bool covered =
        std::ranges::any_of(out, [&](const Network& wider) { return wider.contains(net); });
    if (!covered) out.push_back(net);
  }
  return out;
}

}  // namespace tw::policy
