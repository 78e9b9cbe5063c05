#pragma once
// IP addresses and CIDR ranges as WHM's Perl Net::IP reads and prints them (whm-api.md §5):
// IPv4 dotted quads, IPv6 in any RFC 4291 spelling, optionally `/prefix`. A range whose
// address has host bits set (`192.0.2.9/29`) is invalid, as Net::IP rejects it.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tw::mock {

enum class IpFamily { kV4, kV6 };

struct IpRange {
  IpFamily family = IpFamily::kV4;
  // Network byte order. IPv4 uses the first 4 bytes; the rest stay zero.
  std::array<std::uint8_t, 16> bytes{};
  unsigned prefix = 32;  // 0..32 (IPv4) or 0..128 (IPv6)

  [[nodiscard]] unsigned max_prefix() const { return family == IpFamily::kV4 ? 32U : 128U; }
  [[nodiscard]] bool single_host() const { return prefix == max_prefix(); }

  // Net::IP->ip() plus `/prefix` when the range is not a single host: IPv4 dotted, IPv6 as
  // eight groups of four lower-case hex digits (`2001:0db8:0000:...:0001`).
  [[nodiscard]] std::string render() const;

  // True when `address` (a single host) lies inside this range. Families never mix:
  // an IPv4-mapped IPv6 range does not contain an IPv4 address (Net::IP compares versions).
  [[nodiscard]] bool contains(const IpRange& address) const;

  // WHM's whitelist order: IPv4 before IPv6, then by integer address. The prefix is not part
  // of the order (a stable sort keeps equal addresses in input order).
  [[nodiscard]] bool sorts_before(const IpRange& other) const;
};

// Parses `text` (`addr` or `addr/prefix`). Returns nullopt when it is not an IPv4/IPv6 address
// or CIDR range, when the prefix is out of bounds or not plain decimal, or when host bits are set.
[[nodiscard]] std::optional<IpRange> parse_ip_range(std::string_view text);

}  // namespace tw::mock
