#pragma once
// Token secrets as WHM makes and stores them (whm-api.md §2): 32 characters from [0-9A-Z],
// stored only as the lower-case hex SHA-512 of the secret.

#include <string>
#include <string_view>

namespace tw::mock {

// A fresh secret from OpenSSL's CSPRNG (rejection sampling, so every character is uniform).
// Throws std::runtime_error if the CSPRNG fails.
[[nodiscard]] std::string generate_secret();

// True when `text` matches \A[0-9A-Z]{32}\z.
[[nodiscard]] bool is_valid_secret(std::string_view text);

// Lower-case hex SHA-512 of `text` (128 characters).
[[nodiscard]] std::string sha512_hex(std::string_view text);

// Constant-time equality of two strings of equal length (false when lengths differ).
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tw::mock
