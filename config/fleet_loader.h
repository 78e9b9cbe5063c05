#pragma once
// Reads the `fleet` section (defaults and hosts) of the configuration. Internal to config/.

#include <cstddef>
#include <filesystem>
#include <vector>

#include "config/diagnostics.h"
#include "config/fleet.h"
#include "config/yaml_reader.h"

namespace tw::config {

// A `credential` named in the fleet. Credentials are read after the whole file is parsed,
// because the directory they live in may be set by a key that comes later in the file.
struct CredentialReference {
  std::size_t host = 0;     // index into FleetDraft::hosts
  std::size_t account = 0;  // index into that host's accounts
  Field field;              // the `credential` value, for messages
};

struct FleetDraft {
  std::vector<Host> hosts;  // accounts have their user and credential name; tokens are empty
  std::vector<CredentialReference> credentials;
};

// Reads `fleet` into hosts in file order, with defaults applied and `tls` merged key by key
// over `defaults.tls`. Relative `ca_file` paths resolve against `base_directory`; CA files
// must exist and be readable. Reports every problem into `diagnostics`.
[[nodiscard]] FleetDraft read_fleet(Diagnostics& diagnostics, const Field& fleet,
                                    const std::filesystem::path& base_directory);

}  // namespace tw::config
