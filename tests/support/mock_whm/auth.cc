#include "tests/support/mock_whm/auth.h"

#include <cctype>

#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/token_rules.h"

namespace tw::mock {
namespace {

bool starts_with_scheme(std::string_view header) {
  if (header.size() < 4) return false;
  for (std::size_t i = 0; i < 3; ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != "whm"[i]) return false;
  }
  return header[3] == ' ';
}

}  // namespace

std::optional<WhmCredentials> parse_whm_authorization(std::string_view header) {
  if (!starts_with_scheme(header)) return std::nullopt;
  std::string_view rest = header.substr(4);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return std::nullopt;
  }
  return WhmCredentials{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

std::optional<std::string> authenticate(const UserTable& users, std::string_view header,
                                        std::string_view peer, EpochSeconds now) {
  const auto credentials = parse_whm_authorization(header);
  if (!credentials) return std::nullopt;
  const auto user = users.find(credentials->user);
  if (user == users.end()) return std::nullopt;
  const std::string hash = sha512_hex(credentials->token);
  for (const auto& [name, token] : user->second.tokens) {
    if (!constant_time_equal(token.hash, hash)) continue;
    if (token.expired_at(now)) return std::nullopt;
    if (token.whitelist_ips && !whitelist_allows(*token.whitelist_ips, peer)) return std::nullopt;
    return credentials->user;
  }
  return std::nullopt;
}

std::string authorization_user(std::string_view header) {
  const auto credentials = parse_whm_authorization(header);
  return credentials ? credentials->user : std::string{};
}

std::string_view access_denied_body() {
  return R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}})";
}

}  // namespace tw::mock
