#pragma once
// Reading one credential file (a WHM API token). Internal to config/.
//
// A credential is a file, never a value in the main configuration: under systemd it is placed
// in $CREDENTIALS_DIRECTORY by `LoadCredential=`, otherwise it lives in `credentials_dir`.

#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>

#include "config/secret.h"

namespace tw::config {

// The longest token accepted, in bytes (WHM tokens are 32 characters).
inline constexpr std::size_t kMaxCredentialBytes = 4096;

// Reads the token from `file`. Requires (and otherwise fails with a message saying which):
// - a regular file (a symbolic link to one is followed) that can be opened for reading;
// - no permission bits for group or others (mode & 077 == 0), since anyone who can read the
//   file holds root-equivalent access to a WHM host;
// - one line holding the token: a single trailing "\n" or "\r\n" is dropped; the rest must be
//   1 to kMaxCredentialBytes printable ASCII characters without spaces.
// The message names the file and the problem and never contains any part of its contents.
[[nodiscard]] std::expected<Secret, std::string> read_credential(const std::filesystem::path& file);

}  // namespace tw::config
