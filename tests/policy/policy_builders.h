#pragma once
// Small builders for policy tests. Values are built member by member: GCC 12 at -O2 warns
// (-Wmaybe-uninitialized, falsely) about brace-initialised aggregates holding a std::set.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "policy/evaluate.h"
#include "policy/network.h"
#include "policy/plan.h"
#include "policy/policy.h"
#include "policy/token.h"

namespace tw::policy::testing {

constexpr EpochSeconds kNow = 1'767'225'600;  // 2026-01-01T00:00:00Z
constexpr Seconds kMinute = 60;
constexpr Seconds kHour = 3'600;
constexpr Seconds kDay = 86'400;

inline Network net(std::string_view text) {
  auto parsed = parse_network(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error());
  return parsed.value_or(Network{});
}

inline std::vector<Network> nets(std::initializer_list<std::string_view> texts) {
  std::vector<Network> out;
  for (const auto text : texts) out.push_back(net(text));
  return out;
}

inline AclSet full_access(std::initializer_list<std::string> listed = {}) {
  AclSet acls;
  acls.full_access = true;
  for (const auto& name : listed) acls.names.insert(name);
  return acls;
}

inline AclSet restricted(std::initializer_list<std::string> names) {
  AclSet acls;
  acls.full_access = false;
  for (const auto& name : names) acls.names.insert(name);
  return acls;
}

// A token created ten days before kNow that never expires, with full access from any IP.
inline Token token(std::string name) {
  Token t;
  t.name = std::move(name);
  t.create_time = kNow - 10 * kDay;
  return t;
}

inline Rule rule(std::string id, ActionKind action) {
  Rule r;
  r.id = std::move(id);
  r.action = action;
  return r;
}

inline Rule revoke_expired(std::string id = "expired") {
  Rule r = rule(std::move(id), ActionKind::revoke);
  r.when.expired = true;
  return r;
}

inline Rule must_expire(Seconds expires_in, std::string id = "must-expire") {
  Rule r = rule(std::move(id), ActionKind::update);
  r.when.never_expires = true;
  r.update.expires_in = expires_in;
  return r;
}

inline Rule forbid_acls(std::initializer_list<std::string> forbidden,
                        std::string id = "dangerous-acls") {
  Rule r = rule(std::move(id), ActionKind::update);
  AclCondition acls;
  for (const auto& name : forbidden) acls.forbidden.insert(name);
  r.when.acls = acls;
  r.update.restrict_acls = true;
  return r;
}

inline Rule narrow_whitelist(std::initializer_list<std::string_view> within,
                             std::string id = "allow-list", bool required = true) {
  Rule r = rule(std::move(id), ActionKind::update);
  WhitelistCondition whitelist;
  whitelist.required = required;
  whitelist.within = nets(within);
  r.when.whitelist = whitelist;
  r.update.narrow_whitelist = true;
  return r;
}

inline AccountTokens account(std::string user, std::vector<Token> tokens) {
  AccountTokens a;
  a.user = std::move(user);
  a.tokens = std::move(tokens);
  return a;
}

inline HostSnapshot host(std::string name, std::vector<AccountTokens> accounts,
                         std::string self_token = "tokenwarden") {
  HostSnapshot h;
  h.host = std::move(name);
  h.self_token = std::move(self_token);
  h.accounts = std::move(accounts);
  return h;
}

inline PolicySet policies(std::vector<Rule> rules) {
  PolicySet p;
  p.rules = std::move(rules);
  return p;
}

inline Limits unlimited() {
  Limits limits;
  limits.max_mutations_per_sweep = 1'000'000;
  limits.max_mutations_per_host = 1'000'000;
  limits.max_revoke_percent_per_host = 100;
  return limits;
}

// Evaluates every host and plans, as the scanner does.
inline Plan evaluate_and_plan(const PolicySet& set, const std::vector<HostSnapshot>& hosts,
                              const Limits& limits = unlimited(), const GraceState& grace = {},
                              EpochSeconds now = kNow) {
  std::vector<Finding> findings;
  for (const auto& h : hosts) {
    auto found = evaluate(set, h, now);
    findings.insert(findings.end(), found.begin(), found.end());
  }
  return plan(set, hosts, findings, limits, grace, now);
}

// The one planned action of a single-token plan.
inline const PlannedAction& only_action(const Plan& p) {
  EXPECT_EQ(p.actions.size(), 1U);
  static const PlannedAction kNone;
  return p.actions.empty() ? kNone : p.actions.front();
}

}  // namespace tw::policy::testing
