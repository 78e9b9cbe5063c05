#pragma once
// Writing the files the mock hands to clients (CA, credentials, configuration, ready file)
// with an exact mode, whatever the umask.

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace tw::mock {

// Creates or truncates `path`, sets its mode to `mode` (also when the file existed) and writes
// `content`. Throws std::system_error naming the path on failure.
void write_file(const std::filesystem::path& path, std::string_view content, mode_t mode);

// Like write_file, but via a temporary file in the same directory and rename(), so a reader
// polling for `path` never sees it half-written.
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           mode_t mode);

}  // namespace tw::mock
