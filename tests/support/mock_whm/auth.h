#pragma once
// WHM API token authentication as cpsrvd does it (whm-api.md §2): `Authorization: whm
// USER:TOKEN`, split at the first ':', the token's SHA-512 compared with the user's stored
// hashes; an expired token counts as nonexistent; a whitelist must contain the peer address.

#include <optional>
#include <string>
#include <string_view>

#include "tests/support/mock_whm/host_state.h"

namespace tw::mock {

struct WhmCredentials {
  std::string user;
  std::string token;  // the secret: never log, never store
};

// Parses the header value (`whm USER:TOKEN`; the scheme is case-insensitive). nullopt when
// the scheme is not `whm`, there is no ':', or the user or token is empty.
[[nodiscard]] std::optional<WhmCredentials> parse_whm_authorization(std::string_view header);

// The user name the header authenticates, or nullopt. `peer` is the client's address as text.
[[nodiscard]] std::optional<std::string> authenticate(const UserTable& users,
                                                      std::string_view header,
                                                      std::string_view peer, EpochSeconds now);

// The user part of the header, for the request log (not a secret); empty when unparsable.
[[nodiscard]] std::string authorization_user(std::string_view header);

// The body of cpsrvd's 403 for bad credentials.
[[nodiscard]] std::string_view access_denied_body();

}  // namespace tw::mock
