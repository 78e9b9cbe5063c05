#pragma once
// The rules for the strings a configuration names: host names, addresses, WHM user and token
// names, TLS pins, credential file names. Pure; internal to config/. Each returns nothing on
// success, or a message (without the offending value, which callers quote themselves).

#include <expected>
#include <string>
#include <string_view>

namespace tw::config {

using Check = std::expected<void, std::string>;

// A host's name in the fleet: [A-Za-z0-9._-]{1,64}.
[[nodiscard]] Check check_host_name(std::string_view name);

// A host address: a DNS name, an IPv4 literal or an IPv6 literal. No scheme, path or port.
// Returns the address as it is stored: an IPv6 literal loses its brackets ("[::1]" -> "::1").
[[nodiscard]] std::expected<std::string, std::string> normalize_address(std::string_view address);

// A system user name as WHM accepts it: [a-z_][a-z0-9_-]{0,31}.
[[nodiscard]] Check check_user_name(std::string_view user);

// A WHM API token name: [A-Za-z0-9_-]{1,50}.
[[nodiscard]] Check check_token_name(std::string_view name);

// A public-key pin in curl's CURLOPT_PINNEDPUBLICKEY form: `sha256//` followed by the base64
// of a 32-byte hash (44 characters ending in '='); several pins may be joined with ';'.
[[nodiscard]] Check check_pins(std::string_view pins);

// 32 characters of [0-9A-Z]: the shape of a WHM API token. Such text is never echoed.
[[nodiscard]] bool looks_like_api_token(std::string_view text);

// A credential's name: a plain file name (no '/', not "." or "..", no control characters).
[[nodiscard]] Check check_credential_name(std::string_view name);

// A policy rule's id: [a-z0-9][a-z0-9_.-]{0,63}.
[[nodiscard]] Check check_rule_id(std::string_view id);

// Globs over names (`*` any run of characters, `?` one character): 1 to 256 characters, each
// one the name can hold, or `*` or `?`. Any other character could never match.
[[nodiscard]] Check check_token_glob(std::string_view glob);  // over token names
[[nodiscard]] Check check_host_glob(std::string_view glob);   // over the fleet's host names
[[nodiscard]] Check check_user_glob(std::string_view glob);   // over WHM user names

// A host tag: a non-empty word (no whitespace or control characters).
[[nodiscard]] Check check_tag(std::string_view tag);

// An ACL name as policies write it: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}. Whether WHM knows it is
// config/acl_catalog.h's business.
[[nodiscard]] Check check_acl_name(std::string_view name);

}  // namespace tw::config
