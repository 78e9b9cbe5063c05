#pragma once
// Who a rule, a protection or an exemption is about: matching scopes, protected names and
// exemptions against one token of one account of one host. Pure. Globs are glob_match's
// (evaluate.h).

#include <optional>
#include <string>

#include "policy/evaluate.h"
#include "policy/policy.h"

namespace tw::policy {

// True when every list of `scope` matches: host name globs, host tags (the host has any of
// them), user globs and token name globs; an empty list matches everything.
[[nodiscard]] bool scope_matches(const Scope& scope, const HostSnapshot& host,
                                 const std::string& user, const std::string& token);

// Why `token` on `host` is never mutated: it is the host's self token or matches a
// `protected` glob. nullopt when it is not protected.
[[nodiscard]] std::optional<std::string> protection_reason(const PolicySet& policies,
                                                           const HostSnapshot& host,
                                                           const std::string& token);

// The index of the first exemption that stops `rule_id` from acting on `token` of `user` on
// `host` at `now`: not expired (expires > now), a `tokens` glob matches, `hosts` and `users`
// match (empty: all) and `rules` holds the rule id (empty: all). An exemption without token
// globs matches nothing.
[[nodiscard]] std::optional<std::size_t> find_exemption(
    const PolicySet& policies, const std::string& host, const std::string& user,
    const std::string& token, const std::string& rule_id, EpochSeconds now);

}  // namespace tw::policy
