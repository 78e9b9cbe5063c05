#pragma once
// The grace history under `state_dir`: when each violation (host, user, token, rule) was first
// seen, so a rule's `grace` runs across runs and restarts. One JSON file, `grace.json`:
//   {"schema":"tokenwarden.grace/1","entries":[{"host":..,"user":..,"token":..,"rule":..,
//    "first_seen":"<UTC>"}]}
// written atomically (atomic_file.h). Entries are pruned by the planner (policy/plan.h: only
// current violations are kept, plus accounts that could not be listed this time).

#include <expected>
#include <filesystem>
#include <optional>
#include <string>

#include "policy/plan.h"

namespace tw::state {

struct LoadedGrace {
  policy::GraceState grace;
  // Set when the file existed but could not be read or parsed (it is then rebuilt from empty,
  // and the caller reports this). A missing file is not a problem: it is the first run.
  std::optional<std::string> problem;
  bool existed = false;
};

[[nodiscard]] std::filesystem::path grace_file(const std::filesystem::path& state_dir);

// Never throws and never fails: what cannot be read is reported in `problem`.
[[nodiscard]] LoadedGrace load_grace(const std::filesystem::path& state_dir);

// Creates state_dir (0700) if missing, then writes the file atomically (0600).
[[nodiscard]] std::expected<void, std::string> save_grace(const std::filesystem::path& state_dir,
                                                          const policy::GraceState& grace);

}  // namespace tw::state
