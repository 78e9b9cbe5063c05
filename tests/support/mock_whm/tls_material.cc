#include "tests/support/mock_whm/tls_material.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace tw::mock {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

void check(bool ok, std::string_view what) {
  if (!ok) throw std::runtime_error("OpenSSL: " + std::string(what) + " failed");
}

PKey new_key() {
  PKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "EC P-256 key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  check(ext != nullptr, "building an X.509 extension");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "adding an X.509 extension");
}

// A certificate for `key` named `common_name`, with a random serial and the validity period
// above. Not yet signed; the issuer name is set by the caller.
Cert new_certificate(EVP_PKEY* key, std::string_view common_name) {
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
  Bignum serial(BN_new());
  check(serial != nullptr && BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
        "serial number");
  check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr,
        "serial number");
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600) != nullptr, "notAfter");
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  const std::string cn(common_name);
  check(X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                   0) == 1,
        "subject name");
  return cert;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);
  check(length >= 0 && data != nullptr, "reading a memory BIO");
  return std::string(data, static_cast<std::size_t>(length));
}

std::string cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(bio != nullptr && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return bio_text(bio.get());
}

std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(bio != nullptr &&
            PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return bio_text(bio.get());
}

std::string public_key_pin(EVP_PKEY* key) {
  const int length = i2d_PUBKEY(key, nullptr);
  check(length > 0, "i2d_PUBKEY");
  std::vector<unsigned char> der(static_cast<std::size_t>(length));
  unsigned char* cursor = der.data();
  check(i2d_PUBKEY(key, &cursor) == length, "i2d_PUBKEY");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  check(EVP_Digest(der.data(), der.size(), digest, &digest_length, EVP_sha256(), nullptr) == 1,
        "SHA-256");
  std::vector<unsigned char> base64(4 * ((digest_length + 2) / 3) + 1);
  const int written = EVP_EncodeBlock(base64.data(), digest, static_cast<int>(digest_length));
  check(written > 0, "EVP_EncodeBlock");
  return "sha256//" + std::string(reinterpret_cast<const char*>(base64.data()),
                                  static_cast<std::size_t>(written));
}

std::string random_suffix() {
  Bignum n(BN_new());
  check(n != nullptr && BN_rand(n.get(), 32, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1, "BN_rand");
  char* hex = BN_bn2hex(n.get());
  check(hex != nullptr, "BN_bn2hex");
  std::string out(hex);
  OPENSSL_free(hex);
  return out;
}

struct CaPair {
  PKey key;
  Cert cert;
};

CaPair new_ca() {
  CaPair ca{new_key(), nullptr};
  ca.cert = new_certificate(ca.key.get(), "tokenwarden mock WHM CA " + random_suffix());
  X509* cert = ca.cert.get();
  check(X509_set_issuer_name(cert, X509_get_subject_name(cert)) == 1, "issuer name");
  add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert, cert, NID_subject_key_identifier, "hash");
  add_extension(cert, cert, NID_authority_key_identifier, "keyid:always");
  check(X509_sign(cert, ca.key.get(), EVP_sha256()) > 0, "signing the CA certificate");
  return ca;
}

}  // namespace

TlsMaterial generate_tls_material() {
  const CaPair ca = new_ca();
  const PKey key = new_key();
  const Cert cert = new_certificate(key.get(), "localhost");
  X509* server = cert.get();
  check(X509_set_issuer_name(server, X509_get_subject_name(ca.cert.get())) == 1, "issuer name");
  add_extension(server, ca.cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(server, ca.cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(server, ca.cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(server, ca.cert.get(), NID_subject_key_identifier, "hash");
  add_extension(server, ca.cert.get(), NID_authority_key_identifier, "keyid:always");
  add_extension(server, ca.cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost,IP:::1");
  check(X509_sign(server, ca.key.get(), EVP_sha256()) > 0, "signing the server certificate");
  return TlsMaterial{cert_pem(ca.cert.get()), cert_pem(server), key_pem(key.get()),
                     public_key_pin(key.get())};
}

std::string generate_unrelated_ca_pem() {
  return cert_pem(new_ca().cert.get());
}

}  // namespace tw::mock
