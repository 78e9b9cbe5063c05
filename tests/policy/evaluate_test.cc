// evaluate(): where rules apply (scopes, globs), in which order findings come, which tokens
// are protected and which findings an exemption covers.
#include "policy/evaluate.h"

#include <gtest/gtest.h>

#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using namespace testing;

TEST(GlobMatch, StarAndQuestionMark) {
  struct Case {
    const char* pattern;
    const char* text;
    bool matches;
  };
  const Case cases[] = {
      {"", "", true},
      {"", "a", false},
      {"*", "", true},
      {"*", "anything", true},
      {"?", "", false},
      {"?", "a", true},
      {"?", "ab", false},
      {"abc", "abc", true},
      {"abc", "abd", false},
      {"abc", "ABC", false},  // case-sensitive, like WHM names
      {"monitoring-*", "monitoring-", true},
      {"monitoring-*", "monitoring-eu-1", true},
      {"monitoring-*", "xmonitoring-1", false},
      {"*-ro", "backup-ro", true},
      {"*-ro", "backup-rw", false},
      {"a*b*c", "aXXbYYc", true},
      {"a*b*c", "aXXcYYb", false},
      {"a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},  // no exponential blow-up
      {"whm0?", "whm01", true},
      {"whm0?", "whm010", false},
      {"**", "x", true},
      {"*?", "", false},
      {"*?", "x", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(glob_match(c.pattern, c.text), c.matches) << c.pattern << " ~ " << c.text;
  }
}

Rule never_expires_report(std::string id) {
  Rule r = rule(std::move(id), ActionKind::report);
  r.when.never_expires = true;
  return r;
}

TEST(Evaluate, ScopeListsAreAndedEntriesOred) {
  struct Case {
    const char* name;
    Scope scope;
    bool fires;
  };
  auto scope = [](std::vector<std::string> names, std::vector<std::string> tags,
                  std::vector<std::string> users, std::vector<std::string> tokens) {
    Scope s;
    s.host_names = std::move(names);
    s.host_tags = std::move(tags);
    s.users = std::move(users);
    s.tokens = std::move(tokens);
    return s;
  };
  const Case cases[] = {
      {"empty scope matches everything", scope({}, {}, {}, {}), true},
      {"host glob", scope({"whm0*"}, {}, {}, {}), true},
      {"host glob, other host", scope({"web*"}, {}, {}, {}), false},
      {"any host glob", scope({"web*", "whm01"}, {}, {}, {}), true},
      {"host has one of the tags", scope({}, {"staging", "production"}, {}, {}), true},
      {"host has none of the tags", scope({}, {"staging"}, {}, {}), false},
      {"user glob", scope({}, {}, {"res*"}, {}), true},
      {"user glob, other user", scope({}, {}, {"root"}, {}), false},
      {"token glob", scope({}, {}, {}, {"ci-*"}), true},
      {"token glob, other token", scope({}, {}, {}, {"svc-*"}), false},
      {"all lists must match", scope({"whm01"}, {"production"}, {"reseller1"}, {"svc-*"}), false},
      {"all lists match", scope({"whm01"}, {"production"}, {"reseller1"}, {"ci-*"}), true},
  };
  HostSnapshot h = host("whm01", {account("reseller1", {token("ci-build")})});
  h.tags = {"production", "eu"};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Rule r = never_expires_report("r");
    r.scope = c.scope;
    EXPECT_EQ(evaluate(policies({r}), h, kNow).size(), c.fires ? 1U : 0U);
  }
}

TEST(Evaluate, FindingsComeByAccountThenTokenNameThenRuleOrder) {
  Token expired = token("b-old");
  expired.expires_at = kNow - kDay;
  const HostSnapshot h =
      host("whm01", {account("zeta", {token("z2"), token("z1")}), account("alpha", {expired})});
  Rule second = revoke_expired("second");
  second.when.expired.reset();
  second.when.older_than = kDay;
  const auto findings = evaluate(policies({revoke_expired("first"), second}), h, kNow);
  std::vector<std::string> seen;
  for (const auto& f : findings) seen.push_back(f.user + "/" + f.token + "/" + f.rule_id);
  EXPECT_EQ(seen, (std::vector<std::string>{"zeta/z1/second", "zeta/z2/second", "alpha/b-old/first",
                                            "alpha/b-old/second"}));
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings.front().host, "whm01");
  EXPECT_EQ(findings.front().action, ActionKind::revoke);
  EXPECT_NE(findings.front().why.find("10d ago; the limit is 1d"), std::string::npos);
}

TEST(Evaluate, SelfTokenAndProtectedPatternsAreMarked) {
  PolicySet set = policies({never_expires_report("r")});
  set.protected_tokens = {"breakglass-*", "reverse_trust_?"};
  const HostSnapshot h =
      host("whm01",
           {account("root", {token("tokenwarden"), token("breakglass-1"), token("reverse_trust_a"),
                             token("reverse_trust_ab"), token("ordinary")})});
  for (const auto& f : evaluate(set, h, kNow)) {
    const bool expected = f.token != "ordinary" && f.token != "reverse_trust_ab";
    EXPECT_EQ(f.protected_token, expected) << f.token;
  }
  // Another host's self token is an ordinary name here.
  const HostSnapshot other = host("whm02", {account("root", {token("tokenwarden")})}, "tw-02");
  EXPECT_FALSE(evaluate(set, other, kNow).front().protected_token);
  // An empty self token protects nothing.
  const HostSnapshot none = host("whm03", {account("root", {token("x")})}, "");
  EXPECT_FALSE(evaluate(set, none, kNow).front().protected_token);
}

Exemption exemption(std::vector<std::string> tokens, EpochSeconds expires) {
  Exemption e;
  e.tokens = std::move(tokens);
  e.expires = expires;
  e.reason = "vendor rotates yearly";
  e.owner = "secops@example.net";
  return e;
}

TEST(Evaluate, ExemptionsMatchByTokenHostUserRuleAndExpiry) {
  struct Case {
    const char* name;
    Exemption exemption;
    std::optional<std::size_t> expected;  // for rule "r" on whm01/root/monitoring-1
  };
  auto with = [](Exemption e, std::vector<std::string> hosts, std::vector<std::string> users,
                 std::vector<std::string> rules) {
    e.hosts = std::move(hosts);
    e.users = std::move(users);
    e.rules = std::move(rules);
    return e;
  };
  const Exemption base = exemption({"monitoring-*"}, kNow + kDay);
  const Case cases[] = {
      {"token glob, all hosts, users and rules", base, 0},
      {"other token", exemption({"backup-*"}, kNow + kDay), std::nullopt},
      {"no token globs match nothing", exemption({}, kNow + kDay), std::nullopt},
      {"host listed", with(base, {"whm0?"}, {}, {}), 0},
      {"other host", with(base, {"whm02"}, {}, {}), std::nullopt},
      {"user listed", with(base, {}, {"root"}, {}), 0},
      {"other user", with(base, {}, {"reseller*"}, {}), std::nullopt},
      {"rule listed", with(base, {}, {}, {"other", "r"}), 0},
      {"limited to another rule", with(base, {}, {}, {"max-age"}), std::nullopt},
      {"expires a second from now", exemption({"monitoring-*"}, kNow + 1), 0},
      {"expires now: no longer applies", exemption({"monitoring-*"}, kNow), std::nullopt},
      {"expired", exemption({"monitoring-*"}, kNow - kDay), std::nullopt},
  };
  const HostSnapshot h = host("whm01", {account("root", {token("monitoring-1")})});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    PolicySet set = policies({never_expires_report("r")});
    set.exemptions = {c.exemption};
    const auto findings = evaluate(set, h, kNow);
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].exemption, c.expected);
  }
}

TEST(Evaluate, TheFirstMatchingExemptionIsNamed) {
  PolicySet set = policies({never_expires_report("r")});
  set.exemptions = {exemption({"other"}, kNow + kDay), exemption({"mon*"}, kNow - 1),
                    exemption({"mon*"}, kNow + kDay), exemption({"*"}, kNow + kDay)};
  const auto findings =
      evaluate(set, host("whm01", {account("root", {token("monitoring-1")})}), kNow);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].exemption, 2U);
}

}  // namespace
}  // namespace tw::policy
