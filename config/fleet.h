#pragma once
// The fleet part of the configuration snapshot: which WHM hosts to manage and how to reach
// them. Immutable once loaded; built by load_config() (config/load_config.h).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/secret.h"
#include "policy/plan.h"

namespace tw::config {

// How a host's TLS certificate is checked. Host name (or IP) verification is always on.
// - ca_file set: the chain must verify against that CA bundle.
// - pinned_public_key set (`sha256//BASE64`, as curl's CURLOPT_PINNEDPUBLICKEY): the server's
//   public key must match; with a pin and no ca_file the chain is not checked against any CA
//   (WHM hosts commonly use self-signed certificates), the pin alone authenticates the host.
// - neither: the system trust store.
struct TlsSettings {
  std::optional<std::filesystem::path> ca_file;
  std::optional<std::string> pinned_public_key;
  friend bool operator==(const TlsSettings&, const TlsSettings&) = default;
};

// One WHM user on a host whose tokens tokenwarden manages, with the credential it uses.
// Tokens are per user in WHM: root's credential only sees root's tokens.
struct Account {
  std::string user;             // WHM user name (`root` or a reseller)
  std::string credential_name;  // the credential file's name, for messages
  Secret token;                 // the API token read from that file
};

struct Host {
  std::string name;     // unique in the fleet; used in output and the audit trail
  std::string address;  // DNS name, IPv4 or IPv6 literal (without brackets)
  std::uint16_t port = 2087;
  std::vector<std::string> tags;
  std::vector<Account> accounts;  // at least one
  TlsSettings tls;
  std::string self_token = "tokenwarden";  // the daemon's own token name on this host

  // https://address:port (IPv6 literals in brackets), without a trailing slash.
  [[nodiscard]] std::string base_url() const;
};

struct Timeouts {
  std::chrono::milliseconds connect{5'000};
  std::chrono::milliseconds request{30'000};  // the whole exchange, connect included
};

// Whether sweeps may change tokens. Mutations need both `mode: enforce` in the file and an
// explicit request (`scan --enforce`, or the daemon); dry-run is the default.
enum class Mode { dry_run, enforce };

// Where the audit trail goes (daemon/audit). Required before anything is mutated.
struct AuditSettings {
  std::filesystem::path path;  // resolved against the configuration file's directory
  // The trail is rotated (renamed with a UTC suffix, a new file continues the hash chain) at the
  // start of a sweep once the file is at least this large.
  std::uint64_t max_bytes = 64ULL << 20U;
  friend bool operator==(const AuditSettings&, const AuditSettings&) = default;
};

// Settings that are not about one host.
struct Settings {
  Mode mode = Mode::dry_run;
  // The daemon sweeps each host once per interval, at a stable offset inside it (splay).
  std::chrono::milliseconds interval{15 * 60 * 1000};
  unsigned concurrency = 64;  // hosts (requests) in flight at once
  Timeouts timeouts;
  std::size_t max_response_bytes = 8U << 20U;  // a body over this is cut off
  // The `policies` directory, resolved against the configuration file's directory; empty when
  // the file sets none. load_config() does not read it: see config/load_policies.h.
  std::filesystem::path policies_dir;
  // Safety caps on mutations (policy/plan.h); on by default.
  policy::Limits limits;
  // `audit: {path, max_bytes}`; nullopt when the file sets none (then nothing is mutated).
  std::optional<AuditSettings> audit;
  // `state_dir`, resolved like `policies`: grace history lives here. Empty when the file sets
  // none (then grace starts afresh on every run, and nothing is mutated).
  std::filesystem::path state_dir;
};

// The immutable result of loading the configuration.
struct Snapshot {
  std::filesystem::path source;  // the main configuration file
  Settings settings;
  std::vector<Host> hosts;  // in file order
};

}  // namespace tw::config
