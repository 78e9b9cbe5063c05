#include "daemon/cli/config_loading.h"

#include <cstdlib>

#include "config/load_config.h"

namespace tw::cli {

std::optional<config::Snapshot> load_configuration(const std::optional<std::string>& path,
                                                   std::ostream& err) {
  config::LoadOptions options;
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    options.credentials_directory = std::filesystem::path(dir);
  }
  auto snapshot = config::load_config(path.value_or(kDefaultConfigPath), options);
  if (!snapshot) {
    for (const auto& error : snapshot.error()) err << error.to_string() << "\n";
    err << snapshot.error().size() << (snapshot.error().size() == 1 ? " error" : " errors")
        << " in the configuration\n";
    return std::nullopt;
  }
  return std::move(*snapshot);
}

}  // namespace tw::cli
