#pragma once
// IP networks (IPv4 and IPv6, address plus prefix length) as allow-list entries are written
// by people (`203.0.113.0/24`, `2001:db8::/32`, `192.0.2.7`) and by WHM (IPv6 fully expanded:
// `2001:0db8:0000:0000:0000:0000:0000:0000/32`, no `/32` or `/128` for single hosts). Pure.

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace tw::policy {

struct Network {
  bool v6 = false;
  std::array<std::uint8_t, 16> address{};  // IPv4 in the first 4 bytes; host bits are zero
  unsigned prefix = 0;                     // 0..32 (v4) or 0..128 (v6)

  // True when every address of `inner` lies in this network (same family only).
  [[nodiscard]] bool contains(const Network& inner) const;
  // WHM's rendering: IPv4 dotted, IPv6 fully expanded, `/prefix` only for ranges.
  [[nodiscard]] std::string to_whm_string() const;
  friend bool operator==(const Network&, const Network&) = default;
  friend auto operator<=>(const Network&, const Network&) = default;
};

// Reads an address or CIDR. `strict`: host bits set (`192.0.2.9/29`) is an error, as WHM
// rejects it; otherwise they are cleared.
[[nodiscard]] std::expected<Network, std::string> parse_network(std::string_view text,
                                                                bool strict = true);

// The part of `entries` that lies inside `approved`: each entry inside some approved network
// is kept; an entry that contains approved networks is narrowed to those networks; entries
// outside every approved network are dropped. Sorted as WHM sorts (v4 first, by address),
// without duplicates or entries covered by another. Empty when nothing is left.
[[nodiscard]] std::vector<Network> narrow_to(const std::vector<Network>& entries,
                                             const std::vector<Network>& approved);

}  // namespace tw::policy
