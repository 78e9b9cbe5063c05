#pragma once
// Replaces a file so that a crash or power cut leaves either the old or the new content, never
// a mix: write a temporary file beside it, fsync it, rename it over the target, fsync the
// directory.

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace tw::state {

// Writes `content` to `target` atomically with `mode` (e.g. 0600). The error names the file and
// the system error. The temporary file is removed on failure.
[[nodiscard]] std::expected<void, std::string> write_file_atomically(
    const std::filesystem::path& target, std::string_view content, unsigned mode = 0600);

}  // namespace tw::state
