#include "daemon/scan/evaluation.h"

#include <algorithm>

namespace tw::scan {

std::vector<policy::HostSnapshot> to_snapshots(
    const config::Snapshot& configuration,
    const std::vector<inventory::AccountInventory>& inventory,
    std::vector<report::Uncovered>& uncovered) {
  std::vector<policy::HostSnapshot> snapshots;
  for (const auto& host : configuration.hosts) {
    policy::HostSnapshot snapshot{host.name, host.tags, host.self_token, {}};
    for (const auto& account : inventory) {
      if (account.host != host.name) continue;
      if (!account.tokens) {
        uncovered.push_back({account.host, account.user, account.tokens.error().describe()});
        continue;
      }
      for (const auto& rejected : account.tokens->rejected) {
        uncovered.push_back({account.host, account.user,
                             "rejected token entry '" + rejected.name + "': " + rejected.reason});
      }
      snapshot.accounts.push_back({account.user, account.tokens->tokens});
    }
    if (!snapshot.accounts.empty()) snapshots.push_back(std::move(snapshot));
  }
  return snapshots;
}

Evaluation evaluate_and_plan(const policy::PolicySet& policies,
                             std::vector<policy::HostSnapshot> snapshots,
                             const policy::Limits& limits, const policy::GraceState& grace,
                             policy::EpochSeconds now) {
  Evaluation evaluation;
  evaluation.snapshots = std::move(snapshots);
  for (const auto& snapshot : evaluation.snapshots) {
    for (const auto& account : snapshot.accounts) evaluation.tokens += account.tokens.size();
    auto findings = policy::evaluate(policies, snapshot, now);
    std::ranges::move(findings, std::back_inserter(evaluation.findings));
  }
  evaluation.plan =
      policy::plan(policies, evaluation.snapshots, evaluation.findings, limits, grace, now);
  return evaluation;
}

}  // namespace tw::scan
