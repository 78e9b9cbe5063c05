// Property test: over many random policy sets, fleets and limits, the safety belts always hold.
// Seeded, so every run checks the same cases and a failure names the iteration to replay.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "policy/plan.h"
#include "tests/policy/policy_builders.h"

namespace tw::policy {
namespace {

using namespace testing;

constexpr int kIterations = 10'000;
constexpr EpochSeconds kMin = std::numeric_limits<EpochSeconds>::min();
constexpr EpochSeconds kMax = std::numeric_limits<EpochSeconds>::max();

const std::vector<std::string> kHosts{"whm01", "whm02", "web1"};
const std::vector<std::string> kUsers{"root", "res1", "res2"};
const std::vector<std::string> kTokenNames{"ci",    "ci-2",         "tokenwarden", "breakglass-1",
                                           "old",   "monitoring-a", "x",           "bad name",
                                           "tw-02", "svc_backup"};
const std::vector<std::string> kAcls{
    "all",        "list-accts",   "passwd",      "manage-api-tokens",
    "cpanel-api", "acct-summary", "create-acct", "kill-acct"};
const std::vector<std::string> kEntries{"203.0.113.9",
                                        "198.51.100.0/24",
                                        "0.0.0.0/0",
                                        "203.0.113.0/25",
                                        "2001:0db8:0000:0000:0000:0000:0000:0001",
                                        "::/0",
                                        "junk"};
const std::vector<std::string_view> kApproved{"203.0.113.0/24", "2001:db8::/32", "10.0.0.0/8"};
const std::vector<std::string> kGlobs{"ci*", "*", "?", "old", "breakglass-*", "w*", "res?"};

class Random {
 public:
  explicit Random(std::uint32_t seed) : engine_(seed) {}
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine_);
  }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }
  template <typename T>
  std::vector<T> some(const std::vector<T>& items, unsigned percent) {
    std::vector<T> out;
    for (const auto& item : items) {
      if (chance(percent)) out.push_back(item);
    }
    return out;
  }
  Seconds days(std::size_t max) { return static_cast<Seconds>(below(max + 1)) * kDay; }

 private:
  std::mt19937 engine_;
};

Token random_token(Random& r, const std::string& name) {
  Token t = token(name);
  t.create_time = kNow - r.days(200);
  if (r.chance(60)) t.expires_at = kNow - 20 * kDay + r.days(400);
  if (r.chance(40)) {
    t.acls.full_access = true;
    for (const auto& acl : r.some(kAcls, 30)) t.acls.names.insert(acl);
  } else {
    t.acls.full_access = false;
    for (const auto& acl : r.some(kAcls, 40)) {
      if (acl != "all") t.acls.names.insert(acl);
    }
  }
  if (r.chance(50)) t.whitelist_ips = r.some(kEntries, 30);
  // Now and then what a hostile host might send: times at the int64 limits.
  if (r.chance(2)) t.create_time = r.chance(50) ? kMin : kMax;
  if (r.chance(2)) t.expires_at = r.chance(50) ? kMin : kMax;
  return t;
}

bool conditions_set(const Conditions& w) {
  return w.expired || w.older_than || w.never_expires || w.max_lifetime || w.expires_within ||
         w.whitelist || w.acls || w.name;
}

Conditions random_conditions(Random& r) {
  Conditions when;
  do {
    if (r.chance(15)) when.expired = r.chance(80);
    if (r.chance(20)) when.older_than = r.days(120);
    if (r.chance(20)) when.never_expires = r.chance(80);
    if (r.chance(10)) when.max_lifetime = r.days(200);
    if (r.chance(10)) when.expires_within = r.days(30);
    if (r.chance(25)) {
      WhitelistCondition w;
      w.required = r.chance(50);
      for (const auto text : kApproved) {
        if (r.chance(50)) w.within.push_back(net(text));
      }
      when.whitelist = w;
    }
    if (r.chance(30)) {
      AclCondition acls;
      for (const auto& acl : r.some(kAcls, 30)) acls.forbidden.insert(acl);
      if (r.chance(30)) {
        std::set<std::string> allowed;
        for (const auto& acl : r.some(kAcls, 50)) allowed.insert(acl);
        acls.allowed = allowed;
      }
      when.acls = acls;
    }
    if (r.chance(10)) {
      NameCondition name;
      name.must_not_match = r.some(kGlobs, 20);
      name.must_match = r.some(kGlobs, 10);
      when.name = name;
    }
  } while (!conditions_set(when));
  return when;
}

Rule random_rule(Random& r, std::size_t index) {
  Rule rule;
  rule.id = "rule-" + std::to_string(index);
  rule.when = random_conditions(r);
  rule.action = static_cast<ActionKind>(r.below(3));
  if (r.chance(50)) rule.update.expires_in = r.days(60);
  rule.update.narrow_whitelist = rule.when.whitelist && !rule.when.whitelist->within.empty();
  rule.update.restrict_acls = rule.when.acls.has_value() && r.chance(90);
  rule.fallback = r.chance(50) ? Fallback::revoke : Fallback::report;
  rule.grace = r.chance(60) ? 0 : r.days(10);
  if (r.chance(20)) rule.scope.host_names = r.some(kGlobs, 30);
  if (r.chance(15)) rule.scope.host_tags = r.some(std::vector<std::string>{"production", "eu"}, 50);
  if (r.chance(15)) rule.scope.users = r.some(kGlobs, 30);
  if (r.chance(15)) rule.scope.tokens = r.some(kGlobs, 30);
  return rule;
}

struct Input {
  PolicySet policies;
  std::vector<HostSnapshot> hosts;
  Limits limits;
  GraceState grace;
};

Input random_input(Random& r) {
  Input in;
  const std::size_t rules = 1 + r.below(4);
  for (std::size_t i = 0; i < rules; ++i) in.policies.rules.push_back(random_rule(r, i));
  for (std::size_t i = r.below(3); i > 0; --i) {
    Exemption e;
    e.tokens = r.some(kGlobs, 30);
    e.hosts = r.some(kHosts, 20);
    if (r.chance(50)) e.rules = {"rule-" + std::to_string(r.below(rules))};
    e.expires = kNow - kDay + r.days(3);
    e.reason = "because";
    e.owner = "owner@example.net";
    in.policies.exemptions.push_back(e);
  }
  in.policies.protected_tokens =
      r.some(std::vector<std::string>{"breakglass-*", "monitoring-?*", "x"}, 40);
  for (const auto& name : r.some(kHosts, 70)) {
    HostSnapshot h;
    h.host = name;
    h.tags = r.some(std::vector<std::string>{"production", "eu"}, 50);
    h.self_token = r.pick(std::vector<std::string>{"tokenwarden", "tw-02", ""});
    for (const auto& user : r.some(kUsers, 60)) {
      AccountTokens account;
      account.user = user;
      for (const auto& token_name : r.some(kTokenNames, 28)) {
        account.tokens.push_back(random_token(r, token_name));
        if (r.chance(30)) {
          in.grace[{name, user, token_name, "rule-" + std::to_string(r.below(rules))}] =
              kNow - r.days(12);
        }
      }
      h.accounts.push_back(account);
    }
    in.hosts.push_back(h);
  }
  // Small caps hold often; a third of the plans run without caps, so that many updates are
  // applied and their intended state checked.
  if (r.chance(33)) {
    in.limits = unlimited();
  } else {
    in.limits.max_mutations_per_sweep = static_cast<unsigned>(r.below(9));
    in.limits.max_mutations_per_host = static_cast<unsigned>(r.below(6));
    in.limits.max_revoke_percent_per_host = r.pick(std::vector<unsigned>{0, 10, 34, 50, 100});
  }
  return in;
}

bool same(const PlannedAction& a, const PlannedAction& b) {
  return a.host == b.host && a.user == b.user && a.token == b.token && a.kind == b.kind &&
         a.decision == b.decision && a.rules == b.rules && a.why == b.why && a.before == b.before &&
         a.after == b.after && a.due_at == b.due_at && a.note == b.note;
}

bool same(const Plan& a, const Plan& b) {
  return a.held == b.held && a.grace == b.grace &&
         std::ranges::equal(a.actions, b.actions,
                            [](const auto& x, const auto& y) { return same(x, y); });
}

const HostSnapshot& host_of(const Input& in, const std::string& name) {
  return *std::ranges::find(in.hosts, name, &HostSnapshot::host);
}

// Every belt, checked against `in` independently of how plan() decided.
void check_belts(const Input& in, const std::vector<Finding>& findings, const Plan& p) {
  std::map<std::string, std::size_t> per_host;
  std::map<std::string, std::size_t> revokes;
  for (const auto& action : p.actions) {
    if (action.decision != Decision::apply) continue;
    const HostSnapshot& h = host_of(in, action.host);
    ASSERT_NE(action.token, h.self_token) << action.host;
    for (const auto& glob : in.policies.protected_tokens) {
      ASSERT_FALSE(glob_match(glob, action.token)) << action.token << " ~ " << glob;
    }
    ASSERT_TRUE(is_valid_token_name(action.token)) << action.token;
    ++per_host[action.host];
    if (action.kind == ActionKind::revoke) {
      ++revokes[action.host];
      ASSERT_FALSE(action.after.has_value());
      continue;
    }
    ASSERT_EQ(action.kind, ActionKind::update);
    ASSERT_TRUE(action.after.has_value());
    const auto& acls = action.after->acls;
    ASSERT_FALSE(acls.empty()) << action.token;
    ASSERT_TRUE(std::ranges::is_sorted(acls) && std::ranges::adjacent_find(acls) == acls.end());
    if (action.after->whitelist_ips) {
      ASSERT_FALSE(action.after->whitelist_ips->empty());
    }
    if (action.after->expires_at) {
      ASSERT_GT(*action.after->expires_at, kNow);
    }
    for (const auto& f : findings) {
      if (f.host != action.host || f.user != action.user || f.token != action.token) continue;
      if (f.exemption || f.action != ActionKind::update) continue;
      const Rule& rule = *std::ranges::find(in.policies.rules, f.rule_id, &Rule::id);
      if (rule.when.whitelist && !rule.when.whitelist->within.empty()) {
        ASSERT_TRUE(action.after->whitelist_ips.has_value()) << "narrowed by " << rule.id;
        for (const auto& entry : *action.after->whitelist_ips) {
          const auto parsed = parse_network(entry);
          ASSERT_TRUE(parsed.has_value()) << entry;
          ASSERT_EQ(parsed->to_whm_string(), entry) << "rendered as WHM renders it";
          ASSERT_TRUE(std::ranges::any_of(rule.when.whitelist->within,
                                          [&](const Network& n) { return n.contains(*parsed); }))
              << entry << " outside " << rule.id;
        }
      }
      if (!rule.when.acls) continue;
      for (const auto& acl : acls) {
        ASSERT_FALSE(rule.when.acls->forbidden.contains(acl)) << acl << " by " << rule.id;
        if (rule.when.acls->allowed) {
          ASSERT_TRUE(rule.when.acls->allowed->contains(acl)) << acl;
        }
      }
      ASSERT_EQ(std::ranges::find(acls, "all"), acls.end());
    }
  }
  std::size_t total = 0;
  for (const auto& [name, count] : per_host) {
    total += count;
    ASSERT_LE(count, in.limits.max_mutations_per_host) << name;
    std::size_t tokens = 0;
    for (const auto& account : host_of(in, name).accounts) tokens += account.tokens.size();
    ASSERT_LE(revokes[name] * 100, std::size_t{in.limits.max_revoke_percent_per_host} * tokens)
        << name;
  }
  ASSERT_LE(total, in.limits.max_mutations_per_sweep);
  ASSERT_EQ(total, p.mutations());
}

TEST(PlanProperty, BeltsHoldAndPlansAreDeterministic) {
  Random r(20260101);
  std::size_t revokes = 0;
  std::size_t updates = 0;
  std::size_t held = 0;
  for (int i = 0; i < kIterations; ++i) {
    SCOPED_TRACE("iteration " + std::to_string(i));
    const Input in = random_input(r);
    std::vector<Finding> findings;
    for (const auto& h : in.hosts) {
      auto found = evaluate(in.policies, h, kNow);
      findings.insert(findings.end(), found.begin(), found.end());
    }
    const Plan first = plan(in.policies, in.hosts, findings, in.limits, in.grace, kNow);
    const Plan second = plan(in.policies, in.hosts, findings, in.limits, in.grace, kNow);
    ASSERT_TRUE(same(first, second));
    check_belts(in, findings, first);
    if (HasFatalFailure()) return;
    for (const auto& action : first.actions) {
      if (action.decision != Decision::apply) continue;
      ++(action.kind == ActionKind::revoke ? revokes : updates);
    }
    held += first.held.size();
  }
  RecordProperty("applied_revokes", std::to_string(revokes));
  RecordProperty("applied_updates", std::to_string(updates));
  RecordProperty("held_sentences", std::to_string(held));
  // The generator must exercise both sides of the belts, or the test proves nothing.
  EXPECT_GT(revokes, 1'000U);
  EXPECT_GT(updates, 1'000U);
  EXPECT_GT(held, 1'000U);
}

}  // namespace
}  // namespace tw::policy
