// plan(): one action per token, merged (revoke > update > report), in host, user, token order;
// protected, exempted and hostile tokens are never mutated.
#include "policy/plan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using namespace testing;

Rule report_never_expiring(std::string id = "report") {
  Rule r = rule(std::move(id), ActionKind::report);
  r.when.never_expires = true;
  return r;
}

Rule revoke_older_than(Seconds age, std::string id = "max-age") {
  Rule r = rule(std::move(id), ActionKind::revoke);
  r.when.older_than = age;
  return r;
}

TEST(Plan, EveryActionAndTheirMerge) {
  struct Case {
    const char* name;
    std::vector<Rule> rules;
    ActionKind kind;
    Decision decision;
    std::vector<std::string> fired;
  };
  const Case cases[] = {
      {"report only", {report_never_expiring()}, ActionKind::report, Decision::report, {"report"}},
      {"update only",
       {must_expire(30 * kDay)},
       ActionKind::update,
       Decision::apply,
       {"must-expire"}},
      {"revoke only", {revoke_older_than(kDay)}, ActionKind::revoke, Decision::apply, {"max-age"}},
      {"update beats report",
       {report_never_expiring(), must_expire(30 * kDay)},
       ActionKind::update,
       Decision::apply,
       {"report", "must-expire"}},
      {"revoke beats update",
       {must_expire(30 * kDay), revoke_older_than(kDay)},
       ActionKind::revoke,
       Decision::apply,
       {"must-expire", "max-age"}},
      {"revoke beats both",
       {revoke_older_than(kDay), report_never_expiring(), must_expire(30 * kDay)},
       ActionKind::revoke,
       Decision::apply,
       {"max-age", "report", "must-expire"}},
  };
  const std::vector<HostSnapshot> hosts{host("whm01", {account("root", {token("ci")})})};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Plan p = evaluate_and_plan(policies(c.rules), hosts);
    const auto& action = only_action(p);
    EXPECT_EQ(action.kind, c.kind);
    EXPECT_EQ(action.decision, c.decision);
    EXPECT_EQ(action.rules, c.fired);
    EXPECT_EQ(action.why.size(), c.fired.size());
    EXPECT_EQ(action.after.has_value(), c.kind == ActionKind::update);
    EXPECT_EQ(action.before, hosts[0].accounts[0].tokens[0]);
    EXPECT_EQ(p.mutations(), c.decision == Decision::apply ? 1U : 0U);
  }
}

TEST(Plan, WhyLinesNameTheRuleAndTheNumbers) {
  const Plan p = evaluate_and_plan(policies({revoke_older_than(kDay)}),
                                   {host("whm01", {account("root", {token("ci")})})});
  ASSERT_EQ(only_action(p).why.size(), 1U);
  EXPECT_EQ(only_action(p).why[0],
            "max-age: created 2025-12-22T00:00:00Z, 10d ago; the limit is 1d");
}

TEST(Plan, ActionsComeByHostOrderThenAccountOrderThenTokenName) {
  const std::vector<HostSnapshot> hosts{
      host("whm09", {account("root", {token("b"), token("a")})}),
      host("whm01", {account("zeta", {token("c")}), account("alpha", {token("d")})}),
  };
  const Plan p = evaluate_and_plan(policies({report_never_expiring()}), hosts);
  std::vector<std::string> order;
  for (const auto& a : p.actions) order.push_back(a.host + "/" + a.user + "/" + a.token);
  EXPECT_EQ(order, (std::vector<std::string>{"whm09/root/a", "whm09/root/b", "whm01/zeta/c",
                                             "whm01/alpha/d"}));
}

TEST(Plan, TokensWithoutFindingsHaveNoAction) {
  Token fine = token("fine");
  fine.expires_at = kNow + kDay;
  const Plan p = evaluate_and_plan(policies({must_expire(30 * kDay)}),
                                   {host("whm01", {account("root", {fine, token("bad")})})});
  EXPECT_EQ(only_action(p).token, "bad");
}

TEST(Plan, SelfTokenAndProtectedPatternsAreNeverMutated) {
  PolicySet set = policies({revoke_older_than(kDay), must_expire(kDay)});
  set.protected_tokens = {"breakglass-*"};
  const Plan p = evaluate_and_plan(
      set, {host("whm01", {account("root", {token("tokenwarden"), token("breakglass-7")})})});
  ASSERT_EQ(p.actions.size(), 2U);
  for (const auto& action : p.actions) {
    EXPECT_EQ(action.decision, Decision::protected_token) << action.token;
    EXPECT_EQ(action.kind, ActionKind::revoke) << "kept for information";
    EXPECT_FALSE(action.note.empty());
  }
  EXPECT_NE(p.actions[0].note.find("breakglass-*"), std::string::npos) << p.actions[0].note;
  EXPECT_NE(p.actions[1].note.find("own token"), std::string::npos) << p.actions[1].note;
  EXPECT_TRUE(p.grace.empty()) << "protected tokens start no grace clock";
  EXPECT_EQ(p.mutations(), 0U);
}

TEST(Plan, FullyExemptedTokensAreExemptedWithReasonAndOwner) {
  PolicySet set = policies({revoke_older_than(kDay), must_expire(kDay)});
  Exemption e;
  e.tokens = {"monitoring-*"};
  e.reason = "vendor rotates yearly";
  e.owner = "secops@example.net";
  e.expires = kNow + 30 * kDay;
  e.source = "policies.d/baseline.yaml:20:5";
  set.exemptions = {e};
  const Plan p =
      evaluate_and_plan(set, {host("whm01", {account("root", {token("monitoring-1")})})});
  const auto& action = only_action(p);
  EXPECT_EQ(action.decision, Decision::exempted);
  EXPECT_EQ(action.kind, ActionKind::revoke);
  EXPECT_EQ(action.note,
            "exempted by policies.d/baseline.yaml:20:5: vendor rotates yearly (owner "
            "secops@example.net, until 2026-01-31T00:00:00Z)");
  EXPECT_TRUE(p.grace.empty());
}

TEST(Plan, AnExemptionLimitedToOneRuleLeavesTheOthersActing) {
  PolicySet set = policies({revoke_older_than(kDay), must_expire(kDay)});
  Exemption e;
  e.tokens = {"monitoring-*"};
  e.rules = {"max-age"};
  e.expires = kNow + kDay;
  set.exemptions = {e};
  const Plan p =
      evaluate_and_plan(set, {host("whm01", {account("root", {token("monitoring-1")})})});
  const auto& action = only_action(p);
  EXPECT_EQ(action.kind, ActionKind::update);
  EXPECT_EQ(action.decision, Decision::apply);
  EXPECT_EQ(action.rules, (std::vector<std::string>{"max-age", "must-expire"}));
  EXPECT_EQ(p.grace.size(), 1U) << "only the acting finding has a grace clock";
}

TEST(Plan, AnExpiredExemptionNoLongerApplies) {
  PolicySet set = policies({revoke_older_than(kDay)});
  Exemption e;
  e.tokens = {"monitoring-*"};
  e.expires = kNow;
  set.exemptions = {e};
  const Plan p =
      evaluate_and_plan(set, {host("whm01", {account("root", {token("monitoring-1")})})});
  EXPECT_EQ(only_action(p).decision, Decision::apply);
  EXPECT_EQ(only_action(p).kind, ActionKind::revoke);
}

TEST(Plan, HostileTokenNamesAreReportedNeverActedUpon) {
  const Plan p = evaluate_and_plan(policies({revoke_older_than(kDay)}),
                                   {host("whm01", {account("root", {token("bad name\n")})})});
  EXPECT_EQ(only_action(p).decision, Decision::report);
  EXPECT_EQ(only_action(p).kind, ActionKind::revoke);
  EXPECT_EQ(p.mutations(), 0U);
}

TEST(Plan, FindingsAboutUnlistedTokensOrUnknownRulesDoNotMutate) {
  const std::vector<HostSnapshot> hosts{host("whm01", {account("root", {token("ci")})})};
  Finding ghost;
  ghost.host = "whm01";
  ghost.user = "root";
  ghost.token = "not-listed";
  ghost.rule_id = "max-age";
  ghost.action = ActionKind::revoke;
  Finding other_host = ghost;
  other_host.host = "whm99";
  other_host.token = "ci";
  Finding unknown_rule = ghost;
  unknown_rule.token = "ci";
  unknown_rule.rule_id = "no-such-rule";
  const Plan p =
      plan(policies({}), hosts, {ghost, other_host, unknown_rule}, unlimited(), {}, kNow);
  const auto& action = only_action(p);
  EXPECT_EQ(action.token, "ci");
  EXPECT_EQ(action.decision, Decision::report);
  EXPECT_EQ(p.mutations(), 0U);
}

TEST(Plan, IsDeterministic) {
  PolicySet set =
      policies({revoke_older_than(5 * kDay), must_expire(kDay), report_never_expiring()});
  const std::vector<HostSnapshot> hosts{
      host("whm01", {account("root", {token("c"), token("a"), token("b")})}),
      host("whm02", {account("root", {token("x")}), account("res", {token("y")})})};
  const Plan first = evaluate_and_plan(set, hosts);
  const Plan second = evaluate_and_plan(set, hosts);
  ASSERT_EQ(first.actions.size(), second.actions.size());
  for (std::size_t i = 0; i < first.actions.size(); ++i) {
    EXPECT_EQ(first.actions[i].token, second.actions[i].token);
    EXPECT_EQ(first.actions[i].note, second.actions[i].note);
    EXPECT_EQ(first.actions[i].after, second.actions[i].after);
  }
  EXPECT_EQ(first.grace, second.grace);
  EXPECT_EQ(first.held, second.held);
}

TEST(Plan, SpellingsOfKindsAndDecisions) {
  EXPECT_EQ(spelling(ActionKind::report), "report");
  EXPECT_EQ(spelling(ActionKind::update), "update");
  EXPECT_EQ(spelling(ActionKind::revoke), "revoke");
  EXPECT_EQ(spelling(Decision::apply), "apply");
  EXPECT_EQ(spelling(Decision::report), "report");
  EXPECT_EQ(spelling(Decision::in_grace), "in-grace");
  EXPECT_EQ(spelling(Decision::held_by_cap), "held-by-cap");
  EXPECT_EQ(spelling(Decision::protected_token), "protected");
  EXPECT_EQ(spelling(Decision::exempted), "exempted");
  EXPECT_EQ(spelling(Decision::unfixable), "unfixable");
}

}  // namespace
}  // namespace tw::policy
