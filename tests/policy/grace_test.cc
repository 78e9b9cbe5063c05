// Grace: a violation's action waits `grace` after it was first seen, across sweeps.
#include <gtest/gtest.h>

#include "policy/plan.h"
#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using namespace testing;

Rule max_age(Seconds grace) {
  Rule r = rule("max-age", ActionKind::revoke);
  r.when.older_than = 5 * kDay;
  r.grace = grace;
  return r;
}

const ViolationKey kKey{"whm01", "root", "old", "max-age"};

std::vector<HostSnapshot> one_old_token() {
  return {host("whm01", {account("root", {token("old")})})};
}

TEST(Grace, FirstSeenNowStartsTheClock) {
  const Plan p = evaluate_and_plan(policies({max_age(7 * kDay)}), one_old_token());
  const auto& action = only_action(p);
  EXPECT_EQ(action.decision, Decision::in_grace);
  EXPECT_EQ(action.kind, ActionKind::revoke);
  EXPECT_EQ(action.due_at, kNow + 7 * kDay);
  EXPECT_NE(action.note.find("rule max-age is in grace until 2026-01-08T00:00:00Z"),
            std::string::npos)
      << action.note;
  EXPECT_EQ(p.grace, (GraceState{{kKey, kNow}}));
}

TEST(Grace, StillInGraceThenDue) {
  struct Case {
    const char* name;
    EpochSeconds first_seen;
    Decision decision;
  };
  const Case cases[] = {
      {"a day in", kNow - kDay, Decision::in_grace},
      {"a second before due", kNow - 7 * kDay + 1, Decision::in_grace},
      {"due exactly now", kNow - 7 * kDay, Decision::apply},
      {"long overdue", kNow - 70 * kDay, Decision::apply},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const GraceState grace{{kKey, c.first_seen}};
    const Plan p =
        evaluate_and_plan(policies({max_age(7 * kDay)}), one_old_token(), unlimited(), grace);
    EXPECT_EQ(only_action(p).decision, c.decision);
    EXPECT_EQ(only_action(p).due_at.has_value(), c.decision == Decision::in_grace);
    if (c.decision == Decision::in_grace) {
      EXPECT_EQ(only_action(p).due_at, c.first_seen + 7 * kDay);
    }
    EXPECT_EQ(p.grace, grace) << "the first-seen time is kept";
  }
}

TEST(Grace, ZeroGraceIsDueAtOnce) {
  const Plan p = evaluate_and_plan(policies({max_age(0)}), one_old_token());
  EXPECT_EQ(only_action(p).decision, Decision::apply);
  EXPECT_EQ(p.grace, (GraceState{{kKey, kNow}}));
}

TEST(Grace, VanishedViolationsArePrunedUnlistedAccountsKept) {
  const GraceState grace{
      {kKey, kNow - kDay},
      {{"whm01", "root", "deleted-token", "max-age"}, kNow - kDay},  // token gone: pruned
      {{"whm01", "root", "old", "removed-rule"}, kNow - kDay},       // rule gone: pruned
      {{"whm02", "root", "x", "max-age"}, kNow - 3 * kDay},          // host not listed: kept
      {{"whm01", "reseller", "y", "max-age"}, kNow - 3 * kDay},      // account not listed: kept
  };
  const Plan p =
      evaluate_and_plan(policies({max_age(7 * kDay)}), one_old_token(), unlimited(), grace);
  EXPECT_EQ(p.grace, (GraceState{{kKey, kNow - kDay},
                                 {{"whm02", "root", "x", "max-age"}, kNow - 3 * kDay},
                                 {{"whm01", "reseller", "y", "max-age"}, kNow - 3 * kDay}}));
}

TEST(Grace, EarliestDueTimeAmongTheStrongestRules) {
  Rule other = max_age(2 * kDay);
  other.id = "other";
  const Plan p = evaluate_and_plan(policies({max_age(7 * kDay), other}), one_old_token());
  EXPECT_EQ(only_action(p).due_at, kNow + 2 * kDay);
  // One of the two revoke rules is due: revoke now.
  const GraceState grace{{{"whm01", "root", "old", "other"}, kNow - 2 * kDay}};
  const Plan due =
      evaluate_and_plan(policies({max_age(7 * kDay), other}), one_old_token(), unlimited(), grace);
  EXPECT_EQ(only_action(due).decision, Decision::apply);
  EXPECT_EQ(only_action(due).kind, ActionKind::revoke);
}

TEST(Grace, AnUpdateDueWhileTheRevokeWaitsIsAppliedNow) {
  const Plan p =
      evaluate_and_plan(policies({max_age(7 * kDay), must_expire(30 * kDay)}), one_old_token());
  const auto& action = only_action(p);
  EXPECT_EQ(action.kind, ActionKind::update);
  EXPECT_EQ(action.decision, Decision::apply);
  ASSERT_TRUE(action.after.has_value());
  EXPECT_EQ(action.after->expires_at, kNow + 30 * kDay);
  EXPECT_NE(action.note.find("the revoke waits"), std::string::npos) << action.note;
  EXPECT_EQ(p.grace.size(), 2U);
}

TEST(Grace, AnUpdateInGraceWaitsAndSaysWhen) {
  Rule slow = must_expire(30 * kDay);
  slow.grace = 3 * kDay;
  const Plan p = evaluate_and_plan(policies({slow}), one_old_token());
  const auto& action = only_action(p);
  EXPECT_EQ(action.decision, Decision::in_grace);
  EXPECT_EQ(action.kind, ActionKind::update);
  EXPECT_EQ(action.due_at, kNow + 3 * kDay);
  EXPECT_TRUE(action.after.has_value()) << "the update it will make";
}

TEST(Grace, BothInGraceIsDueAtTheEarlierOne) {
  Rule slow_update = must_expire(30 * kDay);
  slow_update.grace = 3 * kDay;
  const Plan p = evaluate_and_plan(policies({max_age(7 * kDay), slow_update}), one_old_token());
  EXPECT_EQ(only_action(p).decision, Decision::in_grace);
  EXPECT_EQ(only_action(p).kind, ActionKind::revoke);
  EXPECT_EQ(only_action(p).due_at, kNow + 3 * kDay);
}

TEST(Grace, AnUnfixableUpdateWithRevokeFallbackWaitsForItsGrace) {
  Token t = token("old");
  t.acls = restricted({"passwd"});
  Rule acls = forbid_acls({"passwd"});
  acls.fallback = Fallback::revoke;
  acls.grace = kDay;
  const Plan p = evaluate_and_plan(policies({acls}), {host("whm01", {account("root", {t})})});
  EXPECT_EQ(only_action(p).decision, Decision::in_grace);
  EXPECT_EQ(only_action(p).kind, ActionKind::revoke);
  EXPECT_EQ(only_action(p).due_at, kNow + kDay);
}

TEST(Grace, ReportsAndExemptionsKeepOrStartNoClockAsDocumented) {
  Rule report = rule("report", ActionKind::report);
  report.when.never_expires = true;
  report.grace = kDay;
  PolicySet set = policies({report, max_age(kDay)});
  Exemption e;
  e.tokens = {"old"};
  e.rules = {"max-age"};
  e.expires = kNow + kDay;
  set.exemptions = {e};
  const Plan p = evaluate_and_plan(set, one_old_token());
  EXPECT_EQ(only_action(p).decision, Decision::report);
  EXPECT_EQ(p.grace, (GraceState{{{"whm01", "root", "old", "report"}, kNow}}));
}

}  // namespace
}  // namespace tw::policy
