#pragma once
// Loads the configuration for a command: default path, $CREDENTIALS_DIRECTORY, and every
// error printed as `file:line:column: message`.

#include <optional>
#include <ostream>
#include <string>

#include "config/fleet.h"

namespace tw::cli {

inline constexpr const char* kDefaultConfigPath = "/etc/tokenwarden/tokenwarden.yaml";

// nullopt after printing the errors to `err`.
[[nodiscard]] std::optional<config::Snapshot> load_configuration(
    const std::optional<std::string>& path, std::ostream& err);

}  // namespace tw::cli
