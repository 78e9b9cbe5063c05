#include "daemon/enforce/confirm.h"

#include <algorithm>
#include <set>

#include "policy/network.h"

namespace tw::enforce {
namespace {

// The allow-list as a set of networks; nullopt for "any IP". An entry that does not parse is
// kept as an impossible value so that the comparison fails (fail safe: unconfirmed).
std::optional<std::set<std::string>> normalised(
    const std::optional<std::vector<std::string>>& entries) {
  if (!entries || entries->empty()) return std::nullopt;
  std::set<std::string> out;
  for (const auto& entry : *entries) {
    const auto network = policy::parse_network(entry, false);
    out.insert(network ? network->to_whm_string() : "unparsable:" + entry);
  }
  return out;
}

}  // namespace

bool has_intended_state(const policy::Token& observed, const policy::IntendedState& intended) {
  const bool full_access = std::ranges::find(intended.acls, "all") != intended.acls.end();
  if (full_access) {
    if (!observed.acls.full_access) return false;
  } else {
    const std::set<std::string> wanted(intended.acls.begin(), intended.acls.end());
    if (observed.acls.full_access || observed.acls.names != wanted) return false;
  }
  if (observed.expires_at != intended.expires_at) return false;
  return normalised(observed.whitelist_ips) == normalised(intended.whitelist_ips);
}

std::optional<policy::Token> find_token(const std::vector<policy::Token>& tokens,
                                        std::string_view name) {
  const auto it = std::ranges::find(tokens, name, &policy::Token::name);
  if (it == tokens.end()) return std::nullopt;
  return *it;
}

}  // namespace tw::enforce
