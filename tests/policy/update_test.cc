// The full intended state an update sends: expiry, allow-list and ACLs, and what happens when
// an update cannot make the token compliant.
#include <gtest/gtest.h>

#include "policy/plan.h"
#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

// Plans `rules` against the single token `t` on whm01.
PlannedAction plan_one(const std::vector<Rule>& rules, const Token& t) {
  const Plan p = evaluate_and_plan(policies(rules), {host("whm01", {account("root", {t})})});
  return only_action(p);
}

IntendedState after_of(const std::vector<Rule>& rules, const Token& t) {
  const PlannedAction action = plan_one(rules, t);
  EXPECT_EQ(action.kind, ActionKind::update);
  EXPECT_EQ(action.decision, Decision::apply) << action.note;
  return action.after.value_or(IntendedState{});
}

Rule max_lifetime(Seconds life, Seconds expires_in) {
  Rule r = rule("max-lifetime", ActionKind::update);
  r.when.max_lifetime = life;
  r.update.expires_in = expires_in;
  return r;
}

TEST(Update, NeverExpiringGetsNowPlusExpiresIn) {
  const IntendedState after = after_of({must_expire(30 * kDay)}, token("ci"));
  EXPECT_EQ(after.expires_at, kNow + 30 * kDay);
  EXPECT_EQ(after.acls, Strings{"all"}) << "full access kept: no ACL rule fired";
  EXPECT_EQ(after.whitelist_ips, std::nullopt);
}

TEST(Update, ExpiryIsShortenedNeverExtended) {
  Token far = token("far");
  far.expires_at = kNow + 400 * kDay;
  EXPECT_EQ(after_of({max_lifetime(90 * kDay, 30 * kDay)}, far).expires_at, kNow + 30 * kDay);

  Token near = token("near");
  near.expires_at = kNow + 20 * kDay;  // lifetime 30d > 7d
  near.acls = restricted({"list-accts", "passwd"});
  EXPECT_EQ(after_of({max_lifetime(7 * kDay, 30 * kDay), forbid_acls({"passwd"})}, near).expires_at,
            kNow + 20 * kDay)
      << "it already expires sooner than now + 30d";

  // Two rules: the earliest expiry wins.
  EXPECT_EQ(
      after_of({must_expire(30 * kDay, "a"), must_expire(7 * kDay, "b")}, token("t")).expires_at,
      kNow + 7 * kDay);
}

TEST(Update, OtherPartsKeepTheirCurrentValue) {
  Token t = token("ci");
  t.acls = restricted({"list-accts", "acct-summary"});
  t.whitelist_ips = Strings{"192.0.2.1", "2001:0db8:0000:0000:0000:0000:0000:0001"};
  const IntendedState after = after_of({must_expire(30 * kDay)}, t);
  EXPECT_EQ(after.acls, (Strings{"acct-summary", "list-accts"}));
  EXPECT_EQ(after.whitelist_ips, t.whitelist_ips);
}

TEST(Update, WhitelistIsNarrowed) {
  struct Case {
    const char* name;
    std::optional<Strings> current;
    std::vector<std::string_view> within;
    Strings expected;
  };
  const Case cases[] = {
      {"any IP (WHM's `any`) gets `within` itself",
       std::nullopt,
       {"2001:db8::/32", "203.0.113.0/24"},
       {"203.0.113.0/24", "2001:0db8:0000:0000:0000:0000:0000:0000/32"}},
      {"outside entries dropped",
       Strings{"198.51.100.7", "203.0.113.9"},
       {"203.0.113.0/24"},
       {"203.0.113.9"}},
      {"a wide entry narrowed",
       Strings{"0.0.0.0/0"},
       {"203.0.113.0/24", "2001:db8::/32"},
       {"203.0.113.0/24"}},
      {"WHM's expanded IPv6 form",
       Strings{"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:0db9:0000:0000:0000:0000:0000:0001",
               "2001:0000:0000:0000:0000:0000:0000:0000/16"},
       {"2001:db8::/32"},
       {"2001:0db8:0000:0000:0000:0000:0000:0000/32"}},
      {"an unparsable entry is dropped",
       Strings{"junk", "203.0.113.9"},
       {"203.0.113.0/24"},
       {"203.0.113.9"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Token t = token("ci");
    t.whitelist_ips = c.current;
    Rule r = rule("allow-list", ActionKind::update);
    WhitelistCondition w;
    w.required = true;
    for (const auto within : c.within) w.within.push_back(net(within));
    r.when.whitelist = w;
    r.update.narrow_whitelist = true;
    EXPECT_EQ(after_of({r}, t).whitelist_ips, c.expected);
  }
}

TEST(Update, AclsAreDroppedFromARestrictedToken) {
  Token t = token("ci");
  t.acls = restricted({"list-accts", "passwd", "manage-api-tokens", "create-acct"});
  const IntendedState after = after_of(
      {forbid_acls({"all", "manage-api-tokens", "create-user-session", "cpanel-api", "passwd"})},
      t);
  EXPECT_EQ(after.acls, (Strings{"create-acct", "list-accts"}));
}

TEST(Update, AclsAreDroppedFromAFullAccessTokenStartingFromWhatWhmListed) {
  Token t = token("ci");
  t.acls = full_access({"all", "list-accts", "passwd"});
  EXPECT_EQ(after_of({forbid_acls({"all", "passwd"})}, t).acls, Strings{"list-accts"});
}

TEST(Update, OnlyAllowedAclsAreKept) {
  Token t = token("ci");
  t.acls = restricted({"list-accts", "kill-acct", "acct-summary"});
  Rule r = rule("allowed", ActionKind::update);
  AclCondition acls;
  acls.allowed = std::set<std::string>{"list-accts", "acct-summary", "show-bandwidth"};
  r.when.acls = acls;
  r.update.restrict_acls = true;
  EXPECT_EQ(after_of({r}, t).acls, (Strings{"acct-summary", "list-accts"}));
}

TEST(Update, SeveralRulesMakeOneUpdate) {
  Token t = token("ci");
  t.acls = restricted({"list-accts", "passwd"});
  const PlannedAction action = plan_one(
      {must_expire(30 * kDay), forbid_acls({"passwd"}), narrow_whitelist({"192.0.2.0/24"})}, t);
  EXPECT_EQ(action.decision, Decision::apply);
  ASSERT_TRUE(action.after.has_value());
  EXPECT_EQ(action.after->expires_at, kNow + 30 * kDay);
  EXPECT_EQ(action.after->acls, Strings{"list-accts"});
  EXPECT_EQ(action.after->whitelist_ips, Strings{"192.0.2.0/24"});
}

TEST(Update, UnfixableFallsBackToRevokeOrToAReport) {
  struct Case {
    const char* name;
    Token token;
    Rule rule;
  };
  Token full = token("full");  // full access and WHM listed no names: nothing is left
  Token passwd_only = token("passwd-only");
  passwd_only.acls = restricted({"passwd"});
  Token outside = token("outside");
  outside.whitelist_ips = Strings{"198.51.100.1"};
  Token expired = token("expired");  // an expired token is never extended
  expired.expires_at = kNow - 1;
  expired.create_time = kNow - 100 * kDay;
  Token near_expiry = token("near");  // lives 15d > 7d, but already expires before now + 30d
  near_expiry.expires_at = kNow + 5 * kDay;
  Rule sets_nothing = rule("sets-nothing", ActionKind::update);
  sets_nothing.when.older_than = kDay;
  const Case cases[] = {
      {"full access, nothing listed", full, forbid_acls({"passwd"})},
      {"no ACL left", passwd_only, forbid_acls({"passwd"})},
      {"nothing inside the approved networks", outside, narrow_whitelist({"203.0.113.0/24"})},
      {"expired token", expired, max_lifetime(30 * kDay, 7 * kDay)},
      {"an update that sets nothing", token("t"), sets_nothing},
      {"an update that would change nothing", near_expiry, max_lifetime(7 * kDay, 30 * kDay)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Rule revoke = c.rule;
    revoke.fallback = Fallback::revoke;
    const PlannedAction revoked = plan_one({revoke}, c.token);
    EXPECT_EQ(revoked.kind, ActionKind::revoke);
    EXPECT_EQ(revoked.decision, Decision::apply);
    EXPECT_FALSE(revoked.after.has_value());
    EXPECT_NE(revoked.note.find("cannot fix"), std::string::npos) << revoked.note;

    Rule report = c.rule;
    report.fallback = Fallback::report;
    const PlannedAction reported = plan_one({report}, c.token);
    EXPECT_EQ(reported.kind, ActionKind::update);
    EXPECT_EQ(reported.decision, Decision::unfixable);
    EXPECT_FALSE(reported.after.has_value());
    EXPECT_NE(reported.note.find("fallback is to report"), std::string::npos) << reported.note;
  }
}

TEST(Update, TheFallbackOfTheRuleThatCannotBeSatisfiedDecides) {
  // The expiry rule can be satisfied; the ACL rule (fallback report) cannot.
  Token t = token("ci");
  t.acls = restricted({"passwd"});
  Rule expiry = must_expire(30 * kDay);
  expiry.fallback = Fallback::revoke;
  const PlannedAction action = plan_one({expiry, forbid_acls({"passwd"})}, t);
  EXPECT_EQ(action.decision, Decision::unfixable);
  EXPECT_NE(action.note.find("no ACL would be left after dangerous-acls"), std::string::npos)
      << action.note;
}

}  // namespace
}  // namespace tw::policy
