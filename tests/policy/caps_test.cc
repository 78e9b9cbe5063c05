// The mutation caps: per host (count and revoke percentage), per sweep, and 0.
#include <gtest/gtest.h>

#include <algorithm>

#include "policy/plan.h"
#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using namespace testing;

// `n` tokens named t00.. on one account; the first `expired` of them expired yesterday.
AccountTokens tokens(std::size_t n, std::size_t expired, std::string user = "root") {
  std::vector<Token> list;
  for (std::size_t i = 0; i < n; ++i) {
    Token t = token((i < 10 ? "t0" : "t") + std::to_string(i));
    if (i < expired) t.expires_at = kNow - kDay;
    list.push_back(t);
  }
  return account(std::move(user), std::move(list));
}

Limits limits(unsigned per_sweep, unsigned per_host, unsigned percent) {
  Limits l;
  l.max_mutations_per_sweep = per_sweep;
  l.max_mutations_per_host = per_host;
  l.max_revoke_percent_per_host = percent;
  return l;
}

std::size_t count(const Plan& p, Decision decision, const std::string& on_host = "") {
  return static_cast<std::size_t>(std::ranges::count_if(p.actions, [&](const PlannedAction& a) {
    return a.decision == decision && (on_host.empty() || a.host == on_host);
  }));
}

// Expired tokens are revoked; the others (never expiring) get an expiry.
PolicySet revoke_and_update() {
  return policies({revoke_expired(), must_expire(30 * kDay)});
}

TEST(Caps, PerHostCount) {
  struct Case {
    const char* name;
    unsigned per_host;
    std::size_t applied;
  };
  const Case cases[] = {
      {"under the cap", 5, 4}, {"at the cap", 4, 4}, {"over the cap", 3, 0}, {"cap 0", 0, 0}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Plan p = evaluate_and_plan(revoke_and_update(), {host("whm01", {tokens(4, 0)})},
                                     limits(100, c.per_host, 100));
    EXPECT_EQ(p.mutations(), c.applied);
    EXPECT_EQ(count(p, Decision::held_by_cap), 4 - c.applied);
    EXPECT_EQ(p.held.size(), c.applied == 4 ? 0U : 1U);
    if (c.applied == 0) {
      EXPECT_EQ(p.held[0], "host whm01: 4 mutations planned, more than the cap of " +
                               std::to_string(c.per_host) + " per host; none of them is applied");
      EXPECT_EQ(p.actions[0].note, "held: " + p.held[0]);
    }
  }
}

TEST(Caps, PerHostCountHoldsOnlyThatHost) {
  const Plan p = evaluate_and_plan(revoke_and_update(),
                                   {host("whm01", {tokens(3, 0)}), host("whm02", {tokens(2, 0)})},
                                   limits(100, 2, 100));
  EXPECT_EQ(count(p, Decision::held_by_cap, "whm01"), 3U);
  EXPECT_EQ(count(p, Decision::apply, "whm02"), 2U);
}

TEST(Caps, PerHostRevokePercentOfAllAccountsTokens) {
  struct Case {
    const char* name;
    std::size_t expired;  // of 10 tokens over two accounts (6 + 4)
    unsigned percent;
    bool held;
  };
  const Case cases[] = {
      {"below", 4, 50, false},
      {"exactly the percentage", 5, 50, false},
      {"one over", 6, 50, true},
      {"0% with a revoke", 1, 0, true},
      {"0% without a revoke: updates still apply", 0, 0, false},
      {"100%", 6, 100, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    // root holds 6 tokens, `expired` of them expired; reseller holds 4 valid tokens that expire
    // in a year: they have no finding but count toward the host's tokens.
    AccountTokens quiet = tokens(4, 0, "reseller");
    for (auto& t : quiet.tokens) t.expires_at = kNow + 365 * kDay;
    const Plan p =
        evaluate_and_plan(revoke_and_update(), {host("whm01", {tokens(6, c.expired), quiet})},
                          limits(100, 100, c.percent));
    EXPECT_EQ(p.mutations(), c.held ? 0U : 6U);
    EXPECT_EQ(count(p, Decision::held_by_cap), c.held ? 6U : 0U) << "updates are held too";
    ASSERT_EQ(p.held.size(), c.held ? 1U : 0U);
    if (c.held) {
      EXPECT_NE(p.held[0].find(std::to_string(c.expired) + " revoke"), std::string::npos)
          << p.held[0];
      EXPECT_NE(p.held[0].find("of 10 tokens"), std::string::npos) << p.held[0];
      EXPECT_NE(p.held[0].find(std::to_string(c.percent) + "% per host"), std::string::npos);
    }
  }
}

TEST(Caps, PerSweep) {
  struct Case {
    const char* name;
    unsigned per_sweep;
    bool held;
  };
  const Case cases[] = {{"under", 6, false}, {"at", 5, false}, {"over", 4, true}, {"0", 0, true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Plan p = evaluate_and_plan(revoke_and_update(),
                                     {host("whm01", {tokens(3, 1)}), host("whm02", {tokens(2, 0)})},
                                     limits(c.per_sweep, 100, 100));
    EXPECT_EQ(p.mutations(), c.held ? 0U : 5U);
    ASSERT_EQ(p.held.size(), c.held ? 1U : 0U);
    if (c.held) {
      EXPECT_EQ(p.held[0], "5 mutations planned in this sweep, more than the cap of " +
                               std::to_string(c.per_sweep) + " per sweep; none of them is applied");
    }
  }
}

TEST(Caps, PerSweepCountsWhatTheHostCapsLeft) {
  // whm01 is held by its own cap; the 2 mutations left on whm02 fit the sweep cap of 2.
  const Plan p = evaluate_and_plan(revoke_and_update(),
                                   {host("whm01", {tokens(3, 0)}), host("whm02", {tokens(2, 0)})},
                                   limits(2, 2, 100));
  EXPECT_EQ(count(p, Decision::apply, "whm02"), 2U);
  EXPECT_EQ(count(p, Decision::held_by_cap, "whm01"), 3U);
  EXPECT_EQ(p.held.size(), 1U);
}

TEST(Caps, OnlyMutationsCount) {
  // Reports, protected and in-grace actions never count toward a cap.
  PolicySet set = policies({revoke_expired()});
  Rule report = rule("report", ActionKind::report);
  report.when.never_expires = true;
  Rule slow = rule("slow", ActionKind::revoke);
  slow.when.older_than = kDay;
  slow.grace = 30 * kDay;
  slow.scope.tokens = {"t0*"};
  set.rules.push_back(report);
  set.rules.push_back(slow);
  const Plan p = evaluate_and_plan(
      set, {host("whm01", {tokens(3, 0), account("other", {token("tokenwarden")})})},
      limits(0, 0, 0));
  EXPECT_TRUE(p.held.empty());
  EXPECT_EQ(count(p, Decision::held_by_cap), 0U);
}

}  // namespace
}  // namespace tw::policy
