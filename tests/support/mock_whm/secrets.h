#pragma once
// Token secrets as WHM makes and stores them (whm-api.md §2): 32 characters from [0-9A-Z],
// stored only as the lower-case hex SHA-512 of the secret.

#include <string>
#include <string_view>

namespace tw::mock {

// The environment variable naming the file every secret the mock knows is appended to.
inline constexpr const char* kSecretsFileVariable = "TOKENWARDEN_TEST_SECRETS_FILE";

// A fresh secret from OpenSSL's CSPRNG (rejection sampling, so every character is uniform).
// Exported (below) before it is returned. Throws std::runtime_error if the CSPRNG fails.
[[nodiscard]] std::string generate_secret();

// When $TOKENWARDEN_TEST_SECRETS_FILE is set, appends `secret` and a newline to that file
// (created 0600 if needed; one O_APPEND write per secret, so lines from several threads and
// processes never interleave), so the test scripts can check that no output holds a secret
// the mock knows: fixture secrets, random ones and those api_token_create returns. Does
// nothing when the variable is unset or empty. Thread-safe; never throws (a failure is
// reported on stderr).
void export_secret(std::string_view secret) noexcept;

// True when `text` matches \A[0-9A-Z]{32}\z.
[[nodiscard]] bool is_valid_secret(std::string_view text);

// Lower-case hex SHA-512 of `text` (128 characters).
[[nodiscard]] std::string sha512_hex(std::string_view text);

// Constant-time equality of two strings of equal length (false when lengths differ).
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tw::mock
