#include "config/diagnostics.h"

#include <yaml-cpp/mark.h>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace tw::config {

Position position_of(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

void Diagnostics::error(Position where, std::string_view path, std::string_view message) {
  std::string text;
  if (!subject_.empty()) {
    text.append(subject_);
    text.append(": ");
  }
  if (!path.empty()) {
    text.append(path);
    text.append(": ");
  }
  text.append(message);
  errors_.push_back({file_, where.line, where.column, std::move(text)});
}

void Diagnostics::file_error(std::string_view message) {
  errors_.push_back({file_, 0, 0, std::string(message)});
}

ConfigErrors Diagnostics::take() {
  std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return std::move(errors_);
}

std::string quote_value(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                      '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f) {
      out.push_back(text[i]);
    } else {
      out.append("\\x");
      out.push_back(kHex[byte >> 4U]);
      out.push_back(kHex[byte & 0xfU]);
    }
  }
  if (text.size() > kMaxShown) out.append("...");
  out.push_back('\'');
  return out;
}

}  // namespace tw::config
