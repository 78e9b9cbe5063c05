#include "tests/support/mock_whm/ip_range.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace tw::mock {
namespace {

// Bytes [0, n) of `bytes` masked to the first `prefix` bits; true when nothing was cut off.
bool host_bits_clear(const std::array<std::uint8_t, 16>& bytes, unsigned prefix, unsigned n) {
  for (unsigned i = 0; i < n; ++i) {
    const unsigned first_bit = i * 8U;
    if (prefix >= first_bit + 8U) continue;
    const unsigned keep = prefix > first_bit ? prefix - first_bit : 0U;
    const auto mask = static_cast<std::uint8_t>(keep == 0 ? 0U : (0xFFU << (8U - keep)) & 0xFFU);
    if ((bytes[i] & static_cast<std::uint8_t>(~mask)) != 0) return false;
  }
  return true;
}

}  // namespace

std::string IpRange::render() const {
  std::string out;
  if (family == IpFamily::kV4) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (i != 0) out += '.';
      out += std::to_string(bytes[i]);
    }
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < 16; ++i) {
      if (i != 0 && i % 2 == 0) out += ':';
      out += kHex[bytes[i] >> 4U];
      out += kHex[bytes[i] & 0x0FU];
    }
  }
  if (!single_host()) out += "/" + std::to_string(prefix);
  return out;
}

bool IpRange::contains(const IpRange& address) const {
  if (address.family != family) return false;
  const unsigned full_bytes = prefix / 8U;
  for (unsigned i = 0; i < full_bytes; ++i) {
    if (bytes[i] != address.bytes[i]) return false;
  }
  const unsigned rest = prefix % 8U;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>((0xFFU << (8U - rest)) & 0xFFU);
  return (bytes[full_bytes] & mask) == (address.bytes[full_bytes] & mask);
}

bool IpRange::sorts_before(const IpRange& other) const {
  if (family != other.family) return family == IpFamily::kV4;
  return bytes < other.bytes;
}

std::optional<IpRange> parse_ip_range(std::string_view text) {
  std::string_view address_text = text;
  std::optional<unsigned> prefix;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    address_text = text.substr(0, slash);
    const std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    unsigned value = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    prefix = value;
  }
  if (address_text.empty() || address_text.size() > 45) return std::nullopt;
  const std::string address(address_text);  // inet_pton needs a NUL-terminated string

  IpRange range;
  if (inet_pton(AF_INET, address.c_str(), range.bytes.data()) == 1) {
    range.family = IpFamily::kV4;
  } else if (inet_pton(AF_INET6, address.c_str(), range.bytes.data()) == 1) {
    range.family = IpFamily::kV6;
  } else {
    return std::nullopt;
  }
  range.prefix = prefix.value_or(range.max_prefix());
  if (range.prefix > range.max_prefix()) return std::nullopt;
  const unsigned byte_count = range.family == IpFamily::kV4 ? 4U : 16U;
  if (!host_bits_clear(range.bytes, range.prefix, byte_count)) return std::nullopt;
  return range;
}

}  // namespace tw::mock
