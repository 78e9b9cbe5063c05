#pragma once
// The WHM ACL (privilege) names the mock knows: the 64 names of whm-api.md §6 (about WHM
// v110). A user holding `all` holds every one of them. Third-party ("Additional Software")
// ACLs are not modelled: a name outside this catalogue is an unknown ACL.

#include <string>
#include <string_view>
#include <vector>

namespace tw::mock {

// The 64 names, sorted lexically (the order api_token_list uses for its ACL map). Includes `all`.
[[nodiscard]] const std::vector<std::string>& all_acl_names();

// The 20 "basic / initial" privileges that WHM turns on for a new reseller: the mock's default
// ACL set for a non-root user that a fixture does not describe. Sorted.
[[nodiscard]] const std::vector<std::string>& initial_reseller_acl_names();

// True when `name` is one of all_acl_names().
[[nodiscard]] bool is_known_acl(std::string_view name);

}  // namespace tw::mock
