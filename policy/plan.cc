#include "policy/plan.h"

#include <algorithm>

#include "policy/caps.h"
#include "policy/decide.h"

namespace tw::policy {
namespace {

// Where a token sits in the snapshots: the host's and the account's index. The first host and
// the first account of a name win, should a caller pass duplicates.
using AccountIndex = std::pair<std::size_t, std::size_t>;
using TokenKey = std::tuple<std::size_t, std::size_t, std::string>;

}  // namespace

std::string_view spelling(ActionKind kind) {
  switch (kind) {
    case ActionKind::report:
      return "report";
    case ActionKind::update:
      return "update";
    case ActionKind::revoke:
      return "revoke";
  }
  return "report";
}

std::string_view spelling(Decision decision) {
  switch (decision) {
    case Decision::apply:
      return "apply";
    case Decision::report:
      return "report";
    case Decision::in_grace:
      return "in-grace";
    case Decision::held_by_cap:
      return "held-by-cap";
    case Decision::protected_token:
      return "protected";
    case Decision::exempted:
      return "exempted";
    case Decision::unfixable:
      return "unfixable";
  }
  return "report";
}

std::size_t Plan::mutations() const {
  return static_cast<std::size_t>(std::ranges::count_if(
      actions, [](const PlannedAction& action) { return action.decision == Decision::apply; }));
}

Plan plan(const PolicySet& policies, const std::vector<HostSnapshot>& snapshots,
          const std::vector<Finding>& findings, const Limits& limits, const GraceState& grace,
          EpochSeconds now) {
  std::map<std::pair<std::string, std::string>, AccountIndex> accounts;
  for (std::size_t h = 0; h < snapshots.size(); ++h) {
    for (std::size_t a = 0; a < snapshots[h].accounts.size(); ++a) {
      accounts.try_emplace({snapshots[h].host, snapshots[h].accounts[a].user}, h, a);
    }
  }

  // Findings per token, in host, account and token name order; within a token in the order
  // evaluate() gave them (policy order). A finding about a token that is not in the snapshots
  // has no current state to act on and is left out: nothing is done without knowing the state.
  std::map<TokenKey, std::vector<const Finding*>> groups;
  for (const auto& finding : findings) {
    const auto it = accounts.find({finding.host, finding.user});
    if (it == accounts.end()) continue;
    const auto [h, a] = it->second;
    const auto& tokens = snapshots[h].accounts[a].tokens;
    if (std::ranges::find(tokens, finding.token, &Token::name) == tokens.end()) continue;
    groups[{h, a, finding.token}].push_back(&finding);
  }

  Plan out;
  // Grace clocks of accounts that were not listed this time are kept as they are: their
  // violations did not vanish, they were not seen. Everything else is rebuilt from the findings,
  // which prunes violations that vanished.
  for (const auto& [key, first_seen] : grace) {
    if (!accounts.contains({std::get<0>(key), std::get<1>(key)}))
      out.grace.emplace(key, first_seen);
  }

  const DecideContext context{policies, grace, now};
  for (const auto& [key, group] : groups) {
    const auto& [h, a, name] = key;
    const HostSnapshot& host = snapshots[h];
    const auto& tokens = host.accounts[a].tokens;
    const Token& token = *std::ranges::find(tokens, name, &Token::name);
    out.actions.push_back(decide(context, host, host.accounts[a].user, token, group, out.grace));
  }

  apply_caps(out.actions, snapshots, limits, out.held);
  return out;
}

}  // namespace tw::policy
