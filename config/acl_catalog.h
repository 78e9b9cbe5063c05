#pragma once
// The WHM ACL (privilege) names a policy may name: the 64 of ../shared/whm-api.md §6 (about
// WHM v110). Third-party ("Additional Software") ACLs are declared per policy set in
// `third_party_acls`. Pure; internal to config/.

#include <span>
#include <string_view>

namespace tw::config {

// The 64 names, sorted lexically. Includes `all` (full access).
[[nodiscard]] std::span<const std::string_view> whm_acl_names();

// True when `name` is one of whm_acl_names().
[[nodiscard]] bool is_whm_acl(std::string_view name);

}  // namespace tw::config
