#include "daemon/whm/form_params.h"

namespace tw::whm {

std::string percent_encode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xfU];
    }
  }
  return out;
}

void FormParams::add(std::string_view key, std::string_view value) {
  items_.emplace_back(key, value);
}

void FormParams::add_list(std::string_view base, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    add(std::string(base) + "-" + std::to_string(i), values[i]);
  }
}

std::string FormParams::encode() const {
  std::string out;
  for (const auto& [key, value] : items_) {
    if (!out.empty()) out += '&';
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace tw::whm
