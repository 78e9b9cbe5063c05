#pragma once
// A per-test policy directory, helpers to load it and look at the errors, and a plain-text
// rendering of a policy::PolicySet that names every field (for exact comparisons).

#include <gtest/gtest.h>

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/load_policies.h"
#include "policy/policy.h"

namespace tw::config::testing {

// 2026-11-28T00:00:00Z: the `now` every policy test loads at.
inline constexpr policy::EpochSeconds kNow = 1795824000;

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes `yaml` to `name` in the policy directory and returns its path.
  std::filesystem::path write_policy(std::string_view name, std::string_view yaml);

  // Loads the policy directory at kNow.
  std::expected<policy::PolicySet, ConfigErrors> load();

  // Writes `yaml` as `policy.yaml`, loads the directory, expects success (printing every error
  // otherwise).
  policy::PolicySet set_of(std::string_view yaml);

  // Writes `yaml` as `policy.yaml`, loads the directory, expects failure; returns the errors.
  ConfigErrors errors_of(std::string_view yaml);

  // Expects exactly one error, in `policy.yaml` at line:column, whose message contains every
  // one of `parts`.
  void expect_single_error(std::string_view yaml, int line, int column,
                           std::vector<std::string_view> parts);

  std::filesystem::path dir_;       // the test's directory
  std::filesystem::path policies_;  // dir_/policies.d
};

// Every error, one per line, for failure messages.
std::string format_errors(const ConfigErrors& errors);

// Every field of `set` except `hash` and `files`, one per line (`rule max-age: grace 604800`).
std::string render(const policy::PolicySet& set);

}  // namespace tw::config::testing
