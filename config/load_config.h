#pragma once
// Reads the main configuration file and the credential files it names into a Snapshot.

#include <expected>
#include <filesystem>
#include <optional>

#include "config/config_error.h"
#include "config/fleet.h"

namespace tw::config {

struct LoadOptions {
  // systemd's $CREDENTIALS_DIRECTORY when set; it takes precedence over the file's
  // `credentials_dir`. Passed in (not read from the environment here) so tests can set it.
  std::optional<std::filesystem::path> credentials_directory;
};

// Loads `file`. On failure returns every error found (not just the first), each naming
// file:line:column. No message ever contains a credential's contents.
[[nodiscard]] std::expected<Snapshot, ConfigErrors> load_config(const std::filesystem::path& file,
                                                                const LoadOptions& options);

}  // namespace tw::config
