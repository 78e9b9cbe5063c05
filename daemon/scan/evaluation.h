#pragma once
// The step between listing and acting: turns what was listed into host snapshots, evaluates
// the policies on them and plans. Hosts or accounts that could not be listed, or that sent
// entries no real WHM sends, are reported as not covered: never counted as compliant.

#include <string>
#include <vector>

#include "config/fleet.h"
#include "daemon/inventory/inventory.h"
#include "daemon/report/plan_format.h"
#include "policy/plan.h"

namespace tw::scan {

struct Evaluation {
  std::vector<policy::HostSnapshot> snapshots;
  std::vector<policy::Finding> findings;
  policy::Plan plan;
  std::vector<report::Uncovered> uncovered;
  std::size_t tokens = 0;
};

// Groups `inventory` by host (configuration order) into snapshots carrying each host's tags and
// self token. Failed accounts go to `uncovered`; so do rejected entries (their host's other
// tokens are still evaluated).
[[nodiscard]] std::vector<policy::HostSnapshot> to_snapshots(
    const config::Snapshot& configuration,
    const std::vector<inventory::AccountInventory>& inventory,
    std::vector<report::Uncovered>& uncovered);

// Evaluates `policies` on `snapshots` at `now` and plans under `limits` and `grace`.
[[nodiscard]] Evaluation evaluate_and_plan(const policy::PolicySet& policies,
                                           std::vector<policy::HostSnapshot> snapshots,
                                           const policy::Limits& limits,
                                           const policy::GraceState& grace,
                                           policy::EpochSeconds now);

}  // namespace tw::scan
