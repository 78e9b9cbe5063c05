// Fixture files: every key, relative times, `never`, host patterns, errors with positions;
// the fleet they build; the files mock-whm-fleet writes for tokenwarden.

#include "tests/support/mock_whm/fixture.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/fleet_files.h"
#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/test_fleet.h"

namespace tw::mock::testing {
namespace {

constexpr EpochSeconds kNow = 1'750'000'000;
constexpr EpochSeconds kDay = 86400;

constexpr const char* kFixture = R"(
hosts:
  - name: whm01
    tags: [production, eu]
    users:
      root:
        acls: [all]
        tokens:
          - {name: tokenwarden, secret: "AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH", acls: [all]}
          - {name: old-backup, created: -400d, expires: never}
          - {name: ci-deploy, created: -20d, expires: +10d, acls: [list-accts, create-acct, list-accts],
             whitelist: [192.0.2.0/24, "2001:db8::/32", 192.0.2.0/24]}
          - {name: expired-one, created: 1700000000, expires: -5d, acls: [list-accts]}
      reseller1:
        acls: [list-accts, create-acct, acct-summary]
        tokens:
          - {name: first-known, secret: "RRRR0000000000000000000000000001"}
          - {name: tokenwarden, secret: "RRRR0000000000000000000000000002", acls: [list-accts]}
      reseller2:
    faults: {status: 503, functions: [api_token_revoke], next: 2}
  - name_pattern: "bulk%03d"
    count: 3
    tags: [bulk]
    users:
      root:
        tokens:
          - {name: tokenwarden, secret: "BULK0000000000000000000000000001"}
  - name_pattern: "edge-%d"
    count: 2
    start: 9
)";

TEST(Fixture, ReadsEveryKey) {
  const auto spec = parse_fixture(kFixture, kNow);
  ASSERT_TRUE(spec.has_value()) << spec.error();
  ASSERT_EQ(spec->hosts.size(), 6U);
  const HostSpec& whm01 = spec->hosts[0];
  EXPECT_EQ(whm01.name, "whm01");
  EXPECT_EQ(whm01.tags, (std::vector<std::string>{"production", "eu"}));
  ASSERT_EQ(whm01.users.size(), 3U);
  const UserSpec& root = whm01.users[0];
  EXPECT_EQ(root.name, "root");
  EXPECT_EQ(root.acls, std::vector<std::string>{"all"});
  ASSERT_EQ(root.tokens.size(), 4U);
  EXPECT_EQ(root.tokens[0].secret, "AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH");
  EXPECT_FALSE(root.tokens[0].create_time.has_value());  // "now" when the fleet is built
  EXPECT_EQ(root.tokens[1].create_time, kNow - 400 * kDay);
  EXPECT_FALSE(root.tokens[1].expires_at.has_value());
  EXPECT_FALSE(root.tokens[1].acls.has_value());
  EXPECT_EQ(root.tokens[2].expires_at, kNow + 10 * kDay);
  EXPECT_EQ(root.tokens[3].create_time, 1700000000);
  EXPECT_EQ(root.tokens[3].expires_at, kNow - 5 * kDay);
  EXPECT_EQ(whm01.users[1].name, "reseller1");
  EXPECT_EQ(whm01.users[2].name, "reseller2");
  EXPECT_EQ(whm01.users[2].acls, initial_reseller_acl_names());  // a reseller's default
  ASSERT_TRUE(whm01.fault.has_value());
  EXPECT_EQ(whm01.fault->kind, FaultKind::kHttpStatus);
  EXPECT_EQ(whm01.fault->http_status, 503U);
  EXPECT_EQ(whm01.fault->remaining, 2U);
  EXPECT_TRUE(whm01.fault->matches("api_token_revoke"));
  EXPECT_FALSE(whm01.fault->matches("api_token_list"));
  EXPECT_EQ(spec->hosts[1].name, "bulk001");
  EXPECT_EQ(spec->hosts[3].name, "bulk003");
  EXPECT_EQ(spec->hosts[3].tags, std::vector<std::string>{"bulk"});
  EXPECT_EQ(spec->hosts[4].name, "edge-9");
  EXPECT_EQ(spec->hosts[5].name, "edge-10");
  EXPECT_TRUE(spec->hosts[5].users.empty());  // root holding `all`, no tokens
}

TEST(Fixture, ErrorsNameTheirPosition) {
  const std::pair<const char*, const char*> cases[] = {
      {"hosts:\n  - {name: a, colour: red}\n", "<fixture>:2:15: unknown key `colour` in a host"},
      {"hosts:\n  - name: a\n    users:\n      root:\n        tokens:\n          - {name: t, "
       "created: soon}\n",
       "<fixture>:6:32: created: not a time"},
      {"hosts:\n  - name: a\n    users: {root: {tokens: [{name: t, created: never}]}}\n",
       "<fixture>:3:48: created: `never` is not allowed here"},
      {"hosts:\n  - {name_pattern: \"x%s\", count: 2}\n", "<fixture>:2:20: name_pattern needs"},
      {"hosts:\n  - {name_pattern: \"x%d\"}\n", "<fixture>:2:5: a host pattern needs a `count`"},
      {"hosts:\n  - {name: a, faults: {status: 503, reset: true}}\n",
       "<fixture>:2:23: faults: choose at most one"},
      {"hosts:\n  - {name: a}\n  - {name: a}\n", "<fixture>: host `a`: listed twice"},
      {"hosts:\n  - {name: a, users: {root: {tokens: [{name: t, secret: short}]}}}\n",
       "<fixture>: host `a` user `root` token `t`: a secret is 32 characters"},
      {"hosts:\n  - {name: a, users: {r: {acls: [all, nope]}}}\n",
       "<fixture>: host `a` user `r`: unknown ACL `nope`"},
      {"hosts:\n  - {name: a, users: {root: {tokens: [{name: t, whitelist: [10.0.0.1/8]}]}}}\n",
       "Invalid IP address or CIDR range specified: 10.0.0.1/8"},
      {"hosts: [\n", "<fixture>:2:1: "},
      {"servers: []\n", "<fixture>:1:1: unknown key `servers` in the fixture"},
      {"hosts:\n  - 42\n", "<fixture>:2:5: a host must be a mapping"},
  };
  for (const auto& [text, expected] : cases) {
    const auto spec = parse_fixture(text, kNow);
    ASSERT_FALSE(spec.has_value()) << text;
    EXPECT_NE(spec.error().find(expected), std::string::npos) << spec.error();
  }
}

TEST(Fixture, NamePatterns) {
  EXPECT_EQ(expand_name_pattern("bulk%03d", 7), "bulk007");
  EXPECT_EQ(expand_name_pattern("bulk%03d", 1234), "bulk1234");
  EXPECT_EQ(expand_name_pattern("%d-x", 5), "5-x");
  EXPECT_EQ(expand_name_pattern("h%2d", 5), "h 5");
  EXPECT_FALSE(expand_name_pattern("h%s", 1));
  EXPECT_FALSE(expand_name_pattern("h%d%d", 1));
  EXPECT_FALSE(expand_name_pattern("plain", 1));
  EXPECT_FALSE(expand_name_pattern("h%10d", 1));
}

TEST(Fixture, BuildsTheFleetItDescribes) {
  auto spec = parse_fixture(kFixture, now_epoch());
  ASSERT_TRUE(spec.has_value()) << spec.error();
  Fleet fleet(std::move(*spec));
  const auto tokens = fleet.host("whm01").tokens("root");
  ASSERT_EQ(tokens.size(), 4U);
  const StoredToken& ci = tokens[0];
  EXPECT_EQ(ci.name, "ci-deploy");
  EXPECT_EQ(ci.acls, (std::vector<std::string>{"create-acct", "list-accts"}));
  EXPECT_EQ(ci.whitelist_ips, (std::vector<std::string>{
                                  "192.0.2.0/24", "2001:0db8:0000:0000:0000:0000:0000:0000/32"}));
  EXPECT_EQ(tokens[3].name, "tokenwarden");
  EXPECT_EQ(tokens[3].hash, sha512_hex("AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH"));
  EXPECT_EQ(fleet.host("whm01").users(),
            (std::vector<std::string>{"reseller1", "reseller2", "root"}));
  EXPECT_TRUE(fleet.host("whm01").fault().has_value());
  EXPECT_EQ(fleet.host_names().size(), 6U);
}

TEST(Fixture, LoadsFromAFile) {
  const auto path = std::filesystem::path(::testing::TempDir()) /
                    ("mock_whm_fixture_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << kFixture;
  const auto spec = load_fixture_file(path, kNow);
  ASSERT_TRUE(spec.has_value()) << spec.error();
  EXPECT_EQ(spec->hosts.size(), 6U);
  std::filesystem::remove(path);
  const auto missing = load_fixture_file(path, kNow);
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("cannot read"), std::string::npos);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(FleetFiles, WritesCaCredentialsAndConfiguration) {
  auto spec = parse_fixture(kFixture, now_epoch());
  ASSERT_TRUE(spec.has_value()) << spec.error();
  Fleet fleet(std::move(*spec));
  fleet.start();
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("mock_whm_files_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const FleetFiles files = write_fleet_files(fleet, dir);
  const std::string root = std::filesystem::canonical(dir).string();
  EXPECT_EQ(read_file(files.ca_file), fleet.ca_pem());
  // reseller1 has two known secrets: the `tokenwarden` one wins.
  EXPECT_EQ(read_file(files.credentials_dir / "whm01-reseller1"),
            "RRRR0000000000000000000000000002\n");
  EXPECT_EQ(read_file(files.credentials_dir / "whm01-root"), "AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH\n");
  EXPECT_EQ(read_file(files.credentials_dir / "bulk002-root"),
            "BULK0000000000000000000000000001\n");
  EXPECT_FALSE(std::filesystem::exists(files.credentials_dir / "whm01-reseller2"));
  struct stat st {};
  ASSERT_EQ(::stat((files.credentials_dir / "whm01-root").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  ASSERT_EQ(::stat(files.credentials_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);

  const auto port = [&](const char* name) { return std::to_string(fleet.host(name).port()); };
  const std::string expected =
      "# generated by mock-whm-fleet\n"
      "concurrency: 16\n"
      "timeouts: {connect: 5s, request: 30s}\n"
      "credentials_dir: " +
      root +
      "/credentials\n"
      "fleet:\n"
      "  defaults: {port: 2087, user: root, self_token: tokenwarden, tls: {ca_file: " +
      root +
      "/ca.pem}}\n"
      "  hosts:\n"
      "    - {name: whm01, address: 127.0.0.1, port: " +
      port("whm01") +
      ", tags: [production, eu], "
      "accounts: [{user: root, credential: whm01-root}, {user: reseller1, credential: "
      "whm01-reseller1}]}\n"
      "    - {name: bulk001, address: 127.0.0.1, port: " +
      port("bulk001") +
      ", tags: [bulk], user: root, credential: bulk001-root}\n"
      "    - {name: bulk002, address: 127.0.0.1, port: " +
      port("bulk002") +
      ", tags: [bulk], user: root, credential: bulk002-root}\n"
      "    - {name: bulk003, address: 127.0.0.1, port: " +
      port("bulk003") +
      ", tags: [bulk], user: root, credential: bulk003-root}\n"
      "    # edge-9: no user has a known secret, so it is not listed\n"
      "    # edge-10: no user has a known secret, so it is not listed\n";
  EXPECT_EQ(read_file(files.config_file), expected);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tw::mock::testing
