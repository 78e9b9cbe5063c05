// Every kind of error in the main configuration file: each is reported at the file, line and
// column of the offending node, names the YAML path, and loading goes on to find the rest.

#include <gtest/gtest.h>

#include "config/load_config.h"
#include "tests/config/config_test_fixture.h"

namespace tw::config::testing {
namespace {

// Columns below count from 1; "    - {name: " puts `name` at column 8.
class LoadConfigErrorsTest : public ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    write_credential("whm01");
    write_credential("whm02");
  }
};

TEST_F(LoadConfigErrorsTest, UnknownTopLevelKey) {
  expect_single_error(
      R"(credentials_dir: credentials
modus: enforce
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)",
      2, 1,
      {"modus: unknown key",
       "expected one of: mode, interval, concurrency, timeouts, max_response_bytes, "
       "credentials_dir, policies, limits, audit, state_dir, fleet",
       "did you mean 'mode'?"});
}

TEST_F(LoadConfigErrorsTest, BadModeListsBothAndSuggestsTheClosest) {
  expect_single_error(
      "mode: enforced\nfleet: {hosts: []}\n", 1, 7,
      {"mode: 'enforced' is not a mode: use dry-run or enforce", "did you mean 'enforce'?"});
  expect_single_error(
      "fleet: {hosts: []}\nmode: dry_run\n", 2, 7,
      {"mode: 'dry_run' is not a mode: use dry-run or enforce", "did you mean 'dry-run'?"});
  // YAML booleans are not modes either, and a far-off word gets no suggestion.
  const ConfigErrors errors = errors_of("mode: true\nfleet: {hosts: []}\n");
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_EQ(errors[0].message, "mode: 'true' is not a mode: use dry-run or enforce");
}

TEST_F(LoadConfigErrorsTest, IntervalOutsideOneSecondToOneWeek) {
  expect_single_error("interval: 500ms\nfleet: {hosts: []}\n", 1, 11,
                      {"interval: interval must be between 1s and 1w, got 500ms"});
  expect_single_error("fleet: {hosts: []}\ninterval: 8d\n", 2, 11,
                      {"interval: interval must be between 1s and 1w, got 8d"});
  expect_single_error("interval: often\nfleet: {hosts: []}\n", 1, 11, {"interval:"});
}

TEST_F(LoadConfigErrorsTest, UnknownAuditKeySuggestsTheClosestOne) {
  expect_single_error("audit: {path: audit.log, max_byte: 4096}\nfleet: {hosts: []}\n", 1, 26,
                      {"audit.max_byte: unknown key", "expected one of: path, max_bytes",
                       "did you mean 'max_bytes'?"});
}

TEST_F(LoadConfigErrorsTest, AuditAndStateDirErrorsAreAllReported) {
  const ConfigErrors errors = errors_of(R"(mode: enforce
audit:
  max_bytes: 100
state_dir: ''
fleet: {hosts: []}
)");
  std::vector<std::string> found;
  for (const auto& error : errors) {
    found.push_back(std::to_string(error.line) + ":" + std::to_string(error.column) + " " +
                    error.message);
  }
  EXPECT_EQ(found, (std::vector<std::string>{
                       "3:3 audit: missing required key 'path'",
                       "3:14 audit.max_bytes: expected an integer from 4096 to 1099511627776, "
                       "got '100'",
                       "4:12 state_dir: must be a directory path, got ''",
                   }))
      << format_errors(errors);
}

TEST_F(LoadConfigErrorsTest, LimitOutOfRange) {
  expect_single_error(R"(credentials_dir: credentials
limits: {max_revoke_percent_per_host: 150}
fleet:
  hosts: []
)",
                      2, 39,
                      {"limits.max_revoke_percent_per_host: expected an integer from 0 to 100"});
}

TEST_F(LoadConfigErrorsTest, UnknownHostKeySuggestsTheClosestOne) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      credential: whm01
      tag: [eu]
)",
                      7, 7, {"fleet.hosts[0].tag: unknown key", "did you mean 'tags'?"});
}

TEST_F(LoadConfigErrorsTest, UnknownTlsKey) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  defaults: {tls: {verify: false}}
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
)",
                      3, 20, {"fleet.defaults.tls.verify: unknown key", "ca_file, pin"});
}

TEST_F(LoadConfigErrorsTest, UnknownAccountKey) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      accounts:
        - {user: root, credential: whm01, password: x}
)",
                      7, 43, {"fleet.hosts[0].accounts[0].password: unknown key"});
}

struct WrongType {
  const char* name;
  const char* yaml;
  int line;
  int column;
  const char* message;  // the whole expected message
};

class WrongTypeTest : public LoadConfigErrorsTest,
                      public ::testing::WithParamInterface<WrongType> {};

TEST_P(WrongTypeTest, IsReportedAtTheValue) {
  const WrongType& c = GetParam();
  const std::string yaml = std::string("credentials_dir: credentials\n") + c.yaml;
  const ConfigErrors errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_EQ(errors[0].line, c.line + 1) << errors[0].to_string();
  EXPECT_EQ(errors[0].column, c.column) << errors[0].to_string();
  EXPECT_EQ(errors[0].message, c.message);
}

constexpr const char* kHosts =
    "fleet:\n  hosts:\n    - {name: whm01, address: whm01.example.net, credential: whm01}\n";

INSTANTIATE_TEST_SUITE_P(
    EveryKind, WrongTypeTest,
    ::testing::Values(
        WrongType{"ListForInteger", "concurrency: [1]\nfleet: {hosts: []}\n", 1, 14,
                  "concurrency: expected an integer from 1 to 4096, got a list"},
        WrongType{"StringForInteger", "max_response_bytes: lots\nfleet: {hosts: []}\n", 1, 21,
                  "max_response_bytes: expected an integer from 1 to 1073741824, got 'lots'"},
        WrongType{"NothingForInteger", "concurrency:\nfleet: {hosts: []}\n", 1, 1,
                  "concurrency: expected an integer from 1 to 4096, got nothing"},
        WrongType{"NegativeInteger", "concurrency: -3\nfleet: {hosts: []}\n", 1, 14,
                  "concurrency: expected an integer from 1 to 4096, got '-3'"},
        WrongType{"ScalarForMapping", "timeouts: 5s\nfleet: {hosts: []}\n", 1, 11,
                  "timeouts: expected a mapping, got '5s'"},
        WrongType{"ListForMapping", "fleet: [whm01]\n", 1, 8,
                  "fleet: expected a mapping, got a list"},
        WrongType{"MappingForList", "fleet: {hosts: {name: whm01}}\n", 1, 16,
                  "fleet.hosts: expected a list, got a mapping"},
        WrongType{"ScalarForHost", "fleet:\n  hosts:\n    - whm01\n", 3, 7,
                  "fleet.hosts[0]: expected a mapping, got 'whm01'"},
        WrongType{"ListForString",
                  "fleet:\n  hosts:\n    - {name: [whm01], address: a.example.net, credential: "
                  "whm01}\n",
                  3, 14, "fleet.hosts[0].name: expected a string, got a list"},
        WrongType{"MappingForPath",
                  "fleet:\n  defaults: {tls: {ca_file: {path: x}}}\n  hosts: []\n", 2, 29,
                  "fleet.defaults.tls.ca_file: expected a string, got a mapping"},
        WrongType{"MappingForDuration", "timeouts: {connect: {s: 5}}\nfleet: {hosts: []}\n", 1, 21,
                  "timeouts.connect: expected a duration such as 5s or 2m, got a mapping"},
        WrongType{"ScalarForTags",
                  "fleet:\n  hosts:\n    - {name: whm01, address: a.example.net, credential: "
                  "whm01, tags: eu}\n",
                  3, 70, "fleet.hosts[0].tags: expected a list, got 'eu'"},
        WrongType{"ListInTags",
                  "fleet:\n  hosts:\n    - {name: whm01, address: a.example.net, credential: "
                  "whm01, tags: [eu, [x]]}\n",
                  3, 75, "fleet.hosts[0].tags[1]: expected a string, got a list"},
        WrongType{"ListForTls", "fleet:\n  defaults: {tls: [pin]}\n  hosts: []\n", 2, 19,
                  "fleet.defaults.tls: expected a mapping, got a list"},
        WrongType{"MappingForAccounts",
                  "fleet:\n  hosts:\n    - {name: whm01, address: a.example.net, accounts: "
                  "{user: root}}\n",
                  3, 55, "fleet.hosts[0].accounts: expected a list, got a mapping"},
        WrongType{"ListForPolicies", "policies: [a]\nfleet: {hosts: []}\n", 1, 11,
                  "policies: expected a string, got a list"},
        WrongType{"EmptyPolicies", "policies: ''\nfleet: {hosts: []}\n", 1, 11,
                  "policies: must be a directory path, got ''"},
        WrongType{"ListAsKey", "[a]: 1\nfleet: {hosts: []}\n", 1, 1,
                  "keys must be plain strings, got a list"},
        WrongType{"ListForMode", "mode: [enforce]\nfleet: {hosts: []}\n", 1, 7,
                  "mode: expected a string, got a list"},
        WrongType{"NothingForMode", "mode:\nfleet: {hosts: []}\n", 1, 1,
                  "mode: expected a string, got nothing"},
        WrongType{"ScalarForAudit", "audit: /var/log/tokenwarden/audit.log\nfleet: {hosts: []}\n",
                  1, 8,
                  "audit: expected a mapping {path: FILE, max_bytes: N}, got "
                  "'/var/log/tokenwarden/audit.log'"},
        WrongType{"ListForAudit", "audit: [audit.log]\nfleet: {hosts: []}\n", 1, 8,
                  "audit: expected a mapping, got a list"},
        WrongType{"AuditWithoutPath", "audit: {max_bytes: 4096}\nfleet: {hosts: []}\n", 1, 8,
                  "audit: missing required key 'path'"},
        WrongType{"EmptyAuditPath", "audit: {path: ''}\nfleet: {hosts: []}\n", 1, 15,
                  "audit.path: must be a file path, got ''"},
        WrongType{"MappingForAuditPath", "audit: {path: {file: x}}\nfleet: {hosts: []}\n", 1, 15,
                  "audit.path: expected a string, got a mapping"},
        WrongType{"AuditMaxBytesTooSmall",
                  "audit: {path: audit.log, max_bytes: 4095}\nfleet: {hosts: []}\n", 1, 37,
                  "audit.max_bytes: expected an integer from 4096 to 1099511627776, got '4095'"},
        WrongType{"AuditMaxBytesWithUnit",
                  "audit: {path: audit.log, max_bytes: 64MiB}\nfleet: {hosts: []}\n", 1, 37,
                  "audit.max_bytes: expected an integer from 4096 to 1099511627776, got '64MiB'"},
        WrongType{"AuditMaxBytesTooLarge",
                  "audit: {path: audit.log, max_bytes: 1099511627777}\nfleet: {hosts: []}\n", 1, 37,
                  "audit.max_bytes: expected an integer from 4096 to 1099511627776, got "
                  "'1099511627777'"},
        WrongType{"ListForStateDir", "state_dir: [a]\nfleet: {hosts: []}\n", 1, 12,
                  "state_dir: expected a string, got a list"},
        WrongType{"EmptyStateDir", "state_dir: ''\nfleet: {hosts: []}\n", 1, 12,
                  "state_dir: must be a directory path, got ''"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST_F(LoadConfigErrorsTest, RootThatIsNotAMappingHasNoPositionWhenItIsTheWholeDocument) {
  // The root's error is about the whole file: no line or column.
  const ConfigErrors errors = errors_of("just a string\n");
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_EQ(errors[0].message, "expected a mapping, got 'just a string'");
  const ConfigErrors list = errors_of("- fleet\n");
  ASSERT_EQ(list.size(), 1U) << format_errors(list);
  EXPECT_EQ(list[0].to_string(), config_path_.string() + ": expected a mapping, got a list");
}

TEST_F(LoadConfigErrorsTest, BadDuration) {
  expect_single_error(R"(credentials_dir: credentials
timeouts: {connect: 5 seconds, request: 30s}
fleet: {hosts: []}
)",
                      2, 21, {"timeouts.connect:", "5 seconds"});
  expect_single_error(R"(timeouts:
  connect: 5s
  request: 0s
fleet: {hosts: []}
)",
                      3, 12, {"timeouts.request: must be longer than zero"});
}

TEST_F(LoadConfigErrorsTest, ConnectLongerThanRequest) {
  expect_single_error(R"(timeouts: {connect: 1m, request: 30s}
fleet: {hosts: []}
)",
                      1, 21, {"timeouts.connect:", "1m", "30s"});
  // Only request written, below the default connect (5s): points at request.
  expect_single_error(R"(timeouts: {request: 2s}
fleet: {hosts: []}
)",
                      1, 21, {"timeouts.request:", "5s", "2s"});
}

TEST_F(LoadConfigErrorsTest, ConnectLongerThanRequestIsNotReportedWhenOneIsInvalid) {
  expect_single_error(R"(timeouts: {connect: 1m, request: soon}
fleet: {hosts: []}
)",
                      1, 34, {"timeouts.request:", "soon"});
}

TEST_F(LoadConfigErrorsTest, DuplicateHostNamePointsAtTheSecondAndNamesTheFirst) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
    - {name: whm02, address: whm02.example.net, credential: whm02}
    - {name: whm01, address: whm03.example.net, credential: whm02}
)",
                      6, 14, {"fleet.hosts[2].name:", "duplicate host name 'whm01'", "line 4"});
}

TEST_F(LoadConfigErrorsTest, DuplicateYamlKey) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      port: 2087
      credential: whm01
      port: 2088
)",
                      8, 7, {"fleet.hosts[0].port:", "duplicate key", "line 6, column 7"});
  expect_single_error(R"(fleet: {hosts: []}
fleet: {hosts: []}
)",
                      2, 1, {"fleet: duplicate key", "line 1, column 1"});
}

TEST_F(LoadConfigErrorsTest, MissingName) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - {address: whm01.example.net, credential: whm01}
)",
                      4, 7, {"fleet.hosts[0]: missing required key 'name'"});
}

TEST_F(LoadConfigErrorsTest, MissingAddress) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      credential: whm01
)",
                      4, 7, {"fleet.hosts[0]: missing required key 'address'"});
}

TEST_F(LoadConfigErrorsTest, MissingCredential) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, credential: whm01}
    - {name: whm02, address: whm02.example.net, user: root}
)",
                      5, 7, {"fleet.hosts[1]: missing required key 'credential'", "accounts"});
}

TEST_F(LoadConfigErrorsTest, MissingFleet) {
  const ConfigErrors errors = errors_of("concurrency: 8\n");
  ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
  EXPECT_EQ(errors[0].to_string(), config_path_.string() + ": missing required key 'fleet'");
}

TEST_F(LoadConfigErrorsTest, BothCredentialAndAccounts) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      credential: whm01
      accounts: [{user: root, credential: whm02}]
)",
                      7, 17,
                      {"fleet.hosts[0].accounts: cannot be combined with 'credential'", "line 6"});
}

TEST_F(LoadConfigErrorsTest, UserWithAccounts) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      user: root
      accounts: [{user: root, credential: whm02}]
)",
                      6, 13, {"fleet.hosts[0].user: cannot be combined with 'accounts'"});
}

TEST_F(LoadConfigErrorsTest, EmptyAccounts) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - {name: whm01, address: whm01.example.net, accounts: []}
)",
                      4, 59, {"fleet.hosts[0].accounts: must list at least one account"});
}

TEST_F(LoadConfigErrorsTest, DuplicateAccountUser) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      accounts:
        - {user: root, credential: whm01}
        - {user: root, credential: whm02}
)",
                      8, 18,
                      {"fleet.hosts[0].accounts[1].user:", "duplicate user 'root'", "line 7"});
}

TEST_F(LoadConfigErrorsTest, BadPort) {
  for (const char* port : {"0", "65536", "abc", "-1", "2087.5", "0x50", "080"}) {
    SCOPED_TRACE(port);
    expect_single_error(std::string(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      credential: whm01
      port: )") + port + "\n",
                        7, 13,
                        {"fleet.hosts[0].port: expected an integer from 1 to 65535, got '" +
                         std::string(port) + "'"});
  }
}

TEST_F(LoadConfigErrorsTest, BadAddress) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"https://whm01.example.net", "without a scheme"},
      {"whm01.example.net/whm", "without a path"},
      {"whm01.example.net:2087", "use the 'port' key"},
      {"'[::1]:2087'", "use the 'port' key"},
      {"'whm 01'", "whitespace"},
      {"''", "must not be empty"},
      {"2001:db8::zz", "not a valid IPv6 address"},
      {"300.1.1.1", "not a valid IPv4 address"},
      {"whm01..example.net", "empty label"},
      {"whm01@example.net", "contains '@'"},
  };
  for (const auto& [address, why] : cases) {
    SCOPED_TRACE(address);
    expect_single_error(std::string(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      credential: whm01
      address: )") + address +
                            "\n",
                        6, 16, {"fleet.hosts[0].address:", why});
  }
}

TEST_F(LoadConfigErrorsTest, BadNamesUsersAndTokenNames) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - {name: "whm 01", address: whm01.example.net, credential: whm01}
)",
                      4, 14, {"fleet.hosts[0].name: 'whm 01' must be 1 to 64"});
  expect_single_error(R"(credentials_dir: credentials
fleet:
  defaults: {user: Root}
  hosts: []
)",
                      3, 20, {"fleet.defaults.user: 'Root' must be a system user name"});
  expect_single_error(R"(credentials_dir: credentials
fleet:
  defaults: {self_token: "tw daemon"}
  hosts: []
)",
                      3, 26, {"fleet.defaults.self_token: 'tw daemon' must be a WHM token name"});
}

TEST_F(LoadConfigErrorsTest, BadPin) {
  const std::string valid = "sha256//ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=";
  for (const std::string& pin :
       {std::string("sha256//abc="),
        std::string("sha1//ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs="),
        valid.substr(0, valid.size() - 1) + "A", valid + ";", valid + ";sha256//x",
        std::string("sha256//ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSL!=")}) {
    SCOPED_TRACE(pin);
    expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts:
    - name: whm01
      address: whm01.example.net
      credential: whm01
      tls: {pin: ")" + pin + "\"}\n",
                        7, 18, {"fleet.hosts[0].tls.pin:", "is not a public-key pin"});
  }
}

TEST_F(LoadConfigErrorsTest, MissingCaFile) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  defaults:
    tls: {ca_file: missing-ca.pem}
  hosts: []
)",
                      4, 20,
                      {"fleet.defaults.tls.ca_file: CA file '" +
                       (dir_ / "missing-ca.pem").string() + "' does not exist"});
  expect_single_error(R"(fleet:
  defaults:
    tls: {ca_file: .}
  hosts: []
)",
                      3, 20, {"fleet.defaults.tls.ca_file:", "is not a regular file"});
}

TEST_F(LoadConfigErrorsTest, YamlSyntaxErrorPosition) {
  expect_single_error(R"(credentials_dir: credentials
fleet:
  hosts: [{name: whm01, address: whm01.example.net, credential: whm01}
timeouts: {connect: 5s}
)",
                      4, 1, {"YAML syntax error: end of sequence flow not found"});
  expect_single_error("fleet:\n  hosts: []\n bad: indentation\n", 3, 2,
                      {"YAML syntax error: end of map not found"});
}

TEST_F(LoadConfigErrorsTest, FileLevelErrors) {
  for (const char* yaml : {"", "# only a comment\n", "~\n"}) {
    const ConfigErrors errors = errors_of(yaml);
    ASSERT_EQ(errors.size(), 1U) << format_errors(errors);
    EXPECT_EQ(errors[0].line, 0);
    EXPECT_NE(errors[0].message.find("empty"), std::string::npos) << errors[0].message;
  }
  const ConfigErrors two = errors_of("fleet: {hosts: []}\n---\nfleet: {hosts: []}\n");
  ASSERT_EQ(two.size(), 1U) << format_errors(two);
  EXPECT_EQ(two[0].line, 3);
  EXPECT_NE(two[0].message.find("more than one YAML document"), std::string::npos);

  const auto missing = load_config(dir_ / "nope.yaml", {});
  ASSERT_FALSE(missing);
  ASSERT_EQ(missing.error().size(), 1U);
  EXPECT_EQ(
      missing.error()[0].to_string(),
      (dir_ / "nope.yaml").string() + ": cannot read the configuration file: it does not exist");

  const auto directory = load_config(dir_, {});
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error()[0].message.find("not a regular file"), std::string::npos);
}

TEST_F(LoadConfigErrorsTest, SeveralErrorsAreReportedAtOnceInFileOrder) {
  const ConfigErrors errors = errors_of(R"(concurrency: 0
colour: blue
timeouts: {connect: 1x}
credentials_dir: credentials
fleet:
  hosts:
    - {name: whm01, address: "https://whm01", credential: whm01, port: 99999}
    - {name: whm01, address: whm02.example.net, credential: missing}
    - {address: whm03.example.net, credential: ../whm03}
)");
  std::vector<std::string> found;
  for (const auto& error : errors) {
    found.push_back(std::to_string(error.line) + ":" + std::to_string(error.column) + " " +
                    error.message.substr(0, error.message.find(':')));
  }
  EXPECT_EQ(found, (std::vector<std::string>{
                       "1:14 concurrency",
                       "2:1 colour",
                       "3:21 timeouts.connect",
                       "7:30 fleet.hosts[0].address",
                       "7:72 fleet.hosts[0].port",
                       "8:14 fleet.hosts[1].name",
                       "8:61 fleet.hosts[1].credential",
                       "9:7 fleet.hosts[2]",
                       "9:48 fleet.hosts[2].credential",
                   }))
      << format_errors(errors);
}

}  // namespace
}  // namespace tw::config::testing
