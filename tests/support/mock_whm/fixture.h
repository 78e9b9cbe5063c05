#pragma once
// Fleet fixtures: a YAML description of a mock fleet (format in README.md), so tests and the
// demo describe hosts, users, tokens and faults in a file. Relative times (`-400d`, `+10d`)
// are resolved against `now` when the fixture is read.

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "tests/support/mock_whm/fleet_spec.h"

namespace tw::mock {

// Parses fixture text. On failure returns one message `<source>:<line>:<column>: <what>`.
// The result passed validate_fleet_spec().
[[nodiscard]] std::expected<FleetSpec, std::string> parse_fixture(
    std::string_view text, EpochSeconds now, std::string_view source = "<fixture>");

// Reads and parses the file at `path` (at most 16 MiB).
[[nodiscard]] std::expected<FleetSpec, std::string> load_fixture_file(
    const std::filesystem::path& path, EpochSeconds now);

// Expands a host name pattern with exactly one `%d`, `%Nd` or `%0Nd` (N < 10) and no other
// `%`: ("bulk%03d", 7) is "bulk007". nullopt for any other pattern.
[[nodiscard]] std::optional<std::string> expand_name_pattern(std::string_view pattern,
                                                             unsigned index);

}  // namespace tw::mock
