#pragma once
// The data a WHM host keeps about API tokens (whm-api.md §4): per WHM user, the ACLs the
// user holds and a table of tokens keyed by name. Plain values; whoever owns a table
// (tw::mock::Host) guards it with a mutex.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tw::mock {

using EpochSeconds = std::int64_t;

// One stored token. The secret itself is never kept, only its SHA-512 hex.
struct StoredToken {
  std::string name;
  std::string hash;  // sha512_hex(secret)
  EpochSeconds create_time = 0;
  std::optional<EpochSeconds> expires_at;  // nullopt: never expires (WHM's null)
  // Normalised (sorted, unique, non-empty) or nullopt: no `acls` key, i.e. full access.
  std::optional<std::vector<std::string>> acls;
  // Normalised renderings (see ip_range.h) or nullopt: usable from any address.
  std::optional<std::vector<std::string>> whitelist_ips;

  // No ACL list, or `all` in it (whm-api.md §4).
  [[nodiscard]] bool full_access() const {
    return !acls || std::find(acls->begin(), acls->end(), "all") != acls->end();
  }
  // WHM: "expires_at set and < now" makes a token count as nonexistent for authentication.
  [[nodiscard]] bool expired_at(EpochSeconds now) const { return expires_at && *expires_at < now; }

  friend bool operator==(const StoredToken&, const StoredToken&) = default;
};

// A WHM user (root or a reseller) as far as tokens are concerned.
struct WhmUser {
  std::vector<std::string> acls;  // held privileges, sorted and unique; root holds {"all"}
  std::map<std::string, StoredToken, std::less<>> tokens;

  [[nodiscard]] bool holds_all() const {
    return std::binary_search(acls.begin(), acls.end(), std::string_view("all"));
  }
  // A user holding `all` holds every privilege.
  [[nodiscard]] bool holds(std::string_view acl) const {
    return holds_all() || std::binary_search(acls.begin(), acls.end(), acl);
  }
};

// The token tables of one host, keyed by WHM user name.
using UserTable = std::map<std::string, WhmUser, std::less<>>;

}  // namespace tw::mock
