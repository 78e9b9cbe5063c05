// Loading valid policy directories: every feature maps onto policy::PolicySet exactly, files
// load in byte-wise name order, the hash is the documented policy version, and the shipped
// examples load cleanly.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "config/load_policies.h"
#include "tests/config/policy_test_fixture.h"

namespace tw::config::testing {
namespace {

class PoliciesTest : public PolicyTest {};

// The policy file of the task description: every condition, scope, action and setting.
constexpr std::string_view kFullPolicy = R"(rules:
  - id: expired                       # [a-z0-9][a-z0-9_.-]{0,63}, unique across all files
    description: WHM keeps expired tokens until someone deletes them
    when: {expired: true}
    action: revoke                    # report | update | revoke
  - id: max-age
    when: {older_than: 90d}
    action: revoke
    grace: 7d
  - id: must-expire
    when: {never_expires: true}
    action: update
    set: {expires_in: 30d}
  - id: allow-list
    match: {hosts: {tags: [production]}}
    when: {whitelist: {required: true, within: [203.0.113.0/24, "2001:db8::/32"]}}
    action: update
    fallback: revoke
  - id: dangerous-acls
    when: {acls: {forbidden: [all, manage-api-tokens, create-user-session, cpanel-api, passwd]}}
    action: update
  - id: names
    when: {name: {must_match: ["svc-*", "ci-*"], must_not_match: ["*test*"]}}
    action: report
  - id: lifetime
    when: {max_lifetime: 365d}
    action: report
  - id: soon
    when: {expires_within: 7d}
    action: report
  - id: scoped.v2
    description: ""
    match:
      hosts: {names: ["whm0*", "db?.example.net"], tags: [eu, production]}
      users: [root, "res*"]
      tokens: ["ci-*"]
    when:
      expired: false
      never_expires: false
      whitelist: {within: ["192.0.2.7", "2001:db8:0:0::/64"]}
      acls: {allowed: [list-accts, software-foo]}
    action: update
    set: {expires_in: 2w}
    grace: 36h
exemptions:
  - {token: "monitoring-*", hosts: [whm01], rules: [max-age], reason: "vendor rotates yearly",
     owner: secops@example.net, expires: 2027-03-01}
  - token: [legacy-a, "legacy-b*"]
    users: ["res?"]
    reason: migration
    owner: Ops Team
    expires: "2027-01-02T03:04:05Z"
protected: ["reverse_trust_*", "breakglass-*"]
third_party_acls: [software-foo]      # extra ACL names allowed in acls conditions
)";

TEST_F(PoliciesTest, FullPolicySetMapsOntoTheModel) {
  const policy::PolicySet set = set_of(kFullPolicy);
  const std::string file = (policies_ / "policy.yaml").string();
  const std::string expected = "rule expired at " + file + ":2:5\n" +
                               R"(  description: WHM keeps expired tokens until someone deletes them
  scope: host_names [], host_tags [], users [], tokens []
  when.expired: true
  action: revoke
  update: expires_in unset, narrow_whitelist false, restrict_acls false
  fallback: report
  grace: 0
)" + "rule max-age at " + file +
                               ":6:5\n" +
                               R"(  description: 
  scope: host_names [], host_tags [], users [], tokens []
  when.older_than: 7776000
  action: revoke
  update: expires_in unset, narrow_whitelist false, restrict_acls false
  fallback: report
  grace: 604800
)" + "rule must-expire at " + file +
                               ":10:5\n" +
                               R"(  description: 
  scope: host_names [], host_tags [], users [], tokens []
  when.never_expires: true
  action: update
  update: expires_in 2592000, narrow_whitelist false, restrict_acls false
  fallback: report
  grace: 0
)" + "rule allow-list at " + file +
                               ":14:5\n" +
                               R"(  description: 
  scope: host_names [], host_tags [production], users [], tokens []
  when.whitelist: required true, within [203.0.113.0/24, 2001:0db8:0000:0000:0000:0000:0000:0000/32]
  action: update
  update: expires_in unset, narrow_whitelist true, restrict_acls false
  fallback: revoke
  grace: 0
)" + "rule dangerous-acls at " +
                               file + ":19:5\n" +
                               R"(  description: 
  scope: host_names [], host_tags [], users [], tokens []
  when.acls: forbidden [all, cpanel-api, create-user-session, manage-api-tokens, passwd], allowed unset
  action: update
  update: expires_in unset, narrow_whitelist false, restrict_acls true
  fallback: report
  grace: 0
)" + "rule names at " + file + ":22:5\n" +
                               R"(  description: 
  scope: host_names [], host_tags [], users [], tokens []
  when.name: must_match [svc-*, ci-*], must_not_match [*test*]
  action: report
  update: expires_in unset, narrow_whitelist false, restrict_acls false
  fallback: report
  grace: 0
)" + "rule lifetime at " + file +
                               ":25:5\n" +
                               R"(  description: 
  scope: host_names [], host_tags [], users [], tokens []
  when.max_lifetime: 31536000
  action: report
  update: expires_in unset, narrow_whitelist false, restrict_acls false
  fallback: report
  grace: 0
)" + "rule soon at " + file + ":28:5\n" +
                               R"(  description: 
  scope: host_names [], host_tags [], users [], tokens []
  when.expires_within: 604800
  action: report
  update: expires_in unset, narrow_whitelist false, restrict_acls false
  fallback: report
  grace: 0
)" + "rule scoped.v2 at " + file +
                               ":31:5\n" +
                               R"(  description: 
  scope: host_names [whm0*, db?.example.net], host_tags [eu, production], users [root, res*], tokens [ci-*]
  when.expired: false
  when.never_expires: false
  when.whitelist: required false, within [192.0.2.7, 2001:0db8:0000:0000:0000:0000:0000:0000/64]
  when.acls: forbidden [], allowed [list-accts, software-foo]
  action: update
  update: expires_in 1209600, narrow_whitelist true, restrict_acls true
  fallback: report
  grace: 129600
)" + "exemption at " + file + ":46:5\n" +
                               R"(  tokens [monitoring-*], hosts [whm01], users [], rules [max-age]
  reason: vendor rotates yearly
  owner: secops@example.net
  expires: 1803859200
)" + "exemption at " + file + ":48:5\n" +
                               R"(  tokens [legacy-a, legacy-b*], hosts [], users [res?], rules []
  reason: migration
  owner: Ops Team
  expires: 1798859045
protected [reverse_trust_*, breakglass-*]
third_party_acls [software-foo]
)";
  EXPECT_EQ(render(set), expected);
  EXPECT_EQ(set.files, std::vector<std::string>{file});
  EXPECT_EQ(set.hash.size(), 64U);
  EXPECT_EQ(set.hash.find_first_not_of("0123456789abcdef"), std::string::npos) << set.hash;
}

// DESIGN.md's sketch of /etc/tokenwarden/policies.d/baseline.yaml, verbatim.
TEST_F(PoliciesTest, DesignSketchLoads) {
  const policy::PolicySet set = set_of(R"(# /etc/tokenwarden/policies.d/baseline.yaml
rules:
  - id: expired
    description: WHM keeps expired tokens until someone deletes them
    when: {expired: true}
    action: revoke
  - id: max-age
    when: {older_than: 90d}
    action: revoke
    grace: 7d
  - id: must-expire
    when: {never_expires: true}
    action: update
    set: {expires_in: 30d}
  - id: allow-list
    match: {hosts: {tags: [production]}}
    when: {whitelist: {required: true, within: [203.0.113.0/24, "2001:db8::/32"]}}
    action: update              # narrow to the approved part; revoke if nothing is left
  - id: dangerous-acls
    when: {acls: {forbidden: [all, manage-api-tokens, create-user-session, cpanel-api, passwd]}}
    action: update              # drop them; revoke if nothing is left (no ACL = full access)
exemptions:
  - {token: "monitoring-*", hosts: [whm01], rules: [max-age], reason: "vendor rotates yearly",
     owner: secops@example.net, expires: 2027-03-01}
protected: ["reverse_trust_*", "breakglass-*"]
)");
  ASSERT_EQ(set.rules.size(), 5U);
  EXPECT_EQ(set.rules[3].id, "allow-list");
  EXPECT_TRUE(set.rules[3].update.narrow_whitelist);
  EXPECT_TRUE(set.rules[4].update.restrict_acls);
  EXPECT_EQ(set.exemptions.size(), 1U);
  EXPECT_EQ(set.protected_tokens.size(), 2U);
}

TEST_F(PoliciesTest, FilesLoadInByteWiseNameOrder) {
  const auto rule = [](std::string_view id) {
    return "rules: [{id: " + std::string(id) + ", when: {expired: true}, action: report}]\n";
  };
  write_policy("b.yaml", rule("b"));
  write_policy("a.yml", rule("a"));
  write_policy("B.yaml", rule("upper-b"));
  write_policy("9-nine.yaml", rule("nine"));
  write_policy("10-ten.yaml", rule("ten"));
  write_policy("empty.yaml", "# nothing here yet\n");
  write_policy(".hidden.yaml", "not: loaded\n");
  write_policy("notes.txt", "not: loaded\n");
  write_policy("baseline.yaml.orig", "not: loaded\n");
  std::filesystem::create_directory(policies_ / "archive.yaml");  // directories are skipped
  const auto set = load();
  ASSERT_TRUE(set.has_value()) << format_errors(set.error());
  std::vector<std::string> names;
  for (const auto& file : set->files) names.push_back(std::filesystem::path(file).filename());
  EXPECT_EQ(names, (std::vector<std::string>{"10-ten.yaml", "9-nine.yaml", "B.yaml", "a.yml",
                                             "b.yaml", "empty.yaml"}));
  std::vector<std::string> ids;
  for (const auto& r : set->rules) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"ten", "nine", "upper-b", "a", "b"}));
}

TEST_F(PoliciesTest, ReferencesWorkAcrossFiles) {
  // The exemption names a rule of a later file; the ACL is declared in an earlier one.
  write_policy("00-exemptions.yaml", R"(exemptions:
  - {token: "x-*", rules: [acl-rule], reason: r, owner: o, expires: 2027-01-01}
third_party_acls: [software-plugin]
)");
  write_policy("50-rules.yaml", R"(rules:
  - id: acl-rule
    when: {acls: {forbidden: [software-plugin, passwd]}}
    action: update
)");
  const auto set = load();
  ASSERT_TRUE(set.has_value()) << format_errors(set.error());
  ASSERT_EQ(set->rules.size(), 1U);
  EXPECT_EQ(set->rules[0].when.acls->forbidden,
            (std::set<std::string>{"passwd", "software-plugin"}));
  EXPECT_EQ(set->exemptions[0].rules, std::vector<std::string>{"acl-rule"});
}

TEST_F(PoliciesTest, ExemptionExpiringAfterNowApplies) {
  const auto set = set_of(R"(rules: [{id: r, when: {expired: true}, action: revoke}]
exemptions: [{token: t, reason: r, owner: o, expires: 1795824001}]
)");
  ASSERT_EQ(set.exemptions.size(), 1U);
  EXPECT_EQ(set.exemptions[0].expires, kNow + 1);
}

// The hash: sha256 over netstrings of each file's name and bytes, in load order.
TEST_F(PoliciesTest, HashIsTheDocumentedDigest) {
  write_policy("a.yaml", "rules: [{id: r, when: {expired: true}, action: revoke}]\n");
  const auto set = load();
  ASSERT_TRUE(set.has_value()) << format_errors(set.error());
  // printf '6:a.yaml,56:rules: [{id: r, when: {expired: true}, action: revoke}]\n,' | sha256sum
  EXPECT_EQ(set->hash, "ee068f4860b41c4d11d529098a7163e9c492c842546f1276a91b0d99567cca83");
}

TEST_F(PoliciesTest, HashIsStableAndChangesWithAnyByte) {
  const std::string first = "rules: [{id: r, when: {expired: true}, action: revoke}]\n";
  const std::string second = "protected: [breakglass-*]\n";
  write_policy("a.yaml", first);
  write_policy("b.yaml", second);
  const auto original = load();
  ASSERT_TRUE(original.has_value()) << format_errors(original.error());
  EXPECT_EQ(load()->hash, original->hash) << "stable across loads";

  // The same files in another directory: the directory's path is not part of the version.
  const auto copy = dir_ / "copy";
  std::filesystem::create_directory(copy);
  std::filesystem::copy(policies_ / "a.yaml", copy / "a.yaml");
  std::filesystem::copy(policies_ / "b.yaml", copy / "b.yaml");
  EXPECT_EQ(load_policies(copy, kNow)->hash, original->hash);

  std::vector<std::string> hashes{original->hash};
  const auto hash_with = [&](std::string_view a, std::string_view b) {
    write_policy("a.yaml", a);
    write_policy("b.yaml", b);
    const auto set = load();
    EXPECT_TRUE(set.has_value()) << format_errors(set.error());
    return set ? set->hash : "";
  };
  // One byte changed in a comment, in either file; a byte moved across the boundary.
  hashes.push_back(hash_with(first + "#\n", second));
  hashes.push_back(hash_with(first, second + "#\n"));
  hashes.push_back(hash_with(first + "#", "\n" + second));
  hashes.push_back(hash_with(first, "#" + second));
  hashes.push_back(hash_with(first + "#\n", second + "#\n"));
  // A file renamed (same bytes, same order).
  write_policy("a.yaml", first);
  std::filesystem::remove(policies_ / "b.yaml");
  write_policy("c.yaml", second);
  const auto renamed = load();
  ASSERT_TRUE(renamed.has_value());
  hashes.push_back(renamed->hash);
  std::sort(hashes.begin(), hashes.end());
  EXPECT_EQ(std::adjacent_find(hashes.begin(), hashes.end()), hashes.end())
      << "two different policy directories share a hash";
  // Back to the original bytes and names: the original hash.
  std::filesystem::remove(policies_ / "c.yaml");
  write_policy("b.yaml", second);
  EXPECT_EQ(load()->hash, original->hash);
}

TEST_F(PoliciesTest, LoadPolicyFileLoadsOneFile) {
  const auto path = write_policy("single.yml", kFullPolicy);
  const auto set = load_policy_file(path, kNow);
  ASSERT_TRUE(set.has_value()) << format_errors(set.error());
  EXPECT_EQ(set->files, std::vector<std::string>{path.string()});
  EXPECT_EQ(set->rules.size(), 9U);
  EXPECT_EQ(set->hash, load()->hash) << "a directory of one file has that file's hash";
}

// The examples the demo runs against the mock fleet: they must load, and exercise every kind
// of rule, scope and setting.
TEST(PolicyExamplesTest, LoadCleanlyAndUseEveryFeature) {
  const std::filesystem::path directory =
      std::filesystem::path(TOKENWARDEN_SOURCE_DIR) / "examples" / "policies";
  const auto set = load_policies(directory, kNow);
  ASSERT_TRUE(set.has_value()) << format_errors(set.error());
  EXPECT_GE(set->files.size(), 2U);
  const auto any_rule = [&](auto predicate) { return std::ranges::any_of(set->rules, predicate); };
  using policy::ActionKind;
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.expired.value_or(false); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.older_than.has_value(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.never_expires.has_value(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.max_lifetime.has_value(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.expires_within.has_value(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.whitelist.has_value(); }));
  EXPECT_TRUE(
      any_rule([](const auto& r) { return r.when.acls && !r.when.acls->forbidden.empty(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.acls && r.when.acls->allowed; }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.when.name.has_value(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return !r.scope.host_names.empty(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return !r.scope.host_tags.empty(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return !r.scope.users.empty(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return !r.scope.tokens.empty(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.action == ActionKind::report; }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.action == ActionKind::revoke; }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.update.expires_in.has_value(); }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.fallback == policy::Fallback::revoke; }));
  EXPECT_TRUE(any_rule([](const auto& r) { return r.grace > 0; }));
  EXPECT_FALSE(set->exemptions.empty());
  EXPECT_FALSE(set->third_party_acls.empty());
  EXPECT_NE(std::ranges::find(set->protected_tokens, "breakglass-*"), set->protected_tokens.end());
}

}  // namespace
}  // namespace tw::config::testing
