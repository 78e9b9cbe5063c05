#pragma once
// Turns WHM API 1 response bodies into the token model. Pure: no I/O. Accepts every shape
// ../shared/whm-api.md documents (ACLs as a 0/1 map in list and an array elsewhere; null, 0
// or absent expiry; null or absent allow-list; data absent or empty) and refuses what no real
// WHM sends: JSON nested deeper than kMaxJsonDepth, a body that is not an API 1 envelope,
// token names outside [A-Za-z0-9_-]{1,50}.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/whm/whm_error.h"
#include "policy/token.h"

namespace tw::whm {

inline constexpr int kMaxJsonDepth = 16;

// A token entry of a list that could not be taken into the model.
struct RejectedEntry {
  std::string name;    // as the host sent it, escaped for display
  std::string reason;  // why, for people
};

struct TokenList {
  std::vector<policy::Token> tokens;  // sorted by name
  std::vector<RejectedEntry> rejected;
};

// api_token_list. A well-formed list with some bad entries succeeds with those entries in
// `rejected` (they are hostile: the caller must not act on the host blindly).
[[nodiscard]] std::expected<TokenList, WhmError> parse_token_list(std::string_view body);

// api_token_get_details: nullopt when WHM does not recognise the token (or it is expired).
[[nodiscard]] std::expected<std::optional<policy::Token>, WhmError> parse_token_details(
    std::string_view body);

// api_token_update: the token's stored record after the update.
[[nodiscard]] std::expected<policy::Token, WhmError> parse_updated_token(std::string_view body);

// api_token_create: the new token's record and its secret (which appears only here).
struct CreatedToken {
  policy::Token token;
  std::string secret;  // move it into a config::Secret right away; never log it
};
[[nodiscard]] std::expected<CreatedToken, WhmError> parse_created_token(std::string_view body);

// api_token_revoke: success says nothing about which names existed; list again to confirm.
[[nodiscard]] std::expected<void, WhmError> parse_revoke(std::string_view body);

}  // namespace tw::whm
