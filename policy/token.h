#pragma once
// The token model that policies reason about: one API token of one WHM user, normalised from
// whichever response shape WHM used (see ../shared/whm-api.md §4). Pure value type.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tw::policy {

// Seconds since the Unix epoch, as WHM reports them.
using EpochSeconds = std::int64_t;

// The privileges a token carries. WHM has two spellings of "full access": no ACL list at all,
// or a list that contains `all`. Both become `full_access == true`; `names` then holds whatever
// WHM reported (possibly empty) and is informational only.
struct AclSet {
  bool full_access = true;
  std::set<std::string> names;

  // A token with full access has every ACL, including ones granted to its user later.
  [[nodiscard]] bool grants(const std::string& acl) const {
    return full_access || names.contains(acl);
  }
  friend bool operator==(const AclSet&, const AclSet&) = default;
};

struct Token {
  std::string name;
  EpochSeconds create_time = 0;
  // nullopt: the token never expires (WHM's null, 0 or absent).
  std::optional<EpochSeconds> expires_at;
  AclSet acls;
  // nullopt: usable from any IP (WHM's null or absent list). Otherwise the entries exactly as
  // WHM normalised them (IPv4 dotted, IPv6 fully expanded, `/prefix` only for ranges).
  std::optional<std::vector<std::string>> whitelist_ips;

  [[nodiscard]] bool never_expires() const { return !expires_at.has_value(); }
  [[nodiscard]] bool expired_at(EpochSeconds now) const {
    return expires_at.has_value() && *expires_at < now;
  }
  friend bool operator==(const Token&, const Token&) = default;
};

// WHM token names: 1 to 50 characters from [A-Za-z0-9_-]. Anything else from a host is
// hostile and must not be acted upon.
[[nodiscard]] bool is_valid_token_name(std::string_view name);

}  // namespace tw::policy
