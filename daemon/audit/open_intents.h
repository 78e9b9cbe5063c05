#pragma once
// Finds the intents a crash left without an outcome: the work of reconciliation at start.

#include <vector>

#include "daemon/audit/events.h"
#include "daemon/audit/trail_reader.h"

namespace tw::audit {

// Every "mutation.intent" record in `records` that no later "mutation.outcome" or
// "mutation.reconciled" record names by `intent_seq`, in trail order. ("reconcile.deferred"
// does not close an intent.) Lines that are not records are skipped.
[[nodiscard]] std::vector<OpenIntent> open_intents(const std::vector<ReadRecord>& records);

}  // namespace tw::audit
