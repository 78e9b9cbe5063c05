#pragma once
// Evaluation: which rules fire on which tokens of one host. Pure and deterministic: the same
// policy set, snapshot and `now` give the same findings in the same order.

#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "policy/token.h"

namespace tw::policy {

// What one WHM user of a host holds.
struct AccountTokens {
  std::string user;
  std::vector<Token> tokens;
};

// One host as listed: every account that could be listed.
struct HostSnapshot {
  std::string host;
  std::vector<std::string> tags;
  std::string self_token;  // the daemon's own token name there: always protected
  std::vector<AccountTokens> accounts;
};

struct Finding {
  std::string host;
  std::string user;
  std::string token;
  std::string rule_id;
  ActionKind action = ActionKind::report;  // what the rule asks for
  std::string why;  // for people: what is wrong, with the numbers ("created 2025-10-24, 400 days
                    // ago; the limit is 90d")
  // Set when an exemption stops the rule from acting: the exemption's index in the policy set.
  std::optional<std::size_t> exemption;
  // The token is the self token or matches a `protected` pattern: it is never mutated.
  bool protected_token = false;
};

// Every rule against every token of every account of `host`, in order: accounts as given,
// tokens by name, rules in policy order. Expired exemptions (expires <= now) do not apply.
[[nodiscard]] std::vector<Finding> evaluate(const PolicySet& policies, const HostSnapshot& host,
                                            EpochSeconds now);

// Glob matching as scopes use it: `*` any run (also empty), `?` exactly one character.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace tw::policy
