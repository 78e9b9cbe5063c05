// Loading valid configurations: every key, defaults, TLS merge, accounts, path resolution and
// where credentials come from.

#include "config/load_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/config/config_test_fixture.h"

namespace tw::config::testing {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kPinA = "sha256//ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=";
constexpr std::string_view kPinB = "sha256//PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0=";

class LoadConfigTest : public ConfigTest {};

TEST_F(LoadConfigTest, FullConfigurationWithEveryKey) {
  write_file("ca/whm-ca.pem", "-----BEGIN CERTIFICATE-----\n", std::filesystem::perms(0644));
  write_file("other-ca.pem", "-----BEGIN CERTIFICATE-----\n", std::filesystem::perms(0644));
  write_credential("whm01", "TOKEN-WHM01");
  write_credential("whm02", "TOKEN-WHM02");
  write_credential("whm03-root", "TOKEN-WHM03-ROOT");
  write_credential("whm03-reseller1", "TOKEN-WHM03-RESELLER1");
  write_credential("whm04", "TOKEN-WHM04");
  const std::string yaml = R"(# tokenwarden
concurrency: 16
timeouts: {connect: 2s, request: 1m}
max_response_bytes: 1048576
credentials_dir: credentials
fleet:
  defaults: {port: 2088, user: admin, self_token: tw-daemon, tls: {ca_file: ca/whm-ca.pem}}
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01, tags: [production, eu]}
    - {name: whm02, address: 198.51.100.7, port: 443, credential: whm02, tls: {pin: ")" +
                           std::string(kPinA) + ";" + std::string(kPinB) + R"("}}
    - name: whm03
      address: "2001:db8::7"
      self_token: other_token
      accounts:
        - {user: root, credential: whm03-root}
        - {user: reseller1, credential: whm03-reseller1}
    - name: whm04
      address: "[2001:db8::8]"
      user: root
      credential: whm04
      tls: {ca_file: )" + (dir_ / "other-ca.pem").string() +
                           R"(, pin: ")" + std::string(kPinA) + R"("}
)";
  const Snapshot snapshot = snapshot_of(yaml);

  EXPECT_EQ(snapshot.source, config_path_);
  EXPECT_EQ(snapshot.settings.concurrency, 16U);
  EXPECT_EQ(snapshot.settings.timeouts.connect, milliseconds(2000));
  EXPECT_EQ(snapshot.settings.timeouts.request, milliseconds(60000));
  EXPECT_EQ(snapshot.settings.max_response_bytes, 1048576U);
  ASSERT_EQ(snapshot.hosts.size(), 4U);

  const Host& whm01 = snapshot.hosts[0];
  EXPECT_EQ(whm01.name, "whm01");
  EXPECT_EQ(whm01.address, "whm01.example.net");
  EXPECT_EQ(whm01.port, 2088);
  EXPECT_EQ(whm01.self_token, "tw-daemon");
  EXPECT_EQ(whm01.tags, (std::vector<std::string>{"production", "eu"}));
  EXPECT_EQ(whm01.tls.ca_file, dir_ / "ca/whm-ca.pem");
  EXPECT_FALSE(whm01.tls.pinned_public_key);
  ASSERT_EQ(whm01.accounts.size(), 1U);
  EXPECT_EQ(whm01.accounts[0].user, "admin");
  EXPECT_EQ(whm01.accounts[0].credential_name, "whm01");
  EXPECT_EQ(whm01.accounts[0].token.reveal(), "TOKEN-WHM01");

  // tls merges key by key: the pin is added, the default CA stays.
  const Host& whm02 = snapshot.hosts[1];
  EXPECT_EQ(whm02.port, 443);
  EXPECT_EQ(whm02.tls.ca_file, dir_ / "ca/whm-ca.pem");
  EXPECT_EQ(whm02.tls.pinned_public_key, std::string(kPinA) + ";" + std::string(kPinB));
  EXPECT_TRUE(whm02.tags.empty());

  const Host& whm03 = snapshot.hosts[2];
  EXPECT_EQ(whm03.address, "2001:db8::7");
  EXPECT_EQ(whm03.self_token, "other_token");
  ASSERT_EQ(whm03.accounts.size(), 2U);
  EXPECT_EQ(whm03.accounts[0].user, "root");
  EXPECT_EQ(whm03.accounts[0].credential_name, "whm03-root");
  EXPECT_EQ(whm03.accounts[0].token.reveal(), "TOKEN-WHM03-ROOT");
  EXPECT_EQ(whm03.accounts[1].user, "reseller1");
  EXPECT_EQ(whm03.accounts[1].token.reveal(), "TOKEN-WHM03-RESELLER1");

  const Host& whm04 = snapshot.hosts[3];
  EXPECT_EQ(whm04.address, "2001:db8::8");  // brackets stripped
  EXPECT_EQ(whm04.accounts[0].user, "root");
  EXPECT_EQ(whm04.tls.ca_file, dir_ / "other-ca.pem");  // absolute path kept
  EXPECT_EQ(whm04.tls.pinned_public_key, std::string(kPinA));
}

TEST_F(LoadConfigTest, CaFileNoneDropsTheInheritedCa) {
  write_file("ca/whm-ca.pem", "-----BEGIN CERTIFICATE-----\n", std::filesystem::perms(0644));
  write_credential("whm01");
  write_credential("whm02");
  const Snapshot snapshot = snapshot_of(R"(credentials_dir: credentials
fleet:
  defaults: {tls: {ca_file: ca/whm-ca.pem}}
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
    - {name: whm02, address: whm02.example.net, credential: whm02, tls: {ca_file: none, pin: ")" +
                                        std::string(kPinA) + R"("}}
)");
  ASSERT_EQ(snapshot.hosts.size(), 2U);
  EXPECT_EQ(snapshot.hosts[0].tls.ca_file, dir_ / "ca/whm-ca.pem");
  EXPECT_FALSE(snapshot.hosts[1].tls.ca_file.has_value());
  EXPECT_EQ(snapshot.hosts[1].tls.pinned_public_key, std::string(kPinA));
}

TEST_F(LoadConfigTest, LimitsAreRead) {
  write_credential("whm01");
  const Snapshot snapshot = snapshot_of(R"(credentials_dir: credentials
limits: {max_mutations_per_sweep: 0, max_revoke_percent_per_host: 100}
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)");
  EXPECT_EQ(snapshot.settings.limits.max_mutations_per_sweep, 0U);
  EXPECT_EQ(snapshot.settings.limits.max_mutations_per_host, 10U);  // default kept
  EXPECT_EQ(snapshot.settings.limits.max_revoke_percent_per_host, 100U);
}

TEST_F(LoadConfigTest, IntervalIsReadAndDefaultsToFifteenMinutes) {
  EXPECT_EQ(snapshot_of("fleet: {hosts: []}\n").settings.interval, std::chrono::minutes(15));
  EXPECT_EQ(snapshot_of("interval: 2s\nfleet: {hosts: []}\n").settings.interval,
            std::chrono::seconds(2));
  EXPECT_EQ(snapshot_of("interval: 1w\nfleet: {hosts: []}\n").settings.interval,
            std::chrono::hours(24 * 7));
}

TEST_F(LoadConfigTest, EnforcementKeysAreRead) {
  const Snapshot snapshot = snapshot_of(R"(mode: enforce
audit: {path: /var/log/tokenwarden/audit.log, max_bytes: 1048576}
state_dir: /var/lib/tokenwarden
fleet: {hosts: []}
)");
  EXPECT_EQ(snapshot.settings.mode, Mode::enforce);
  ASSERT_TRUE(snapshot.settings.audit.has_value());
  EXPECT_EQ(snapshot.settings.audit->path, "/var/log/tokenwarden/audit.log");
  EXPECT_EQ(snapshot.settings.audit->max_bytes, 1048576U);
  EXPECT_EQ(snapshot.settings.state_dir, "/var/lib/tokenwarden");
}

TEST_F(LoadConfigTest, ModeDryRunAndAuditDefaults) {
  const Snapshot snapshot = snapshot_of(R"(mode: dry-run
audit:
  path: audit.log
fleet: {hosts: []}
)");
  EXPECT_EQ(snapshot.settings.mode, Mode::dry_run);
  ASSERT_TRUE(snapshot.settings.audit.has_value());
  EXPECT_EQ(snapshot.settings.audit->path, dir_ / "audit.log");
  EXPECT_EQ(snapshot.settings.audit->max_bytes, 64ULL << 20U);  // default kept
  EXPECT_TRUE(snapshot.settings.state_dir.empty());

  // The smallest rotation size, and quoted spellings.
  const Snapshot smallest = snapshot_of(R"(mode: "enforce"
audit: {path: 'log/audit.log', max_bytes: 4096}
fleet: {hosts: []}
)");
  EXPECT_EQ(smallest.settings.mode, Mode::enforce);
  ASSERT_TRUE(smallest.settings.audit.has_value());
  EXPECT_EQ(smallest.settings.audit->max_bytes, 4096U);
  EXPECT_EQ(smallest.settings.audit->path, dir_ / "log/audit.log");
}

TEST_F(LoadConfigTest, DefaultsApplyWhenKeysAreLeftOut) {
  write_credential("whm01");
  const Snapshot snapshot = snapshot_of(R"(credentials_dir: credentials
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)");
  EXPECT_EQ(snapshot.settings.concurrency, 64U);
  EXPECT_EQ(snapshot.settings.timeouts.connect, milliseconds(5000));
  EXPECT_EQ(snapshot.settings.timeouts.request, milliseconds(30000));
  EXPECT_EQ(snapshot.settings.max_response_bytes, 8388608U);
  EXPECT_TRUE(snapshot.settings.policies_dir.empty());
  EXPECT_EQ(snapshot.settings.mode, Mode::dry_run);
  EXPECT_FALSE(snapshot.settings.audit.has_value());
  EXPECT_TRUE(snapshot.settings.state_dir.empty());
  EXPECT_EQ(snapshot.settings.limits.max_mutations_per_sweep, 50U);
  EXPECT_EQ(snapshot.settings.limits.max_mutations_per_host, 10U);
  EXPECT_EQ(snapshot.settings.limits.max_revoke_percent_per_host, 50U);
  ASSERT_EQ(snapshot.hosts.size(), 1U);
  const Host& host = snapshot.hosts[0];
  EXPECT_EQ(host.port, 2087);
  EXPECT_EQ(host.self_token, "tokenwarden");
  EXPECT_EQ(host.tls, TlsSettings{});
  ASSERT_EQ(host.accounts.size(), 1U);
  EXPECT_EQ(host.accounts[0].user, "root");
  EXPECT_EQ(host.accounts[0].token.reveal(), "TOKEN0123456789");
}

TEST_F(LoadConfigTest, HostsKeepFileOrderAndAnEmptyFleetIsValid) {
  for (const char* name : {"c", "a", "b"}) write_credential(name);
  const Snapshot snapshot = snapshot_of(R"(credentials_dir: credentials
fleet:
  hosts:
    - {name: c, address: c.example.net, credential: c}
    - {name: a, address: a.example.net, credential: a}
    - {name: b, address: b.example.net, credential: b}
)");
  ASSERT_EQ(snapshot.hosts.size(), 3U);
  EXPECT_EQ(snapshot.hosts[0].name, "c");
  EXPECT_EQ(snapshot.hosts[1].name, "a");
  EXPECT_EQ(snapshot.hosts[2].name, "b");

  EXPECT_TRUE(snapshot_of("fleet: {hosts: []}\n").hosts.empty());
}

TEST_F(LoadConfigTest, RelativePathsResolveAgainstTheConfigFilesDirectory) {
  write_file("etc/tls/ca.pem", "-----BEGIN CERTIFICATE-----\n", std::filesystem::perms(0644));
  write_file("secrets/whm01", "TOKEN-RELATIVE\n");
  const auto config = write_file("etc/tokenwarden.yaml", R"(credentials_dir: ../secrets
policies: policies.d
audit: {path: ../log/./audit.log}
state_dir: ../var/lib/tokenwarden/
fleet:
  defaults: {tls: {ca_file: tls/ca.pem}}
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)");
  // Load through a relative path from another working directory: nothing may depend on it.
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir_ / "etc");
  auto result = load_config("tokenwarden.yaml", {});
  std::filesystem::current_path(previous);

  ASSERT_TRUE(result) << format_errors(result.error());
  EXPECT_EQ(result->source, config);
  EXPECT_TRUE(result->source.is_absolute());
  EXPECT_EQ(result->hosts[0].tls.ca_file, dir_ / "etc/tls/ca.pem");
  EXPECT_EQ(result->hosts[0].accounts[0].token.reveal(), "TOKEN-RELATIVE");
  // The policy directory is resolved but not read (it need not exist yet): see load_policies.
  EXPECT_EQ(result->settings.policies_dir, dir_ / "etc/policies.d");
  // Likewise the audit trail and the state directory: created when first written.
  ASSERT_TRUE(result->settings.audit.has_value());
  EXPECT_EQ(result->settings.audit->path, dir_ / "log/audit.log");
  EXPECT_TRUE(result->settings.audit->path.is_absolute());
  EXPECT_EQ(result->settings.state_dir, dir_ / "var/lib/tokenwarden/");
}

TEST_F(LoadConfigTest, AbsolutePoliciesDirectoryIsKept) {
  write_credential("whm01");
  const Snapshot snapshot = snapshot_of(R"(credentials_dir: credentials
policies: /etc/tokenwarden/policies.d/
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)");
  EXPECT_EQ(snapshot.settings.policies_dir, "/etc/tokenwarden/policies.d/");
}

TEST_F(LoadConfigTest, CredentialsDirectoryOptionTakesPrecedence) {
  write_credential("whm01", "FROM-CONFIG-DIR");
  write_file("systemd-credentials/whm01", "FROM-SYSTEMD\r\n", std::filesystem::perms(0400));
  const std::string yaml = R"(credentials_dir: credentials
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)";
  const Snapshot from_file = snapshot_of(yaml);
  EXPECT_EQ(from_file.hosts[0].accounts[0].token.reveal(), "FROM-CONFIG-DIR");

  const LoadOptions options{dir_ / "systemd-credentials"};
  const Snapshot from_systemd = snapshot_of(yaml, options);
  EXPECT_EQ(from_systemd.hosts[0].accounts[0].token.reveal(), "FROM-SYSTEMD");
}

TEST_F(LoadConfigTest, CredentialsDirectoryOptionWorksWithoutCredentialsDir) {
  write_file("run/whm01", "FROM-SYSTEMD", std::filesystem::perms(0400));  // no newline
  const Snapshot snapshot = snapshot_of(R"(fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)",
                                        LoadOptions{dir_ / "run"});
  EXPECT_EQ(snapshot.hosts[0].accounts[0].token.reveal(), "FROM-SYSTEMD");
}

TEST_F(LoadConfigTest, CredentialsDirNeedNotExistWhenTheOptionIsSet) {
  write_file("run/whm01", "FROM-SYSTEMD\n", std::filesystem::perms(0400));
  const Snapshot snapshot = snapshot_of(R"(credentials_dir: /nonexistent/tokenwarden
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)",
                                        LoadOptions{dir_ / "run"});
  EXPECT_EQ(snapshot.hosts[0].accounts[0].token.reveal(), "FROM-SYSTEMD");
}

TEST_F(LoadConfigTest, LongestAcceptedTokenAndQuotedScalars) {
  write_credential("whm01", std::string(4096, 'A'));
  const Snapshot snapshot = snapshot_of(R"("credentials_dir": 'credentials'
concurrency: "4096"
fleet:
  hosts:
    - {name: "whm01", address: 'whm01.example.net', credential: whm01, port: 65535}
)");
  EXPECT_EQ(snapshot.settings.concurrency, 4096U);
  EXPECT_EQ(snapshot.hosts[0].port, 65535);
  EXPECT_EQ(snapshot.hosts[0].accounts[0].token.reveal().size(), 4096U);
}

}  // namespace
}  // namespace tw::config::testing
