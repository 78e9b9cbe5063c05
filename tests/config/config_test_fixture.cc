#include "tests/config/config_test_fixture.h"

#include <stdlib.h>  // mkdtemp

#include <fstream>

namespace tw::config::testing {

void ConfigTest::SetUp() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tw-config-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  config_path_ = dir_ / "tokenwarden.yaml";
}

void ConfigTest::TearDown() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::filesystem::path ConfigTest::write_file(std::string_view relative, std::string_view contents,
                                             std::filesystem::perms mode) {
  const auto path = dir_ / relative;
  std::filesystem::create_directories(path.parent_path());
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  }
  std::filesystem::permissions(path, mode);
  return path;
}

void ConfigTest::write_credential(std::string_view name, std::string_view token) {
  write_file("credentials/" + std::string(name), std::string(token) + "\n");
}

std::expected<Snapshot, ConfigErrors> ConfigTest::load(std::string_view yaml,
                                                       const LoadOptions& options) {
  write_file("tokenwarden.yaml", yaml, std::filesystem::perms(0644));
  return load_config(config_path_, options);
}

ConfigErrors ConfigTest::errors_of(std::string_view yaml, const LoadOptions& options) {
  auto result = load(yaml, options);
  EXPECT_FALSE(result.has_value()) << "expected errors for:\n" << yaml;
  if (result) return {};
  return result.error();
}

Snapshot ConfigTest::snapshot_of(std::string_view yaml, const LoadOptions& options) {
  auto result = load(yaml, options);
  EXPECT_TRUE(result.has_value()) << format_errors(result ? ConfigErrors{} : result.error());
  if (!result) return {};
  return std::move(*result);
}

void ConfigTest::expect_single_error(std::string_view yaml, int line, int column,
                                     std::vector<std::string_view> parts) {
  const ConfigErrors errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  const ConfigError& error = errors.front();
  EXPECT_EQ(error.file, config_path_.string());
  EXPECT_EQ(error.line, line) << error.to_string();
  EXPECT_EQ(error.column, column) << error.to_string();
  for (const auto part : parts) {
    EXPECT_NE(error.message.find(part), std::string::npos)
        << "'" << part << "' not in: " << error.to_string();
  }
}

std::string format_errors(const ConfigErrors& errors) {
  std::string out;
  for (const auto& error : errors) out += error.to_string() + "\n";
  return out;
}

}  // namespace tw::config::testing
