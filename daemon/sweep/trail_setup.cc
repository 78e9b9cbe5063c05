#include "daemon/sweep/trail_setup.h"

#include <system_error>

namespace tw::sweep {

std::expected<audit::TrailWriter, std::string> open_configured_trail(
    const config::Settings& settings) {
  audit::TrailOptions options;
  options.path = settings.audit->path;
  options.max_bytes = settings.audit->max_bytes;
  if (!settings.state_dir.empty()) options.head_file = settings.state_dir / "audit-head.json";
  std::error_code ignored;
  if (std::filesystem::create_directories(options.path.parent_path(), ignored)) {
    std::filesystem::permissions(options.path.parent_path(), std::filesystem::perms(0750), ignored);
  }
  return audit::TrailWriter::open(std::move(options));
}

}  // namespace tw::sweep
