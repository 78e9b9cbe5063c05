// docs/policy.schema.json: valid JSON, a draft 2020-12 schema that agrees with the loader on
// names, durations and ACLs, and the shipped example policies conform to it.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/acl_catalog.h"
#include "config/load_policies.h"
#include "tests/config/policy_test_fixture.h"
#include "tests/config/yaml_schema.h"

namespace tw::config::testing {
namespace {

namespace json = boost::json;

const std::filesystem::path kSource(TOKENWARDEN_SOURCE_DIR);

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class PolicySchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::error_code error;
    schema_ = json::parse(read_file(kSource / "docs" / "policy.schema.json"), error);
    ASSERT_FALSE(error) << "docs/policy.schema.json is not valid JSON: " << error.message();
  }

  // The problems of `yaml` against the whole schema.
  std::vector<std::string> problems(const std::string& yaml) {
    return validate_yaml(schema_, YAML::Load(yaml));
  }

  // True when the scalar `text` conforms to `$defs/name`.
  bool conforms_to(std::string_view name, const std::string& text) {
    const json::value& definition = schema_.at("$defs").at(name);
    return validate_yaml(schema_, definition, YAML::Load(text)).empty();
  }

  json::value schema_;
};

TEST_F(PolicySchemaTest, IsADraft202012SchemaOfAnObject) {
  ASSERT_TRUE(schema_.is_object());
  EXPECT_EQ(schema_.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema_.at("additionalProperties"), false);
  const auto& properties = schema_.at("properties").as_object();
  std::vector<std::string> keys;
  for (const auto& [key, value] : properties) keys.emplace_back(key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"rules", "exemptions", "protected", "third_party_acls"}));
  for (const char* name : {"rule", "scope", "conditions", "exemption"}) {
    EXPECT_EQ(schema_.at("$defs").at(name).at("additionalProperties"), false) << name;
  }
}

TEST_F(PolicySchemaTest, ListsExactlyTheWhmAclsTheLoaderKnows) {
  std::vector<std::string> in_schema;
  for (const auto& name : schema_.at("$defs").at("whmAcl").at("enum").as_array()) {
    in_schema.emplace_back(name.as_string());
  }
  const std::vector<std::string> in_loader(whm_acl_names().begin(), whm_acl_names().end());
  EXPECT_EQ(in_schema, in_loader);
  EXPECT_EQ(in_schema.size(), 64U);
}

TEST_F(PolicySchemaTest, PatternsAgreeWithTheLoader) {
  for (const char* good : {"90d", "12h", "2w", "30s", "15m", "2000ms", "090d"}) {
    EXPECT_TRUE(conforms_to("duration", good)) << good;
  }
  for (const char* bad : {"90", "0d", "1500ms", "1y", "-1d", "d", "7 d"}) {
    EXPECT_FALSE(conforms_to("duration", bad)) << bad;
  }
  for (const std::string& good :
       std::vector<std::string>{"max-age", "a", "\"0\"", "team.rule_2", std::string(64, 'a')}) {
    EXPECT_TRUE(conforms_to("ruleId", good)) << good;
  }
  for (const std::string& bad :
       std::vector<std::string>{"Max", "-x", ".x", "a b", std::string(65, 'a')}) {
    EXPECT_FALSE(conforms_to("ruleId", bad)) << bad;
  }
  EXPECT_TRUE(conforms_to("tokenGlob", "ci-*"));
  EXPECT_FALSE(conforms_to("tokenGlob", "ci-.*"));
  EXPECT_TRUE(conforms_to("network", "203.0.113.0/24"));
  EXPECT_TRUE(conforms_to("network", "\"2001:db8::/32\""));
  EXPECT_FALSE(conforms_to("network", "office"));
  EXPECT_TRUE(conforms_to("utcTime", "2027-03-01"));
  EXPECT_TRUE(conforms_to("utcTime", "2027-03-01T12:00:00Z"));
  EXPECT_TRUE(conforms_to("utcTime", "1803859200"));
  EXPECT_FALSE(conforms_to("utcTime", "March 1st"));
  EXPECT_TRUE(conforms_to("acl", "software-foo"));  // a third-party name is allowed by shape
  EXPECT_FALSE(conforms_to("acl", "\"all acls\""));
}

TEST_F(PolicySchemaTest, ExamplePoliciesConform) {
  const auto directory = kSource / "examples" / "policies";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() != ".yaml" && entry.path().extension() != ".yml") continue;
    ++files;
    const auto document = YAML::LoadFile(entry.path().string());
    ASSERT_TRUE(document.IsMap()) << entry.path();
    for (const auto& pair : document) {
      EXPECT_TRUE(schema_.at("properties").as_object().contains(pair.first.Scalar()))
          << entry.path() << ": top-level key " << pair.first.Scalar();
    }
    const auto found = validate_yaml(schema_, document);
    EXPECT_TRUE(found.empty()) << entry.path() << ":\n" << ::testing::PrintToString(found);
  }
  EXPECT_GE(files, 2);
}

TEST_F(PolicySchemaTest, RejectsWhatTheLoaderRejectsByShape) {
  EXPECT_TRUE(problems("rules: [{id: r, when: {expired: true}, action: report}]").empty());
  EXPECT_TRUE(problems("").empty()) << "an empty file is allowed";
  for (const char* bad : {
           "rule: []",
           "rules: []",
           "rules: [{id: r, when: {expired: true}}]",
           "rules: [{id: r, when: {}, action: report}]",
           "rules: [{id: r, when: {older: 90d}, action: report}]",
           "rules: [{id: r, when: {expired: yes}, action: report}]",
           "rules: [{id: r, when: {expired: true}, action: delete}]",
           "rules: [{id: r, when: {expired: true}, action: report, grace: 7d}]",
           "rules: [{id: r, when: {expired: true}, action: revoke, fallback: report}]",
           "rules: [{id: r, when: {never_expires: true}, action: revoke, set: {expires_in: 1d}}]",
           "rules: [{id: r, when: {whitelist: {required: false}}, action: report}]",
           "rules: [{id: r, match: {hosts: [whm01]}, when: {expired: true}, action: report}]",
           "exemptions: [{token: t, reason: r, owner: o}]",
           "protected: breakglass-*",
       }) {
    EXPECT_FALSE(problems(bad).empty()) << bad;
  }
}

}  // namespace
}  // namespace tw::config::testing
