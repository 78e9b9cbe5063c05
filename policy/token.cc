#include "policy/token.h"

#include <algorithm>

namespace tw::policy {

bool is_valid_token_name(std::string_view name) {
  if (name.empty() || name.size() > 50) return false;
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

}  // namespace tw::policy
