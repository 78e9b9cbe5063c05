#pragma once
// One token's planned action from its findings: merging, protection, exemptions, grace and the
// update or its fallback. Pure. plan.h groups the findings and applies the caps afterwards.

#include <string>
#include <vector>

#include "policy/evaluate.h"
#include "policy/plan.h"
#include "policy/policy.h"

namespace tw::policy {

struct DecideContext {
  const PolicySet& policies;
  const GraceState& grace;  // first-seen times as persisted by the last sweep
  EpochSeconds now;
};

// The action for `token` of `user` on `host`, given its `findings` (non-empty, all about this
// token, in policy order). In this order:
// 1. protected (a finding says so): `protected_token`; kind from the findings, for information.
// 2. every finding exempted: `exempted`, with each exemption's reason, owner and expiry.
// 3. merged kind = strongest non-exempted finding (revoke > update > report); `report` when
//    nothing is to be mutated, also when the token's name is not a valid WHM name (hostile
//    input is never acted upon).
// 4. grace: a finding is due at first_seen + its rule's grace, first_seen coming from the
//    context's grace state or `now`. A due revoke is applied. Otherwise an update is computed
//    from every non-exempted update rule (grace delays an action, it does not split it); when
//    some update rule is due it is applied, even while a revoke waits in grace: fixing now is
//    better than leaving the token as it is until the revoke is due. An unfixable update
//    becomes a revoke (fallback revoke, due like the update) or `unfixable` (fallback report).
//    Anything not due is `in_grace`, due at the earliest time some part becomes due.
// Records in `grace_out` the first-seen time of every non-exempted finding of a token that is
// not protected. A finding whose rule is not in the policy set acts as `report`.
[[nodiscard]] PlannedAction decide(const DecideContext& context, const HostSnapshot& host,
                                   const std::string& user, const Token& token,
                                   const std::vector<const Finding*>& findings,
                                   GraceState& grace_out);

}  // namespace tw::policy
