#pragma once
// A configuration and the policies loaded with it: what the daemon's sweeps run under. A reload
// builds a new one beside the running one and swaps it in only when it loaded cleanly.

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/fleet.h"
#include "policy/policy.h"

namespace tw::run {

struct DaemonOptions {
  std::filesystem::path config_file;
  std::optional<std::filesystem::path> credentials_directory;  // $CREDENTIALS_DIRECTORY
  std::string version;
};

struct Generation {
  config::Snapshot configuration;
  policy::PolicySet policies;
};

// Loads a generation at the current time; on failure returns every error as
// `file:line:column: message`. `mode: enforce` without an audit trail and a state directory
// is an error.
[[nodiscard]] std::expected<Generation, std::vector<std::string>> load_generation(
    const DaemonOptions& options);

}  // namespace tw::run
