#include "tests/support/mock_whm/form_params.h"

#include <algorithm>
#include <cstddef>

namespace tw::mock {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Numeric order of two decimal strings of any length, without overflow.
bool numerically_less(std::string_view a, std::string_view b) {
  const auto strip = [](std::string_view s) {
    const auto first = s.find_first_not_of('0');
    return first == std::string_view::npos ? std::string_view{} : s.substr(first);
  };
  a = strip(a);
  b = strip(b);
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

}  // namespace

std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

void FormParams::add_encoded(std::string_view text) {
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      pairs_.emplace_back(form_decode(pair), std::string{});
    } else {
      pairs_.emplace_back(form_decode(pair.substr(0, eq)), form_decode(pair.substr(eq + 1)));
    }
  }
}

std::optional<std::string> FormParams::get(std::string_view key) const {
  for (const auto& [k, v] : pairs_) {
    if (k == key) return v;
  }
  return std::nullopt;
}

bool FormParams::has_multi(std::string_view base) const {
  return std::any_of(pairs_.begin(), pairs_.end(), [&](const Pair& p) {
    const std::string_view k = p.first;
    return k == base || (k.size() > base.size() + 1 && k.starts_with(base) &&
                         k[base.size()] == '-' && all_digits(k.substr(base.size() + 1)));
  });
}

std::vector<std::string> FormParams::collect(std::string_view base) const {
  struct Item {
    bool bare;
    std::string_view number;
    std::size_t arrival;
    const std::string* value;
  };
  std::vector<Item> items;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    const std::string_view k = pairs_[i].first;
    if (k == base) {
      items.push_back({true, {}, i, &pairs_[i].second});
    } else if (k.size() > base.size() + 1 && k.starts_with(base) && k[base.size()] == '-' &&
               all_digits(k.substr(base.size() + 1))) {
      items.push_back({false, k.substr(base.size() + 1), i, &pairs_[i].second});
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.bare != b.bare) return a.bare;
    return numerically_less(a.number, b.number);
  });
  std::vector<std::string> values;
  values.reserve(items.size());
  for (const auto& item : items) values.push_back(*item.value);
  return values;
}

}  // namespace tw::mock
