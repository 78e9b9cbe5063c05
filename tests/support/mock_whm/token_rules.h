#pragma once
// WHM's validation and normalisation of token parameters (whm-api.md §3 and §5). Each check
// returns, on failure, the *detail* part of WHM's reason string (the caller prefixes
// "The system failed to create the API token: " or similar). Pure functions.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/mock_whm/host_state.h"

namespace tw::mock {

// Wraps `text` in the Unicode quotes WHM uses: “text”.
[[nodiscard]] std::string quoted(std::string_view text);

// "a", "a and b", "a, b, and c" (cPanel's list_and).
[[nodiscard]] std::string list_and(const std::vector<std::string>& items);

// True when `name` matches ^[A-Za-z0-9_-]{1,50}$.
[[nodiscard]] bool is_valid_token_name(std::string_view name);

// The §3 "not a valid API token name" detail when `name` is invalid.
[[nodiscard]] std::expected<void, std::string> check_token_name(std::string_view name);

// Sorts and de-duplicates `given` (empty values are dropped). Every name must be a known ACL
// that `owner` holds, else `Invalid or unauthorized ACL(s) specified: ...`. An empty result is
// nullopt: no `acls` key, which WHM reads as full access.
[[nodiscard]] std::expected<std::optional<std::vector<std::string>>, std::string> normalise_acls(
    std::vector<std::string> given, const WhmUser& owner);

// `expires_at` as sent: "0" is nullopt (never expires); otherwise a decimal epoch that must be
// later than `now`.
[[nodiscard]] std::expected<std::optional<EpochSeconds>, std::string> parse_expires_at(
    std::string_view text, EpochSeconds now);

// The whitelist values of one call, normalised: `any` anywhere clears the list (nullopt); an
// empty value, more than 100 entries or an unparsable entry (host bits set included) fail;
// otherwise sorted (IPv4 first, then by address), rendered, de-duplicated.
[[nodiscard]] std::expected<std::optional<std::vector<std::string>>, std::string>
normalise_whitelist(const std::vector<std::string>& given);

// True when `peer` (an address as rendered by parse_ip_range) lies in one of `whitelist`.
[[nodiscard]] bool whitelist_allows(const std::vector<std::string>& whitelist,
                                    std::string_view peer);

}  // namespace tw::mock
