// Every condition of a rule's `when`, at its boundaries, and the sentences that explain them.
#include "policy/conditions.h"

#include <gtest/gtest.h>

#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using namespace testing;

struct Case {
  std::string name;
  Conditions when;
  Token token;
  bool holds;
  std::string why_contains = {};  // checked when the condition holds
};

void run(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto why = conditions_hold(c.when, c.token, kNow);
    EXPECT_EQ(why.has_value(), c.holds) << why.value_or("");
    if (why && !c.why_contains.empty()) {
      EXPECT_NE(why->find(c.why_contains), std::string::npos) << *why;
    }
  }
}

Conditions expired(bool value) {
  Conditions when;
  when.expired = value;
  return when;
}

Token expiring_at(EpochSeconds at) {
  Token t = token("t");
  t.expires_at = at;
  return t;
}

Token created_at(EpochSeconds at) {
  Token t = token("t");
  t.create_time = at;
  return t;
}

TEST(Conditions, Expired) {
  run({
      {"a second past expiry", expired(true), expiring_at(kNow - 1), true,
       "expired at 2025-12-31T23:59:59Z, 1s ago"},
      {"expiring exactly now is not expired", expired(true), expiring_at(kNow), false},
      {"future expiry", expired(true), expiring_at(kNow + kDay), false},
      {"never expires", expired(true), token("t"), false},
      {"expired: false holds for a live token", expired(false), expiring_at(kNow), true,
       "not expired"},
      {"expired: false holds for a never-expiring token", expired(false), token("t"), true,
       "never expires"},
      {"expired: false fails for an expired token", expired(false), expiring_at(kNow - 1), false},
  });
}

TEST(Conditions, OlderThan) {
  Conditions when;
  when.older_than = 90 * kDay;
  run({
      {"one second over", when, created_at(kNow - 90 * kDay - 1), true,
       "created 2025-10-02T23:59:59Z, 90d 1s ago; the limit is 90d"},
      {"exactly the limit", when, created_at(kNow - 90 * kDay), false},
      {"younger", when, created_at(kNow - kDay), false},
      {"400 days", when, created_at(kNow - 400 * kDay), true, "400d ago; the limit is 90d"},
      {"created in the future", when, created_at(kNow + kDay), false},
      {"hostile create_time", when, created_at(std::numeric_limits<EpochSeconds>::min()), true},
  });
}

TEST(Conditions, NeverExpires) {
  Conditions yes;
  yes.never_expires = true;
  Conditions no;
  no.never_expires = false;
  run({
      {"no expiry", yes, token("t"), true, "never expires"},
      {"has an expiry", yes, expiring_at(kNow + kDay), false},
      {"has an expiry, false", no, expiring_at(kNow + kDay), true, "expires at 2026-01-02"},
      {"no expiry, false", no, token("t"), false},
  });
}

TEST(Conditions, MaxLifetime) {
  Conditions when;
  when.max_lifetime = 30 * kDay;
  Token over = created_at(kNow);
  over.expires_at = kNow + 30 * kDay + 1;
  Token at_limit = created_at(kNow);
  at_limit.expires_at = kNow + 30 * kDay;
  run({
      {"never expires", when, token("t"), true, "never expires; the maximum lifetime is 30d"},
      {"one second over", when, over, true, "lives 30d 1s"},
      {"exactly the limit", when, at_limit, false},
      {"short", when, expiring_at(kNow - 9 * kDay), false},
  });
}

TEST(Conditions, ExpiresWithin) {
  Conditions when;
  when.expires_within = 7 * kDay;
  run({
      {"inside the window", when, expiring_at(kNow + 3 * kDay), true, "in 3d; the window is 1w"},
      {"at the edge of the window", when, expiring_at(kNow + 7 * kDay), true},
      {"just outside", when, expiring_at(kNow + 7 * kDay + 1), false},
      {"expiring now counts", when, expiring_at(kNow), true, "in 0s"},
      {"already expired", when, expiring_at(kNow - 1), false},
      {"never expires", when, token("t"), false},
  });
}

Conditions whitelist(bool required, std::initializer_list<std::string_view> within) {
  Conditions when;
  WhitelistCondition w;
  w.required = required;
  w.within = nets(within);
  when.whitelist = w;
  return when;
}

Token allowed_from(std::vector<std::string> entries) {
  Token t = token("t");
  t.whitelist_ips = std::move(entries);
  return t;
}

TEST(Conditions, Whitelist) {
  run({
      {"required, no list", whitelist(true, {}), token("t"), true, "usable from any IP"},
      {"required, empty list is no list", whitelist(true, {}), allowed_from({}), true},
      {"required, has a list", whitelist(true, {}), allowed_from({"192.0.2.1"}), false},
      {"within, entry inside", whitelist(false, {"203.0.113.0/24"}), allowed_from({"203.0.113.9"}),
       false},
      {"within, entry outside", whitelist(false, {"203.0.113.0/24"}),
       allowed_from({"203.0.113.9", "198.51.100.1"}), true,
       "outside 203.0.113.0/24: '198.51.100.1'"},
      {"within, entry wider than approved", whitelist(false, {"203.0.113.0/24"}),
       allowed_from({"203.0.0.0/16"}), true},
      {"within, no list (only `required` covers it)", whitelist(false, {"203.0.113.0/24"}),
       token("t"), false},
      {"required or within: no list", whitelist(true, {"203.0.113.0/24"}), token("t"), true},
      {"required or within: outside", whitelist(true, {"203.0.113.0/24"}),
       allowed_from({"192.0.2.1"}), true},
      {"required and within: compliant", whitelist(true, {"203.0.113.0/24"}),
       allowed_from({"203.0.113.1"}), false},
      {"WHM's expanded IPv6 inside", whitelist(false, {"2001:db8::/32"}),
       allowed_from({"2001:0db8:0000:0000:0000:0000:0000:0001",
                     "2001:0db8:0001:0000:0000:0000:0000:0000/48"}),
       false},
      {"IPv6 outside", whitelist(false, {"2001:db8::/32"}),
       allowed_from({"2001:0db9:0000:0000:0000:0000:0000:0001"}), true},
      {"v4 entry never inside a v6 range", whitelist(false, {"::/0"}), allowed_from({"192.0.2.1"}),
       true},
      {"host bits read leniently", whitelist(false, {"203.0.113.0/24"}),
       allowed_from({"203.0.113.9/28"}), false},
      {"unparsable entry counts as outside", whitelist(false, {"203.0.113.0/24"}),
       allowed_from({"203.0.113.1", "nonsense\x1b"}), true, "an entry that is not printable"},
  });
}

Conditions acl_condition(std::initializer_list<std::string> forbidden,
                         std::optional<std::set<std::string>> allowed = std::nullopt) {
  Conditions when;
  AclCondition acls;
  for (const auto& name : forbidden) acls.forbidden.insert(name);
  acls.allowed = std::move(allowed);
  when.acls = acls;
  return when;
}

Token with_acls(AclSet acls) {
  Token t = token("t");
  t.acls = std::move(acls);
  return t;
}

TEST(Conditions, Acls) {
  const std::set<std::string> allowed{"list-accts", "acct-summary"};
  run({
      {"forbidden granted", acl_condition({"passwd", "all"}),
       with_acls(restricted({"passwd", "list-accts"})), true, "grants forbidden ACLs passwd"},
      {"forbidden not granted", acl_condition({"passwd"}), with_acls(restricted({"list-accts"})),
       false},
      {"full access grants every forbidden ACL", acl_condition({"passwd"}),
       with_acls(full_access()), true, "passwd (full access)"},
      {"`all` forbidden, full access", acl_condition({"all"}), with_acls(full_access({"all"})),
       true},
      {"`all` forbidden, restricted token", acl_condition({"all"}),
       with_acls(restricted({"passwd"})), false},
      {"allowed, only allowed granted", acl_condition({}, allowed),
       with_acls(restricted({"list-accts"})), false},
      {"allowed, something else granted", acl_condition({}, allowed),
       with_acls(restricted({"list-accts", "kill-acct"})), true,
       "outside the allowed set: kill-acct"},
      {"allowed, full access", acl_condition({}, allowed), with_acls(full_access()), true,
       "full access"},
      {"forbidden or allowed", acl_condition({"passwd"}, allowed),
       with_acls(restricted({"list-accts", "passwd"})), true},
  });
}

Conditions name_condition(std::vector<std::string> must, std::vector<std::string> must_not) {
  Conditions when;
  NameCondition name;
  name.must_match = std::move(must);
  name.must_not_match = std::move(must_not);
  when.name = name;
  return when;
}

TEST(Conditions, Name) {
  run({
      {"matches a required pattern", name_condition({"svc-*", "app-*"}, {}), token("app-1"), false},
      {"matches no required pattern", name_condition({"svc-*", "app-*"}, {}), token("tmp"), true,
       "matches none of 'svc-*', 'app-*'"},
      {"matches a forbidden pattern", name_condition({}, {"tmp*", "test?"}), token("test1"), true,
       "matches 'test?'"},
      {"matches no forbidden pattern", name_condition({}, {"tmp*", "test?"}), token("test12"),
       false},
  });
}

TEST(Conditions, EverySetConditionMustHold) {
  Conditions when;
  when.never_expires = true;
  when.older_than = 5 * kDay;
  run({
      {"both hold", when, created_at(kNow - 6 * kDay), true,
       "6d ago; the limit is 5d; never expires"},
      {"only one holds", when, created_at(kNow - 4 * kDay), false},
  });
  EXPECT_FALSE(conditions_hold(Conditions{}, token("t"), kNow).has_value())
      << "a rule that says nothing is wrong never fires";
}

}  // namespace
}  // namespace tw::policy
