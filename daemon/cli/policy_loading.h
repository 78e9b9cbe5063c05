#pragma once
// Loads the policy set for a command and prints every error as `file:line:column: message`.

#include <filesystem>
#include <optional>
#include <ostream>

#include "policy/policy.h"

namespace tw::cli {

// nullopt after printing the errors to `err`.
[[nodiscard]] std::optional<policy::PolicySet> load_policy_set(
    const std::filesystem::path& directory, policy::EpochSeconds now, std::ostream& err);

// The time commands evaluate at: `--now` when given (any spelling parse_utc reads), else the
// system clock. nullopt after printing an error.
[[nodiscard]] std::optional<policy::EpochSeconds> evaluation_time(
    const std::optional<std::string>& now_option, std::ostream& err);

}  // namespace tw::cli
