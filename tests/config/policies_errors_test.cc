// Every kind of error in policy files: each is reported at the file, line and column of the
// offending node, names the YAML path and, inside a rule, the rule's id; loading goes on to
// find the rest. Columns count from 1.

#include <gtest/gtest.h>

#include <fstream>

#include "config/load_policies.h"
#include "tests/config/policy_test_fixture.h"

namespace tw::config::testing {
namespace {

class PolicyErrorsTest : public PolicyTest {};

// ---- keys and types ---------------------------------------------------------------------

TEST_F(PolicyErrorsTest, UnknownTopLevelKey) {
  expect_single_error(R"(rules: [{id: r, when: {expired: true}, action: revoke}]
exemption: []
)",
                      2, 1,
                      {"exemption: unknown key; expected one of: rules, exemptions, protected, "
                       "third_party_acls (did you mean 'exemptions'?)"});
}

TEST_F(PolicyErrorsTest, UnknownRuleKeyNamesTheRule) {
  expect_single_error(R"(rules:
  - id: max-age
    when: {older_than: 90d}
    action: revoke
    grase: 7d
)",
                      5, 5,
                      {"rule 'max-age': rules[0].grase: unknown key", "did you mean 'grace'?"});
}

TEST_F(PolicyErrorsTest, UnknownCondition) {
  expect_single_error(R"(rules:
  - id: max-age
    when: {older: 90d}
    action: revoke
)",
                      3, 12,
                      {"rule 'max-age': rules[0].when.older: unknown condition; expected one of: "
                       "expired, older_than, never_expires, max_lifetime, expires_within, "
                       "whitelist, acls, name"});
}

TEST_F(PolicyErrorsTest, UnknownKeyInsideACondition) {
  expect_single_error(
      R"(rules:
  - id: wl
    when: {whitelist: {require: true}}
    action: report
)",
      3, 24,
      {"rule 'wl': rules[0].when.whitelist.require: unknown key", "did you mean 'required'?"});
}

TEST_F(PolicyErrorsTest, MissingRequiredRuleKeys) {
  const ConfigErrors errors = errors_of(R"(rules:
  - id: half
    description: no condition, no action
)");
  ASSERT_EQ(errors.size(), 2U) << format_errors(errors);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[0].column, 5);
  EXPECT_EQ(errors[0].message, "rule 'half': rules[0]: missing required key 'when'");
  EXPECT_EQ(errors[1].message, "rule 'half': rules[0]: missing required key 'action'");
}

TEST_F(PolicyErrorsTest, DuplicateKeyInARule) {
  expect_single_error(R"(rules:
  - id: r
    when: {expired: true}
    action: report
    action: revoke
)",
                      5, 5,
                      {"rule 'r': rules[0].action: duplicate key (first at line 4, column 5)"});
}

struct Case {
  const char* name;
  const char* yaml;
  int line;
  int column;
  const char* message;  // the whole expected message
};

class PolicyErrorCaseTest : public PolicyErrorsTest, public ::testing::WithParamInterface<Case> {};

TEST_P(PolicyErrorCaseTest, IsReportedAtTheValue) {
  const Case& c = GetParam();
  const ConfigErrors errors = errors_of(c.yaml);
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_EQ(errors[0].file, (policies_ / "policy.yaml").string());
  EXPECT_EQ(errors[0].line, c.line) << errors[0].to_string();
  EXPECT_EQ(errors[0].column, c.column) << errors[0].to_string();
  EXPECT_EQ(errors[0].message, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    WrongTypes, PolicyErrorCaseTest,
    ::testing::Values(
        Case{"DocumentIsAList", "- id: r\n", 1, 1, "expected a mapping, got a list"},
        Case{"RulesIsAMapping", "rules: {id: r}\n", 1, 8, "rules: expected a list, got a mapping"},
        Case{"RuleIsAString", "rules: [expired]\n", 1, 9,
             "rules[0]: expected a mapping, got 'expired'"},
        Case{"WhenIsAString", "rules: [{id: r, when: expired, action: revoke}]\n", 1, 23,
             "rule 'r': rules[0].when: expected a mapping, got 'expired'"},
        Case{"BooleanSpelledYes", "rules: [{id: r, when: {expired: yes}, action: revoke}]\n", 1, 33,
             "rule 'r': rules[0].when.expired: expected true or false, got 'yes'"},
        Case{"ActionIsAList", "rules: [{id: r, when: {expired: true}, action: [revoke]}]\n", 1, 48,
             "rule 'r': rules[0].action: expected a string, got a list"},
        Case{"UnknownAction", "rules: [{id: r, when: {expired: true}, action: delete}]\n", 1, 48,
             "rule 'r': rules[0].action: 'delete' is not an action: use report, update or "
             "revoke"},
        Case{"UnknownFallback",
             "rules: [{id: r, when: {acls: {forbidden: [all]}}, action: update, fallback: "
             "drop}]\n",
             1, 77, "rule 'r': rules[0].fallback: 'drop' is not a fallback: use report or revoke"},
        Case{"WithinIsAString",
             "rules: [{id: r, when: {whitelist: {within: 203.0.113.0/24}}, action: report}]\n", 1,
             44, "rule 'r': rules[0].when.whitelist.within: expected a list, got '203.0.113.0/24'"},
        Case{"DescriptionIsAList",
             "rules: [{id: r, description: [a], when: {expired: true}, action: report}]\n", 1, 30,
             "rule 'r': rules[0].description: expected a string, got a list"},
        Case{"ExemptionTokenIsAMapping",
             "rules: [{id: r, when: {expired: true}, action: report}]\n"
             "exemptions: [{token: {a: b}, reason: r, owner: o, expires: 2027-01-01}]\n",
             2, 22, "exemptions[0].token: expected a list, got a mapping"},
        Case{"ProtectedIsAString",
             "rules: [{id: r, when: {expired: true}, action: report}]\nprotected: breakglass-*\n",
             2, 12, "protected: expected a list, got 'breakglass-*'"},
        Case{"MatchHostsIsAList",
             "rules: [{id: r, match: {hosts: [whm01]}, when: {expired: true}, action: report}]\n",
             1, 32, "rule 'r': rules[0].match.hosts: expected a mapping, got a list"}),
    [](const auto& test) { return std::string(test.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Values, PolicyErrorCaseTest,
    ::testing::Values(
        Case{"EmptyWhen", "rules: [{id: r, when: {}, action: revoke}]\n", 1, 23,
             "rule 'r': rules[0].when: has no condition; a rule needs at least one of: expired, "
             "older_than, never_expires, max_lifetime, expires_within, whitelist, acls, name"},
        Case{"DurationWithoutUnit", "rules: [{id: r, when: {older_than: 90}, action: revoke}]\n", 1,
             36,
             "rule 'r': rules[0].when.older_than: '90' has no unit: write for example 30s, 15m, "
             "12h or 90d"},
        Case{"DurationWithUnknownUnit",
             "rules: [{id: r, when: {max_lifetime: 1y}, action: report}]\n", 1, 38,
             "rule 'r': rules[0].when.max_lifetime: '1y' has an unknown unit 'y': use ms, s, m, "
             "h, d or w"},
        Case{"ZeroGrace", "rules: [{id: r, when: {expired: true}, action: revoke, grace: 0d}]\n", 1,
             63, "rule 'r': rules[0].grace: must be longer than zero"},
        Case{"DurationNotWholeSeconds",
             "rules: [{id: r, when: {never_expires: true}, action: update, set: {expires_in: "
             "1500ms}}]\n",
             1, 80,
             "rule 'r': rules[0].set.expires_in: '1500ms' is not a whole number of seconds; "
             "policies count in seconds (write 2s, not 1500ms)"},
        Case{"DurationIsAMapping",
             "rules: [{id: r, when: {expires_within: {days: 7}}, action: report}]\n", 1, 40,
             "rule 'r': rules[0].when.expires_within: expected a duration such as 12h, 7d or 2w, "
             "got a mapping"},
        Case{"CidrWithHostBits",
             "rules: [{id: r, when: {whitelist: {within: [203.0.113.9/24]}}, action: report}]\n", 1,
             45,
             "rule 'r': rules[0].when.whitelist.within[0]: '203.0.113.9/24' has host bits set: "
             "the network is 203.0.113.0/24"},
        Case{"CidrNotAnAddress",
             "rules: [{id: r, when: {whitelist: {within: [\"2001:db8::/33\", office]}}, action: "
             "report}]\n",
             1, 62,
             "rule 'r': rules[0].when.whitelist.within[1]: 'office' is not an IPv4 or IPv6 "
             "address or network"},
        Case{"CidrPrefixTooLong",
             "rules: [{id: r, when: {whitelist: {within: [192.0.2.0/33]}}, action: report}]\n", 1,
             45,
             "rule 'r': rules[0].when.whitelist.within[0]: '192.0.2.0/33' has a bad prefix "
             "length: use /0 to /32"},
        Case{"WhitelistSaysNothing",
             "rules: [{id: r, when: {whitelist: {required: false}}, action: report}]\n", 1, 35,
             "rule 'r': rules[0].when.whitelist: says nothing: write required: true (the token "
             "must have an allow-list), within: [approved networks], or both"},
        Case{"AclsSayNothing", "rules: [{id: r, when: {acls: {}}, action: report}]\n", 1, 30,
             "rule 'r': rules[0].when.acls: says nothing: write forbidden: [ACLs a token must not "
             "have], allowed: [the only ACLs a token may have], or both"},
        Case{"NameSaysNothing", "rules: [{id: r, when: {name: {}}, action: report}]\n", 1, 30,
             "rule 'r': rules[0].when.name: says nothing: write must_match: [globs a name must "
             "match], must_not_match: [globs it must not match], or both"},
        Case{"UnknownAclSuggestsTheClosest",
             "rules: [{id: r, when: {acls: {forbidden: [all, manage-api-token]}}, action: "
             "update}]\n",
             1, 48,
             "rule 'r': rules[0].when.acls.forbidden[1]: 'manage-api-token' is not a WHM ACL "
             "(did you mean 'manage-api-tokens'?); declare an Additional Software ACL in "
             "third_party_acls"},
        Case{"UnknownAclInAllowed",
             "rules: [{id: r, when: {acls: {allowed: [list-accts, software-foo]}}, action: "
             "report}]\n",
             1, 53,
             "rule 'r': rules[0].when.acls.allowed[1]: 'software-foo' is not a WHM ACL; declare "
             "an Additional Software ACL in third_party_acls"},
        Case{"AclNameShape",
             "rules: [{id: r, when: {acls: {forbidden: [\"all acls\"]}}, action: update}]\n", 1, 43,
             "rule 'r': rules[0].when.acls.forbidden[0]: 'all acls' is not an ACL name: use 1 to "
             "64 letters, digits, '_', '.' or '-', starting with a letter or digit"},
        Case{"BadRuleId", "rules: [{id: Max_Age, when: {expired: true}, action: report}]\n", 1, 14,
             "rules[0].id: 'Max_Age' is not a rule id: use 1 to 64 lowercase letters, digits, "
             "'_', '.' or '-', starting with a letter or digit"},
        Case{"TokenGlobThatCannotMatch",
             "rules: [{id: r, match: {tokens: [\"ci-.*\"]}, when: {expired: true}, action: "
             "report}]\n",
             1, 34,
             "rule 'r': rules[0].match.tokens[0]: 'ci-.*' can never match a token name: those use "
             "only letters, digits, '_' and '-' (globs add '*' and '?')"},
        Case{"UserGlobThatCannotMatch",
             "rules: [{id: r, match: {users: [Root]}, when: {expired: true}, action: report}]\n", 1,
             33,
             "rule 'r': rules[0].match.users[0]: 'Root' can never match a WHM user name: those "
             "use only lowercase letters, digits, '_' and '-' (globs add '*' and '?')"},
        Case{"HostGlobThatCannotMatch",
             "rules: [{id: r, match: {hosts: {names: [\"whm/01\"]}}, when: {expired: true}, "
             "action: report}]\n",
             1, 41,
             "rule 'r': rules[0].match.hosts.names[0]: 'whm/01' can never match a host name: "
             "those use only letters, digits, '.', '_' and '-' (globs add '*' and '?')"},
        Case{"EmptyScopeList",
             "rules: [{id: r, match: {tokens: []}, when: {expired: true}, action: report}]\n", 1,
             33,
             "rule 'r': rules[0].match.tokens: is an empty list; list at least one entry, or "
             "leave the key out"},
        Case{"EmptyMatch", "rules: [{id: r, match: {}, when: {expired: true}, action: report}]\n",
             1, 24,
             "rule 'r': rules[0].match: is empty; leave match out for a rule that applies to "
             "every token"},
        Case{"EmptyRules", "rules: []\n", 1, 8,
             "rules: is an empty list; list at least one entry, or leave the key out"},
        Case{"EmptySet", "rules: [{id: r, when: {never_expires: true}, action: update, set: {}}]\n",
             1, 67,
             "rule 'r': rules[0].set: is empty; write set: {expires_in: DURATION}, or leave it "
             "out"},
        Case{"LongValueIsCut",
             "rules: [{id: r, when: {expired: true}, action: "
             "reportreportreportreportreportreportreportreportreportreportreportreport}]\n",
             1, 48,
             "rule 'r': rules[0].action: "
             "'reportreportreportreportreportreportreportreportreportreportrepo...' is not an "
             "action: use report, update or revoke"}),
    [](const auto& test) { return std::string(test.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Conflicts, PolicyErrorCaseTest,
    ::testing::Values(
        Case{"ExpiredAndNeverExpires",
             "rules: [{id: r, when: {expired: true, never_expires: true}, action: revoke}]\n", 1,
             54,
             "rule 'r': rules[0].when.never_expires: expired: true and never_expires: true "
             "cannot both hold: a token that never expires is never expired, so the rule could "
             "never fire (see line 1)"},
        Case{"ExpiresWithinAndNeverExpires",
             "rules:\n  - id: r\n    when:\n      expires_within: 7d\n      never_expires: true\n"
             "    action: report\n",
             5, 22,
             "rule 'r': rules[0].when.never_expires: expires_within and never_expires: true "
             "cannot both hold: expires_within matches tokens that have an expiry, so the rule "
             "could never fire (see line 4)"},
        Case{"ExpiresWithinAndExpired",
             "rules: [{id: r, when: {expired: true, expires_within: 1d}, action: report}]\n", 1, 55,
             "rule 'r': rules[0].when.expires_within: expires_within and expired: true cannot "
             "both hold: expires_within matches tokens that have not expired yet, so the rule "
             "could never fire (see line 1)"},
        Case{"AllowedContainsForbidden",
             "rules:\n  - id: acl\n    when:\n      acls:\n        forbidden: [passwd, all]\n"
             "        allowed: [list-accts, passwd]\n    action: update\n",
             6, 31,
             "rule 'acl': rules[0].when.acls.allowed[1]: 'passwd' is both forbidden (line 5) and "
             "allowed; keep it in one of the two lists"},
        Case{"AllowedContainsAll",
             "rules: [{id: r, when: {acls: {allowed: [all]}}, action: update}]\n", 1, 41,
             "rule 'r': rules[0].when.acls.allowed[0]: 'all' (full access) cannot be allowed: it "
             "grants every other ACL; list the ACLs a token may have"},
        Case{"NameInMustMatchAndMustNotMatch",
             "rules: [{id: r, when: {name: {must_match: [\"ci-*\", \"svc-*\"], must_not_match: "
             "[\"svc-*\"]}}, action: report}]\n",
             1, 79,
             "rule 'r': rules[0].when.name.must_not_match[0]: 'svc-*' is in both must_match (line "
             "1) and must_not_match; no name could pass"},
        Case{"FallbackOnRevokeRule",
             "rules: [{id: r, when: {expired: true}, action: revoke, fallback: report}]\n", 1, 66,
             "rule 'r': rules[0].fallback: fallback says what to do when an update cannot fix a "
             "token; only an update rule can have one"},
        Case{"GraceOnReportRule",
             "rules: [{id: r, when: {expired: true}, action: report, grace: 7d}]\n", 1, 63,
             "rule 'r': rules[0].grace: grace delays an update or a revoke; a report rule has "
             "nothing to delay"},
        Case{"SetOnRevokeRule",
             "rules: [{id: r, when: {never_expires: true}, action: revoke, set: {expires_in: "
             "30d}}]\n",
             1, 67,
             "rule 'r': rules[0].set: set says what an update changes; only an update rule can "
             "have it"},
        Case{"UpdateThatChangesNothing",
             "rules: [{id: r, when: {never_expires: true}, action: update}]\n", 1, 54,
             "rule 'r': rules[0].action: an update rule must change something: add set: "
             "{expires_in: DURATION}, a whitelist condition with within: [networks], or an acls "
             "condition"},
        Case{"UpdateOfARequiredAllowListWithoutRanges",
             "rules: [{id: r, when: {whitelist: {required: true}}, action: update}]\n", 1, 62,
             "rule 'r': rules[0].action: an update rule must change something: add set: "
             "{expires_in: DURATION}, a whitelist condition with within: [networks], or an acls "
             "condition"}),
    [](const auto& test) { return std::string(test.param.name); });

// ---- rule ids ---------------------------------------------------------------------------

TEST_F(PolicyErrorsTest, DuplicateRuleIdInOneFile) {
  expect_single_error(R"(rules:
  - {id: max-age, when: {older_than: 90d}, action: revoke}
  - {id: max-age, when: {older_than: 30d}, action: report}
)",
                      3, 10,
                      {"rule 'max-age': rules[1].id: duplicate rule id 'max-age' (first defined "
                       "at ",
                       "policy.yaml:2:10); rule ids are unique across all policy files"});
}

TEST_F(PolicyErrorsTest, DuplicateRuleIdAcrossFilesNamesTheFirstFile) {
  write_policy("10-base.yaml",
               "rules:\n  - id: expired\n    when: {expired: true}\n"
               "    action: revoke\n");
  write_policy("20-team.yaml",
               "rules:\n  - id: expired\n    when: {expired: true}\n"
               "    action: report\n");
  const auto result = load();
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  const ConfigError& error = result.error()[0];
  EXPECT_EQ(error.file, (policies_ / "20-team.yaml").string());
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 9);
  EXPECT_EQ(error.message,
            "rule 'expired': rules[0].id: duplicate rule id 'expired' (first "
            "defined at " +
                (policies_ / "10-base.yaml").string() +
                ":2:9); rule ids are unique across all policy files");
}

// ---- exemptions -------------------------------------------------------------------------

constexpr std::string_view kOneRule =
    "rules: [{id: max-age, when: {older_than: 90d}, action: revoke}]\n";

TEST_F(PolicyErrorsTest, ExemptionWithoutReasonOwnerOrExpiry) {
  const ConfigErrors errors = errors_of(std::string(kOneRule) + R"(exemptions:
  - token: monitoring-*
    rules: [max-age]
)");
  ASSERT_EQ(errors.size(), 3U) << format_errors(errors);
  for (const ConfigError& error : errors) {
    EXPECT_EQ(error.line, 3) << error.to_string();
    EXPECT_EQ(error.column, 5) << error.to_string();
  }
  EXPECT_EQ(errors[0].message, "exemptions[0]: missing required key 'reason'");
  EXPECT_EQ(errors[1].message, "exemptions[0]: missing required key 'owner'");
  EXPECT_EQ(errors[2].message, "exemptions[0]: missing required key 'expires'");
}

TEST_F(PolicyErrorsTest, ExemptionWithBlankReason) {
  expect_single_error(
      std::string(kOneRule) +
          "exemptions: [{token: t, reason: \" \", owner: o, expires: 2027-01-01}]\n",
      2, 33, {"exemptions[0].reason: must not be empty"});
}

TEST_F(PolicyErrorsTest, ExemptionPastItsExpiry) {
  expect_single_error(std::string(kOneRule) + R"(exemptions:
  - {token: t, reason: r, owner: o, expires: 2026-11-01}
)",
                      3, 46,
                      {"exemptions[0].expires: the exemption expired at 2026-11-01T00:00:00Z and "
                       "no longer applies; remove it, or renew it with a new date"});
}

TEST_F(PolicyErrorsTest, ExemptionExpiringExactlyNowHasExpired) {
  expect_single_error(std::string(kOneRule) +
                          "exemptions: [{token: t, reason: r, owner: o, expires: "
                          "2026-11-28T00:00:00Z}]\n",
                      2, 55, {"the exemption expired at 2026-11-28T00:00:00Z"});
}

TEST_F(PolicyErrorsTest, ExemptionWithABadDate) {
  expect_single_error(std::string(kOneRule) +
                          "exemptions: [{token: t, reason: r, owner: o, expires: 2027-02-30}]\n",
                      2, 55,
                      {"exemptions[0].expires: '2027-02-30' is not a UTC time: use 2026-03-01, "
                       "2026-03-01T12:00:00Z or an epoch in seconds"});
}

TEST_F(PolicyErrorsTest, ExemptionNamingAnUnknownRule) {
  expect_single_error(std::string(kOneRule) + R"(exemptions:
  - {token: t, rules: [max-age, maxage], reason: r, owner: o, expires: 2027-01-01}
)",
                      3, 33,
                      {"exemptions[0].rules[1]: no rule has the id 'maxage' (did you mean "
                       "'max-age'?)"});
}

// ---- files and directories --------------------------------------------------------------

TEST_F(PolicyErrorsTest, YamlSyntaxErrorWithItsPosition) {
  expect_single_error("rules:\n  - {id: r, when: {expired: true}, action: revoke\n", 3, 1,
                      {"YAML syntax error: end of map flow not found"});
}

TEST_F(PolicyErrorsTest, MoreThanOneDocument) {
  expect_single_error(std::string(kOneRule) + "---\nrules: []\n", 3, 1,
                      {"the file holds more than one YAML document; keep only one"});
}

TEST_F(PolicyErrorsTest, NoRuleInAnyFile) {
  write_policy("a.yaml", "protected: [breakglass-*]\n");
  write_policy("b.yaml", "");
  const auto result = load();
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  EXPECT_EQ(result.error()[0].to_string(),
            policies_.string() + ": none of the policy files holds a rule");
}

TEST_F(PolicyErrorsTest, EmptyDirectory) {
  write_policy("README.md", "policies go here\n");
  const auto result = load();
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  EXPECT_EQ(result.error()[0].to_string(),
            policies_.string() + ": the policy directory holds no policy files (*.yaml or *.yml)");
}

TEST_F(PolicyErrorsTest, MissingDirectory) {
  const auto result = load_policies(dir_ / "missing.d", kNow);
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  EXPECT_EQ(
      result.error()[0].to_string(),
      (dir_ / "missing.d").string() + ": cannot read the policy directory: it does not exist");
}

TEST_F(PolicyErrorsTest, DirectoryIsAFile) {
  const auto file = write_policy("policy.yaml", kOneRule);
  const auto result = load_policies(file, kNow);
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  EXPECT_EQ(result.error()[0].to_string(),
            file.string() + ": cannot read the policy directory: it is not a directory");
}

TEST_F(PolicyErrorsTest, NoDirectoryGiven) {
  const auto result = load_policies("", kNow);
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  EXPECT_EQ(result.error()[0].to_string(), "policies: no policy directory given");
}

TEST_F(PolicyErrorsTest, DanglingSymlinkIsReported) {
  write_policy("a.yaml", kOneRule);
  std::filesystem::create_symlink(dir_ / "nowhere.yaml", policies_ / "b.yaml");
  const auto result = load();
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  EXPECT_EQ(result.error()[0].to_string(),
            (policies_ / "b.yaml").string() + ": cannot read the policy file: it does not exist");
}

TEST_F(PolicyErrorsTest, MissingSingleFile) {
  const auto result = load_policy_file(policies_ / "none.yaml", kNow);
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 1U) << format_errors(result.error());
  EXPECT_EQ(result.error()[0].to_string(), (policies_ / "none.yaml").string() +
                                               ": cannot read the policy file: it does not exist");
}

// ---- everything at once -----------------------------------------------------------------

TEST_F(PolicyErrorsTest, EveryErrorOfEveryFileInOneRun) {
  write_policy("10-rules.yaml", R"(rules:
  - id: max-age
    when: {older_than: 90days}
    action: revoke
    grace: 7d
  - id: acls
    when: {acls: {forbidden: [manage-api-tokens, sudo]}}
    action: update
  - id: quiet
    when: {expired: true}
    action: report
    grace: 1d
)");
  write_policy("20-broken.yaml", "rules: [{id: x, when: {expired: true}, action: revoke}\n");
  write_policy("30-exemptions.yaml", R"(exemptions:
  - {token: "a.b", rules: [max-age, nope], reason: r, owner: o, expires: 2020-01-01}
protected: ["breakglass-*", "bad glob"]
)");
  const auto result = load();
  ASSERT_FALSE(result.has_value());
  std::vector<std::string> lines;
  for (const auto& error : result.error()) {
    std::string line = error.to_string();
    const std::string prefix = policies_.string() + "/";
    if (line.starts_with(prefix)) line.erase(0, prefix.size());
    lines.push_back(line);
  }
  const std::vector<std::string> expected{
      "10-rules.yaml:3:24: rule 'max-age': rules[0].when.older_than: '90days' has an unknown "
      "unit 'days': use ms, s, m, h, d or w",
      "10-rules.yaml:7:50: rule 'acls': rules[1].when.acls.forbidden[1]: 'sudo' is not a WHM ACL; "
      "declare an Additional Software ACL in third_party_acls",
      "10-rules.yaml:12:12: rule 'quiet': rules[2].grace: grace delays an update or a revoke; a "
      "report rule has nothing to delay",
      "20-broken.yaml:2:1: YAML syntax error: end of sequence flow not found",
      "30-exemptions.yaml:2:13: exemptions[0].token: 'a.b' can never match a token name: those "
      "use only letters, digits, '_' and '-' (globs add '*' and '?')",
      "30-exemptions.yaml:2:37: exemptions[0].rules[1]: no rule has the id 'nope'",
      "30-exemptions.yaml:2:74: exemptions[0].expires: the exemption expired at "
      "2020-01-01T00:00:00Z and no longer applies; remove it, or renew it with a new date",
      "30-exemptions.yaml:3:29: protected[1]: 'bad glob' can never match a token name: those use "
      "only letters, digits, '_' and '-' (globs add '*' and '?')",
  };
  EXPECT_EQ(lines, expected) << format_errors(result.error());
}

}  // namespace
}  // namespace tw::config::testing
