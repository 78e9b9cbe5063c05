#pragma once
// SHA-256 over byte strings (OpenSSL's EVP API), for the policy version. Also the one SHA-256 of
// daemon/audit/ (record.h's sha256_hex, the audit trail's hash chain), which is why it is not
// internal to config/ like most of its headers.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tw::config {

// The SHA-256 of `pieces` concatenated, as 64 lowercase hex digits; nullopt when OpenSSL
// fails (out of memory).
[[nodiscard]] std::optional<std::string> sha256_hex(std::span<const std::string_view> pieces);

}  // namespace tw::config
