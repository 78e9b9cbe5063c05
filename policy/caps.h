#pragma once
// The mutation caps, the last safety belt before the executor: applied to a plan whose actions
// are otherwise decided. Pure.

#include <string>
#include <vector>

#include "policy/evaluate.h"
#include "policy/plan.h"

namespace tw::policy {

// Holds back mutations (actions whose decision is `apply`) that a cap does not allow, turning
// them into `held_by_cap` with a note, and adds one sentence per cap that held to `held`:
// - per host (the first snapshot of that name): when its mutations exceed
//   `max_mutations_per_host`, or its revokes exceed `max_revoke_percent_per_host` percent of
//   its tokens over all accounts (revokes * 100 > percent * tokens), every mutation of that
//   host is held;
// - then, when the mutations left exceed `max_mutations_per_sweep`, every one is held.
// All or nothing per scope: a partial sweep would act on whichever tokens happened to sort
// first, which is no better a choice than none. A cap of 0 allows no mutation of its kind.
void apply_caps(std::vector<PlannedAction>& actions, const std::vector<HostSnapshot>& snapshots,
                const Limits& limits, std::vector<std::string>& held);

}  // namespace tw::policy
