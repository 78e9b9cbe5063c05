#include "tests/support/mock_whm/secrets.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace tw::mock {

std::string generate_secret() {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  // 252 = 7 * 36: bytes at or above it would bias the first characters, so they are dropped.
  static constexpr unsigned kLimit = 252;
  std::string secret;
  while (secret.size() < 32) {
    std::array<unsigned char, 64> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw std::runtime_error("RAND_bytes failed");
    }
    for (const unsigned char b : bytes) {
      if (b >= kLimit || secret.size() == 32) continue;
      secret += kAlphabet[b % kAlphabet.size()];
    }
  }
  export_secret(secret);
  return secret;
}

void export_secret(std::string_view secret) noexcept {
  static std::mutex mu;
  const std::lock_guard lock(mu);  // also keeps getenv() away from a concurrent caller
  const char* path = std::getenv(kSecretsFileVariable);
  if (path == nullptr || *path == '\0') return;
  std::array<char, 128> line{};
  if (secret.empty() || secret.size() >= line.size()) return;
  std::memcpy(line.data(), secret.data(), secret.size());
  line[secret.size()] = '\n';
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  ssize_t written = -1;
  if (fd >= 0) {
    do {
      written = ::write(fd, line.data(), secret.size() + 1);
    } while (written < 0 && errno == EINTR);
    ::close(fd);
  }
  if (written != static_cast<ssize_t>(secret.size() + 1)) {
    std::fprintf(stderr, "mock_whm: cannot append a secret to $%s (%s): %s\n", kSecretsFileVariable,
                 path, std::strerror(errno));
  }
}

bool is_valid_secret(std::string_view text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
         });
}

std::string sha512_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha512(), nullptr) != 1) {
    throw std::runtime_error("SHA-512 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4U];
    hex += kHex[digest[i] & 0x0FU];
  }
  return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tw::mock
