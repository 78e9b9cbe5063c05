#pragma once
// What a fleet looks like before it starts: hosts, their WHM users (with the ACLs each user
// holds) and their tokens. Built by hand in tests or by load_fixture() (fixture.h) from YAML.
// Times are absolute epochs; relative fixture times are resolved when the fixture is read.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/mock_whm/fault.h"
#include "tests/support/mock_whm/host_state.h"

namespace tw::mock {

struct TokenSpec {
  std::string name;
  // A known credential (32 chars [0-9A-Z]) that tests and the generated configuration use.
  // nullopt: the mock draws a random secret that nobody ever sees.
  std::optional<std::string> secret;
  std::optional<EpochSeconds> create_time;            // nullopt: when the fleet is built
  std::optional<EpochSeconds> expires_at;             // nullopt: never
  std::optional<std::vector<std::string>> acls;       // nullopt: full access (no `acls` key)
  std::optional<std::vector<std::string>> whitelist;  // nullopt: any address; normalised on build
};

struct UserSpec {
  std::string name = "root";
  std::vector<std::string> acls = {"all"};  // what the WHM user itself holds
  std::vector<TokenSpec> tokens;
};

struct HostSpec {
  std::string name;
  std::vector<std::string> tags;  // copied into the generated tokenwarden configuration
  std::vector<UserSpec> users;    // in order; empty means one `root` user holding `all`
  std::optional<Fault> fault;     // active from the start
  std::uint16_t port = 0;         // 0: the OS picks a free port
};

struct FleetSpec {
  std::vector<HostSpec> hosts;
};

// Checks names (host `[A-Za-z0-9._-]{1,64}`, unique; user `[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}`,
// unique per host; tags `[A-Za-z0-9._:/-]{1,64}`; token names as WHM's, unique per user;
// secrets `[0-9A-Z]{32}`, unique per user), ACL names (known; a user's own ACLs too), and
// whitelists (WHM's rules). Returns the first problem, naming the host/user/token.
[[nodiscard]] std::expected<void, std::string> validate_fleet_spec(const FleetSpec& spec);

// Builds a host's token tables from its spec: hashes secrets (drawing random ones where none
// is given), normalises ACLs and whitelists, fills create_time with `now` where unset.
// Requires validate_fleet_spec() to have passed.
[[nodiscard]] UserTable build_user_table(const HostSpec& host, EpochSeconds now);

// Converts one token spec into a stored token (same rules as build_user_table). Throws
// std::invalid_argument on an invalid spec.
[[nodiscard]] StoredToken build_token(const TokenSpec& spec, EpochSeconds now);

// The users of `host`, with the default (`root` holding `all`) when none is listed.
[[nodiscard]] std::vector<UserSpec> effective_users(const HostSpec& host);

// The secret tokenwarden should use for `user`: the known secret of the token named
// `tokenwarden`, else the first known secret, else nullopt.
[[nodiscard]] std::optional<std::string> credential_for(const UserSpec& user);

}  // namespace tw::mock
