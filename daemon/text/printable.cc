#include "daemon/text/printable.h"

#include <array>

namespace tw::text {

std::string printable(std::string_view raw, std::size_t max_bytes) {
  constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                      '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(std::min(raw.size(), max_bytes) + 8);
  std::size_t used = 0;
  for (const char c : raw) {
    if (used == max_bytes) {
      out += "...(" + std::to_string(raw.size()) + " bytes)";
      break;
    }
    ++used;
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xfU];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace tw::text
