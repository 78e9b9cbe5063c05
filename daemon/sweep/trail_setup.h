#pragma once
// Opening the audit trail a configuration names, the same way for `scan` and the daemon: its
// directory is made if missing (0750, as systemd's LogsDirectory= would), and the chain head is
// kept in state_dir/audit-head.json so that a trail moved away while the process was down
// continues its chain.

#include <expected>
#include <string>

#include "config/fleet.h"
#include "daemon/audit/trail_writer.h"

namespace tw::sweep {

// Requires settings.audit. The error says which file and why.
[[nodiscard]] std::expected<audit::TrailWriter, std::string> open_configured_trail(
    const config::Settings& settings);

}  // namespace tw::sweep
