#pragma once
// Diagnostics (not the audit trail): spdlog to stderr, where journald picks them up.

#include <optional>
#include <string>
#include <string_view>

namespace tw::cli {

// Sets the level from its name (trace, debug, info, warn, error, critical, off). Returns false
// for an unknown name.
[[nodiscard]] bool set_up_logging(std::string_view level);

}  // namespace tw::cli
