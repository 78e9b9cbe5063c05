#include "policy/evaluate.h"

#include <algorithm>
#include <numeric>

#include "policy/conditions.h"
#include "policy/matching.h"

namespace tw::policy {

std::vector<Finding> evaluate(const PolicySet& policies, const HostSnapshot& host,
                              EpochSeconds now) {
  std::vector<Finding> findings;
  for (const auto& account : host.accounts) {
    // Tokens by name; a stable sort keeps a host's order among equal names, so the output
    // depends on the input alone.
    std::vector<std::size_t> order(account.tokens.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::ranges::stable_sort(
        order, {}, [&](std::size_t i) -> const std::string& { return account.tokens[i].name; });
    for (const std::size_t index : order) {
      const Token& token = account.tokens[index];
      const bool is_protected = protection_reason(policies, host, token.name).has_value();
      for (const auto& rule : policies.rules) {
        if (!scope_matches(rule.scope, host, account.user, token.name)) continue;
        auto why = conditions_hold(rule.when, token, now);
        if (!why) continue;
        Finding finding;
        finding.host = host.host;
        finding.user = account.user;
        finding.token = token.name;
        finding.rule_id = rule.id;
        finding.action = rule.action;
        finding.why = std::move(*why);
        finding.exemption =
            find_exemption(policies, host.host, account.user, token.name, rule.id, now);
        finding.protected_token = is_protected;
        findings.push_back(std::move(finding));
      }
    }
  }
  return findings;
}

}  // namespace tw::policy
