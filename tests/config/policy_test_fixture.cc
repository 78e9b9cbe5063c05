#include "tests/config/policy_test_fixture.h"

#include <stdlib.h>  // mkdtemp

#include <fstream>
#include <set>

namespace tw::config::testing {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ", ";
    out += item;
  }
  return out + "]";
}

std::string join(const std::set<std::string>& items) {
  return join(std::vector<std::string>(items.begin(), items.end()));
}

std::string render_conditions(const policy::Conditions& when) {
  std::string out;
  const auto line = [&](std::string_view name, const std::string& value) {
    out += "  when." + std::string(name) + ": " + value + "\n";
  };
  if (when.expired) line("expired", *when.expired ? "true" : "false");
  if (when.older_than) line("older_than", std::to_string(*when.older_than));
  if (when.never_expires) line("never_expires", *when.never_expires ? "true" : "false");
  if (when.max_lifetime) line("max_lifetime", std::to_string(*when.max_lifetime));
  if (when.expires_within) line("expires_within", std::to_string(*when.expires_within));
  if (when.whitelist) {
    std::vector<std::string> within;
    for (const auto& network : when.whitelist->within) within.push_back(network.to_whm_string());
    line("whitelist", std::string("required ") + (when.whitelist->required ? "true" : "false") +
                          ", within " + join(within));
  }
  if (when.acls) {
    line("acls", "forbidden " + join(when.acls->forbidden) + ", allowed " +
                     (when.acls->allowed ? join(*when.acls->allowed) : "unset"));
  }
  if (when.name) {
    line("name", "must_match " + join(when.name->must_match) + ", must_not_match " +
                     join(when.name->must_not_match));
  }
  return out;
}

}  // namespace

void PolicyTest::SetUp() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tw-policy-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  policies_ = dir_ / "policies.d";
  std::filesystem::create_directory(policies_);
}

void PolicyTest::TearDown() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::filesystem::path PolicyTest::write_policy(std::string_view name, std::string_view yaml) {
  const auto path = policies_ / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(yaml.data(), static_cast<std::streamsize>(yaml.size()));
  return path;
}

std::expected<policy::PolicySet, ConfigErrors> PolicyTest::load() {
  return load_policies(policies_, kNow);
}

policy::PolicySet PolicyTest::set_of(std::string_view yaml) {
  write_policy("policy.yaml", yaml);
  auto result = load();
  EXPECT_TRUE(result.has_value()) << format_errors(result ? ConfigErrors{} : result.error());
  if (!result) return {};
  return std::move(*result);
}

ConfigErrors PolicyTest::errors_of(std::string_view yaml) {
  write_policy("policy.yaml", yaml);
  auto result = load();
  EXPECT_FALSE(result.has_value()) << "expected errors for:\n" << yaml;
  if (result) return {};
  return result.error();
}

void PolicyTest::expect_single_error(std::string_view yaml, int line, int column,
                                     std::vector<std::string_view> parts) {
  const ConfigErrors errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  const ConfigError& error = errors.front();
  EXPECT_EQ(error.file, (policies_ / "policy.yaml").string());
  EXPECT_EQ(error.line, line) << error.to_string();
  EXPECT_EQ(error.column, column) << error.to_string();
  for (const auto part : parts) {
    EXPECT_NE(error.message.find(part), std::string::npos)
        << "'" << part << "' not in: " << error.to_string();
  }
}

std::string render(const policy::PolicySet& set) {
  std::string out;
  for (const policy::Rule& rule : set.rules) {
    out += "rule " + rule.id + " at " + rule.source + "\n";
    out += "  description: " + rule.description + "\n";
    const policy::Scope& scope = rule.scope;
    out += "  scope: host_names " + join(scope.host_names) + ", host_tags " +
           join(scope.host_tags) + ", users " + join(scope.users) + ", tokens " +
           join(scope.tokens) + "\n";
    out += render_conditions(rule.when);
    static constexpr const char* kActions[] = {"report", "update", "revoke"};
    out += std::string("  action: ") + kActions[static_cast<int>(rule.action)] + "\n";
    out += "  update: expires_in " +
           (rule.update.expires_in ? std::to_string(*rule.update.expires_in) : "unset") +
           ", narrow_whitelist " + (rule.update.narrow_whitelist ? "true" : "false") +
           ", restrict_acls " + (rule.update.restrict_acls ? "true" : "false") + "\n";
    out += std::string("  fallback: ") +
           (rule.fallback == policy::Fallback::revoke ? "revoke" : "report") + "\n";
    out += "  grace: " + std::to_string(rule.grace) + "\n";
  }
  for (const policy::Exemption& exemption : set.exemptions) {
    out += "exemption at " + exemption.source + "\n";
    out += "  tokens " + join(exemption.tokens) + ", hosts " + join(exemption.hosts) + ", users " +
           join(exemption.users) + ", rules " + join(exemption.rules) + "\n";
    out += "  reason: " + exemption.reason + "\n";
    out += "  owner: " + exemption.owner + "\n";
    out += "  expires: " + std::to_string(exemption.expires) + "\n";
  }
  out += "protected " + join(set.protected_tokens) + "\n";
  out += "third_party_acls " + join(set.third_party_acls) + "\n";
  return out;
}

}  // namespace tw::config::testing
