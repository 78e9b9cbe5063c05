#pragma once
// The conditions of a rule's `when`, checked against one token at one time. Pure. evaluate.h
// decides where a rule applies; this file decides whether what it describes is wrong with a
// token, and says so with the numbers.

#include <optional>
#include <string>

#include "policy/policy.h"
#include "policy/token.h"

namespace tw::policy {

// When every condition set in `when` holds for `token` at `now`: one sentence for people that
// names the numbers, the parts joined by "; ". nullopt when any set condition does not hold, or
// when none is set (a rule that says nothing is wrong never fires: fail safe).
//
// Within one condition, the parts that are set are alternatives, each describing a way to be
// wrong: `whitelist` holds when the token is usable from any IP (`required`) or when an entry
// lies outside `within` (a token without a list has no entry outside: that is `required`'s
// case; an entry that does not parse counts as outside); `acls` when a forbidden ACL or one outside
// `allowed` is granted; `name` when it matches no `must_match` glob or some `must_not_match` glob.
[[nodiscard]] std::optional<std::string> conditions_hold(const Conditions& when, const Token& token,
                                                         EpochSeconds now);

}  // namespace tw::policy
