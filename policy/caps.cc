#include "policy/caps.h"

#include <cstdint>
#include <map>

namespace tw::policy {
namespace {

struct HostCount {
  std::size_t mutations = 0;
  std::size_t revokes = 0;
};

void hold(PlannedAction& action, const std::string& sentence) {
  action.decision = Decision::held_by_cap;
  action.note = "held: " + sentence;
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

void apply_caps(std::vector<PlannedAction>& actions, const std::vector<HostSnapshot>& snapshots,
                const Limits& limits, std::vector<std::string>& held) {
  std::map<std::string, HostCount> counts;
  for (const auto& action : actions) {
    if (action.decision != Decision::apply) continue;
    auto& count = counts[action.host];
    ++count.mutations;
    if (action.kind == ActionKind::revoke) ++count.revokes;
  }

  // Hosts in snapshot order, so that the sentences come out in the plan's order.
  std::map<std::string, bool> seen;
  for (const auto& snapshot : snapshots) {
    if (seen[snapshot.host]) continue;
    seen[snapshot.host] = true;
    const auto it = counts.find(snapshot.host);
    if (it == counts.end()) continue;
    const HostCount& count = it->second;
    std::size_t tokens = 0;
    for (const auto& account : snapshot.accounts) tokens += account.tokens.size();

    std::vector<std::string> sentences;
    if (count.mutations > limits.max_mutations_per_host) {
      sentences.push_back("host " + snapshot.host + ": " + plural(count.mutations, "mutation") +
                          " planned, more than the cap of " +
                          std::to_string(limits.max_mutations_per_host) +
                          " per host; none of them is applied");
    }
    const auto revoke_share = static_cast<std::uint64_t>(count.revokes) * 100U;
    const auto revoke_cap = static_cast<std::uint64_t>(limits.max_revoke_percent_per_host) *
                            static_cast<std::uint64_t>(tokens);
    if (revoke_share > revoke_cap) {
      sentences.push_back("host " + snapshot.host + ": " + plural(count.revokes, "revoke") +
                          " of " + plural(tokens, "token") + " planned, more than the cap of " +
                          std::to_string(limits.max_revoke_percent_per_host) +
                          "% per host; none of its " + plural(count.mutations, "mutation") +
                          " is applied");
    }
    if (sentences.empty()) continue;
    std::string note;
    for (const auto& sentence : sentences) note += (note.empty() ? "" : "; ") + sentence;
    for (auto& action : actions) {
      if (action.host == snapshot.host && action.decision == Decision::apply) hold(action, note);
    }
    held.insert(held.end(), sentences.begin(), sentences.end());
  }

  std::size_t left = 0;
  for (const auto& action : actions) left += action.decision == Decision::apply ? 1U : 0U;
  if (left > limits.max_mutations_per_sweep) {
    const std::string sentence =
        plural(left, "mutation") + " planned in this sweep, more than the cap of " +
        std::to_string(limits.max_mutations_per_sweep) + " per sweep; none of them is applied";
    for (auto& action : actions) {
      if (action.decision == Decision::apply) hold(action, sentence);
    }
    held.push_back(sentence);
  }
}

}  // namespace tw::policy
