#pragma once
// Reading a YAML file a user wrote: its bytes, then exactly one document. Internal to config/;
// shared by the configuration and the policy loaders.

#include <yaml-cpp/node/node.h>

#include <cstddef>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostics.h"

namespace tw::config {

// The files config/ reads are a few kilobytes; anything over this is refused unparsed.
inline constexpr std::size_t kMaxSourceBytes = 16U << 20U;

// The bytes of `file`, or a message saying why they cannot be read: `cannot read the
// <what>: it does not exist`. `what` names the file for people (`configuration file`).
[[nodiscard]] std::expected<std::string, std::string> read_source_text(
    const std::filesystem::path& file, std::string_view what);

// Parses `text` as at most one YAML document. Returns the document (a null node when the text
// holds none, or only comments), or nullopt after reporting a syntax error at its position or
// a second document.
[[nodiscard]] std::optional<YAML::Node> parse_single_document(Diagnostics& diagnostics,
                                                              const std::string& text,
                                                              std::string_view what);

}  // namespace tw::config
