#pragma once
// The files mock-whm-fleet hands to tokenwarden: the CA, one credential file per WHM user with
// a known secret, and a tokenwarden configuration describing the running fleet.

#include <filesystem>
#include <string>

#include "tests/support/mock_whm/fleet.h"

namespace tw::mock {

struct FleetFiles {
  std::filesystem::path ca_file;          // <dir>/ca.pem
  std::filesystem::path credentials_dir;  // <dir>/credentials
  std::filesystem::path config_file;      // <dir>/tokenwarden.yaml
};

// Writes, for a started fleet, into `dir` (created if missing; made absolute):
//   ca.pem (0644), credentials/ (0700) holding `<host>-<user>` (0600, the secret and "\n")
//   for every user with a known secret (see credential_for()), tokenwarden.yaml (0644).
// Throws std::system_error (or std::filesystem::filesystem_error) on failure.
FleetFiles write_fleet_files(const Fleet& fleet, const std::filesystem::path& dir);

// The tokenwarden.yaml text for `fleet` with files under the absolute directory `dir`.
// A host where no user has a known secret is left out (with a comment), since tokenwarden
// needs at least one credential per host.
[[nodiscard]] std::string render_tokenwarden_config(const Fleet& fleet,
                                                    const std::filesystem::path& dir);

// `text` as a YAML flow scalar: plain when unambiguous, double-quoted otherwise.
[[nodiscard]] std::string yaml_scalar(std::string_view text);

}  // namespace tw::mock
