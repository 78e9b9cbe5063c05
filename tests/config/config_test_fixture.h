#pragma once
// A per-test temporary directory holding a configuration file and the files it names, and
// helpers to load it and look at the errors. Removed again when the test ends.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/load_config.h"

namespace tw::config::testing {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes `contents` to `relative` under the test directory (creating parent directories)
  // with exactly `mode`, and returns its path.
  std::filesystem::path write_file(std::string_view relative, std::string_view contents,
                                   std::filesystem::perms mode = std::filesystem::perms(0600));

  // Writes a credential file `credentials/NAME` (mode 0600) holding `token` and a newline.
  void write_credential(std::string_view name, std::string_view token = "TOKEN0123456789");

  // Writes `yaml` as `tokenwarden.yaml` and loads it.
  std::expected<Snapshot, ConfigErrors> load(std::string_view yaml,
                                             const LoadOptions& options = {});

  // Loads `yaml`, expects failure, returns the errors (fails the test on success).
  ConfigErrors errors_of(std::string_view yaml, const LoadOptions& options = {});

  // Loads `yaml`, expects success (printing every error otherwise).
  Snapshot snapshot_of(std::string_view yaml, const LoadOptions& options = {});

  // Expects exactly one error, at line:column, whose message contains every one of `parts`.
  void expect_single_error(std::string_view yaml, int line, int column,
                           std::vector<std::string_view> parts);

  std::filesystem::path dir_;
  std::filesystem::path config_path_;
};

// Every error, one per line, for failure messages.
std::string format_errors(const ConfigErrors& errors);

}  // namespace tw::config::testing
