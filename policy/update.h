#pragma once
// The state an `update` sends for one token: computed from the token's current state and every
// update rule that acts on it. Pure. WHM replaces the ACLs and the allow-list it is given (and
// may reset what it is not given), so the result is the full intended state.

#include <optional>
#include <string>
#include <vector>

#include "policy/plan.h"
#include "policy/policy.h"
#include "policy/token.h"

namespace tw::policy {

struct UpdateOutcome {
  // Set when one update makes the token compliant with what the rules' updates address.
  std::optional<IntendedState> state;
  // Otherwise, one sentence per part that cannot be fixed.
  std::vector<std::string> problems;
  // True when a rule responsible for an unfixable part has fallback `revoke`.
  bool fallback_revoke = false;
};

// Computes the update for `token` at `now` from `rules` (the firing, non-exempted rules whose
// action is update, in policy order). Each rule contributes the parts its UpdateSpec sets and
// its conditions allow:
// - `expires_in`: expires_at = min(current, now + expires_in); never-expiring: now + expires_in.
// - narrowing (implied by a whitelist condition with `within`): the allow-list becomes
//   narrow_to(current entries, within), rendered as WHM does; a token usable from any IP gets
//   `within` itself. Entries that do not parse are dropped (they are outside by definition).
// - restricting (implied by an acls condition): forbidden names are dropped and, when `allowed`
//   is set, only allowed ones kept. A full-access token starts from the names WHM listed,
//   without `all`.
// Every other part keeps its current value. `acls` is sorted, unique and never empty; it is
// {"all"} only for a full-access token that no ACL rule touched.
// Unfixable (problems, no state): a rule whose update sets no part it may apply; an empty
// allow-list or ACL result; an expiry that would not lie after `now` (WHM takes only future
// expiries, and an expired token is never extended); an update that would change nothing (the
// rules would keep firing). Rules responsible: the ACL rules, the narrowing rules, the rule that
// sets nothing, or every rule for the expiry and for no change.
[[nodiscard]] UpdateOutcome compute_update(const Token& token,
                                           const std::vector<const Rule*>& rules, EpochSeconds now);

}  // namespace tw::policy
