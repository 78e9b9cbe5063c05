// `tokenwarden check`, `plan`, `test` and `scan` as a user runs them: the real binary as a
// child process, real files, and for `scan` the mock fleet over TLS on loopback.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <regex>

#include "tests/support/mock_whm/fleet.h"
#include "tests/support/mock_whm/fleet_files.h"
#include "tests/support/process/run_process.h"
#include "tests/support/temp_dir.h"

namespace tw::cli {
namespace {

using tw::testing::ProcessResult;
using tw::testing::run_process;
using tw::testing::tokenwarden_binary;

const std::string kExamplePolicies = std::string(TOKENWARDEN_SOURCE_DIR) + "/examples/policies";
const std::string kExampleTests = std::string(TOKENWARDEN_SOURCE_DIR) + "/examples/policy-tests";
constexpr const char* kNow = "2026-11-28T00:00:00Z";

ProcessResult tokenwarden(std::vector<std::string> args) {
  args.insert(args.begin(), tokenwarden_binary());
  return run_process(args);
}

void write(const std::filesystem::path& path, const std::string& text, int mode = 0644) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::trunc) << text;
  std::filesystem::permissions(path, static_cast<std::filesystem::perms>(mode));
}

// A recorded api_token_list body, in WHM's own shape (ACLs as a 0/1 map).
constexpr const char* kRecordedList = R"({"data":{"tokens":{
  "tokenwarden":{"name":"tokenwarden","create_time":1790000000,"expires_at":null,
                 "acls":{"all":1,"list-accts":1,"passwd":1},"whitelist_ips":null},
  "legacy-migration":{"name":"legacy-migration","create_time":1778544000,"expires_at":1794096000,
                      "acls":{"all":0,"create-acct":1,"kill-acct":1,"passwd":0},"whitelist_ips":null},
  "billing-sync":{"name":"billing-sync","create_time":1793491200,"expires_at":1798761600,
                  "acls":{"all":0,"acct-summary":1,"list-accts":1,"passwd":0},
                  "whitelist_ips":["203.0.113.10"]},
  "svc-reporting":{"name":"svc-reporting","create_time":1795132800,"expires_at":null,
                   "acls":{"all":1,"acct-summary":1,"list-accts":1,"passwd":1},
                   "whitelist_ips":["198.51.100.0/24","203.0.113.0/24"]}}},
 "metadata":{"command":"api_token_list","reason":"OK","result":1,"version":1}})";

class PolicyCommandsTest : public ::testing::Test {
 protected:
  tw::testing::TempDir dir_;
};

TEST_F(PolicyCommandsTest, CheckSummarisesAValidSetup) {
  write(dir_ / "credentials/whm01", "CHECKCREDENTIAL00000000000000001\n", 0600);
  write(dir_ / "tokenwarden.yaml", "credentials_dir: credentials\npolicies: " + kExamplePolicies +
                                       "\nfleet:\n  hosts:\n    - {name: whm01, address: "
                                       "whm01.example.net, credential: whm01}\n");
  const auto result =
      tokenwarden({"check", "--config", (dir_ / "tokenwarden.yaml").string(), "--now", kNow});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("hosts: 1, accounts: 1"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("files: 3, rules: 10, exemptions: 2, protected patterns: 2"),
            std::string::npos)
      << result.out;
  EXPECT_TRUE(std::regex_search(result.out, std::regex("policy hash: sha256:[0-9a-f]{64}\n")));
  EXPECT_EQ(result.out.find("CHECKCREDENTIAL"), std::string::npos);
}

TEST_F(PolicyCommandsTest, CheckReportsEveryErrorWithItsPosition) {
  write(dir_ / "policies/10-bad.yaml", R"(rules:
  - id: max-age
    when: {older_than: 90days}
    action: revoke
  - id: acls
    when: {acls: {forbidden: [manage-api-token]}}
    action: update
  - id: max-age
    when: {expired: true}
    action: revoke
)");
  write(dir_ / "credentials/whm01", "CHECKCREDENTIAL00000000000000001\n", 0640);
  write(dir_ / "tokenwarden.yaml",
        "credentials_dir: credentials\npolicies: policies\nfleet:\n  hosts:\n"
        "    - {name: whm01, address: whm01.example.net, credential: whm01}\n");
  const auto result = tokenwarden({"check", "--config", (dir_ / "tokenwarden.yaml").string(),
                                   "--policies", (dir_ / "policies").string(), "--now", kNow});
  EXPECT_EQ(result.exit_code, 78);
  const std::string policy_file = (dir_ / "policies/10-bad.yaml").string();
  const std::string config_file = (dir_ / "tokenwarden.yaml").string();
  EXPECT_NE(result.err.find(config_file + ":5:61: fleet.hosts[0].credential:"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(policy_file + ":3:24: rule 'max-age': rules[0].when.older_than:"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(policy_file + ":6:31: rule 'acls': rules[1].when.acls.forbidden[0]:"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(policy_file + ":8:9: rule 'max-age': rules[2].id: duplicate rule id"),
            std::string::npos)
      << result.err;
  EXPECT_TRUE(result.out.empty());
  EXPECT_EQ(result.err.find("CHECKCREDENTIAL"), std::string::npos);
}

TEST_F(PolicyCommandsTest, PlanJsonFromARecordedList) {
  write(dir_ / "recorded.json", kRecordedList);
  const auto result = tokenwarden({"plan", "--tokens", (dir_ / "recorded.json").string(),
                                   "--policies", kExamplePolicies, "--host", "whm01", "--tags",
                                   "production", "--now", kNow, "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto doc = boost::json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("schema").as_string(), "tokenwarden.plan/1");
  EXPECT_EQ(doc.at("generated_at").as_string(), kNow);
  EXPECT_TRUE(doc.at("dry_run").as_bool());
  EXPECT_EQ(doc.at("tokens_evaluated").as_int64(), 4);
  EXPECT_EQ(doc.at("policy_hash").as_string().size(), 64U);
  std::map<std::string, boost::json::object> by_token;
  for (const auto& action : doc.at("actions").as_array()) {
    by_token[std::string(action.at("token").as_string())] = action.as_object();
  }
  EXPECT_FALSE(by_token.contains("billing-sync"));  // compliant: no entry
  EXPECT_EQ(by_token.at("tokenwarden").at("decision").as_string(), "protected");
  EXPECT_EQ(by_token.at("legacy-migration").at("action").as_string(), "revoke");
  EXPECT_EQ(by_token.at("legacy-migration").at("decision").as_string(), "apply");
  const auto& update = by_token.at("svc-reporting");
  EXPECT_EQ(update.at("action").as_string(), "update");
  EXPECT_EQ(update.at("decision").as_string(), "apply");
  EXPECT_EQ(update.at("before").at("acls").as_string(), "all");
  const auto& after = update.at("after").as_object();
  // Full access written out without the forbidden ACLs; expiry set; allow-list narrowed.
  EXPECT_EQ(boost::json::serialize(after.at("acls")), R"(["acct-summary","list-accts"])");
  EXPECT_EQ(after.at("expires_at").as_int64(), 1795824000 + 30 * 86400);
  EXPECT_EQ(boost::json::serialize(after.at("whitelist_ips")), R"(["203.0.113.0/24"])");
  EXPECT_EQ(doc.at("mutations_due").as_int64(), 2);
}

TEST_F(PolicyCommandsTest, PlanTableShowsOldAndNewState) {
  write(dir_ / "recorded.json", kRecordedList);
  const auto result = tokenwarden({"plan", "--tokens", (dir_ / "recorded.json").string(),
                                   "--policies", kExamplePolicies, "--now", kNow});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("recorded  root  svc-reporting  ->  update [apply]"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("change: expires: never -> 2026-12-28T00:00:00Z"), std::string::npos);
  EXPECT_NE(result.out.find("change: acls: (all) -> acct-summary list-accts"), std::string::npos);
}

TEST_F(PolicyCommandsTest, PlanReportsHostileEntriesAsUncovered) {
  write(dir_ / "recorded.json", R"({"data":{"tokens":{
    "ok-token":{"name":"ok-token","create_time":1795000000,"expires_at":1796000000,"acls":["list-accts"]},
    "bad\nname":{"name":"bad\nname","create_time":1795000000}}},
    "metadata":{"command":"api_token_list","result":1,"reason":"OK","version":1}})");
  const auto result =
      tokenwarden({"plan", "--tokens", (dir_ / "recorded.json").string(), "--policies",
                   kExamplePolicies, "--now", kNow, "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto doc = boost::json::parse(result.out).as_object();
  ASSERT_EQ(doc.at("uncovered").as_array().size(), 1U);
  EXPECT_NE(std::string(doc.at("uncovered").at(0).at("reason").as_string()).find("bad\\nname"),
            std::string::npos);
}

TEST_F(PolicyCommandsTest, PlanUsageErrors) {
  EXPECT_EQ(tokenwarden({"plan", "--policies", kExamplePolicies}).exit_code, 64);
  EXPECT_EQ(tokenwarden({"plan", "--tokens", "x", "--format", "csv"}).exit_code, 64);
  write(dir_ / "recorded.json", "<html>not json</html>");
  const auto bad = tokenwarden({"plan", "--tokens", (dir_ / "recorded.json").string(), "--policies",
                                kExamplePolicies, "--now", kNow});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_NE(bad.err.find("not a usable api_token_list response"), std::string::npos);
  EXPECT_EQ(
      tokenwarden({"plan", "--tokens", "x", "--policies", kExamplePolicies, "--now", "yesterday"})
          .exit_code,
      64);
}

TEST_F(PolicyCommandsTest, TestRunsTheExamplePolicyTests) {
  const auto result = tokenwarden({"test", kExampleTests});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("PASS production-host.yaml"), std::string::npos);
  EXPECT_TRUE(std::regex_search(result.out, std::regex("\n[1-9][0-9]* passed, 0 failed\n$")));
}

TEST_F(PolicyCommandsTest, TestReportsAFailingExpectation) {
  write(dir_ / "tests/wrong.yaml", "policies: " + kExamplePolicies + R"(
now: 2026-11-28T00:00:00Z
tokens:
  - {name: legacy, created: 2026-01-01, expires: 2026-02-01, acls: [list-accts]}
expect:
  legacy: none
)");
  const auto result = tokenwarden({"test", (dir_ / "tests").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("FAIL wrong.yaml"), std::string::npos) << result.out;
  // Its only token would be revoked: 100% of the host, over the 50% cap.
  EXPECT_NE(result.out.find("legacy: expected none, got held-by-cap"), std::string::npos);
  EXPECT_NE(result.out.find("0 passed, 1 failed"), std::string::npos);
}

TEST_F(PolicyCommandsTest, TestRefusesAnInvalidTestFile) {
  write(dir_ / "tests/broken.yaml", "now: 2026-11-28\ntokens: []\nexpect: {ghost: revoke}\n");
  const auto result =
      tokenwarden({"test", (dir_ / "tests").string(), "--policies", kExamplePolicies});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find("broken.yaml:3:10: no token named 'ghost'"), std::string::npos)
      << result.err;
}

TEST_F(PolicyCommandsTest, ScanPlansTheFleetWithoutChangingIt) {
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  mock::FleetSpec spec;
  for (const std::string name : {"whm01", "whm02"}) {
    mock::HostSpec host;
    host.name = name;
    host.tags = {"production"};
    mock::UserSpec root;
    mock::TokenSpec own;
    own.name = "tokenwarden";
    own.secret = name == "whm01" ? "SCANWHM010000000000000000000001"
                                   "A"
                                 : "SCANWHM020000000000000000000001"
                                   "A";
    root.tokens.push_back(own);
    mock::TokenSpec expired;
    expired.name = "legacy-migration";
    expired.acls = std::vector<std::string>{"list-accts"};
    expired.create_time = now - 200 * 86400;
    expired.expires_at = now - 20 * 86400;
    root.tokens.push_back(expired);
    mock::TokenSpec fine;
    fine.name = "billing-sync";
    fine.acls = std::vector<std::string>{"list-accts"};
    fine.create_time = now - 86400;
    fine.expires_at = now + 40 * 86400;
    fine.whitelist = std::vector<std::string>{"203.0.113.10"};
    root.tokens.push_back(fine);
    host.users = {root};
    spec.hosts.push_back(host);
  }
  mock::Fleet fleet(std::move(spec));
  fleet.start();
  mock::Fault broken;
  broken.kind = mock::FaultKind::kHttpStatus;
  broken.http_status = 502;
  fleet.host("whm02").set_fault(broken);
  const auto files = mock::write_fleet_files(fleet, dir_.path());
  std::ofstream(files.config_file, std::ios::app) << "policies: " << kExamplePolicies << "\n";

  const auto result =
      tokenwarden({"scan", "--config", files.config_file.string(), "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;  // whm02 is not covered
  const auto doc = boost::json::parse(result.out).as_object();
  EXPECT_TRUE(doc.at("dry_run").as_bool());
  bool revoke_planned = false;
  for (const auto& action : doc.at("actions").as_array()) {
    EXPECT_EQ(action.at("host").as_string(), "whm01");
    if (action.at("token").as_string() == "legacy-migration") {
      revoke_planned = action.at("action").as_string() == "revoke" &&
                       action.at("decision").as_string() == "apply";
    }
  }
  EXPECT_TRUE(revoke_planned) << result.out;
  ASSERT_EQ(doc.at("uncovered").as_array().size(), 1U);
  EXPECT_EQ(doc.at("uncovered").at(0).at("host").as_string(), "whm02");
  // A dry run never sends a mutation.
  for (const auto* name : {"whm01", "whm02"}) {
    EXPECT_EQ(fleet.host(name).calls("api_token_update"), 0U);
    EXPECT_EQ(fleet.host(name).calls("api_token_revoke"), 0U);
  }
  EXPECT_EQ(fleet.host("whm01").calls("api_token_list"), 1U);

  const auto only =
      tokenwarden({"scan", "--config", files.config_file.string(), "--host", "whm01"});
  EXPECT_EQ(only.exit_code, 0) << only.err;
  EXPECT_NE(only.out.find("whm01  root  legacy-migration  ->  revoke [apply]"), std::string::npos)
      << only.out;
  EXPECT_EQ(
      tokenwarden({"scan", "--config", files.config_file.string(), "--host", "nope"}).exit_code,
      64);
}

}  // namespace
}  // namespace tw::cli
