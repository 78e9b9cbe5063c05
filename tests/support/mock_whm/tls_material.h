#pragma once
// TLS material made in-process with OpenSSL at start-up, so no test depends on files or on
// the openssl tool: a self-signed CA and a server certificate it signs, valid for
// 127.0.0.1, ::1 and localhost. Keys are EC P-256 (fast to generate). Valid from one hour
// ago for seven days.

#include <string>

namespace tw::mock {

struct TlsMaterial {
  std::string ca_pem;           // the CA certificate a client trusts
  std::string server_cert_pem;  // the server certificate (signed by the CA)
  std::string server_key_pem;   // its private key (PKCS#8 PEM)
  // curl's CURLOPT_PINNEDPUBLICKEY form of the server key:
  // "sha256//" + base64(sha256(DER SubjectPublicKeyInfo)).
  std::string server_pin;
};

// Generates fresh material. Throws std::runtime_error when OpenSSL fails.
[[nodiscard]] TlsMaterial generate_tls_material();

// A fresh CA certificate (PEM) unrelated to any other: a client that trusts only it must
// reject the fleet's server certificate ("wrong CA" tests).
[[nodiscard]] std::string generate_unrelated_ca_pem();

}  // namespace tw::mock
