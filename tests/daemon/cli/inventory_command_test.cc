// `tokenwarden inventory` as a user runs it: the real binary as a child process, against a
// mock fleet over TLS on loopback, configured by the files the mock writes.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>

#include "tests/support/mock_whm/fleet.h"
#include "tests/support/mock_whm/fleet_files.h"
#include "tests/support/process/run_process.h"
#include "tests/support/temp_dir.h"

namespace tw::cli {
namespace {

using std::chrono::milliseconds;
using tw::testing::ProcessResult;
using tw::testing::run_process;
using tw::testing::tokenwarden_binary;
constexpr std::int64_t kDay = 86'400;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> token_names(const boost::json::value& account) {
  std::vector<std::string> names;
  for (const auto& t : account.at("tokens").as_array()) {
    names.emplace_back(t.at("name").as_string());
  }
  std::ranges::sort(names);
  return names;
}

// Known credentials, one per host and user; every output is checked for them.
std::string secret_for(const std::string& host, const std::string& user) {
  std::string secret = "INV" + host + user;
  std::erase_if(secret, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); });
  for (auto& c : secret) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  secret.resize(32, '7');
  return secret;
}

mock::TokenSpec token(std::string name, std::optional<std::vector<std::string>> acls,
                      std::int64_t created, std::optional<std::int64_t> expires,
                      std::optional<std::vector<std::string>> whitelist = std::nullopt) {
  mock::TokenSpec spec;
  spec.name = std::move(name);
  spec.acls = std::move(acls);
  spec.create_time = created;
  spec.expires_at = expires;
  spec.whitelist = std::move(whitelist);
  return spec;
}

mock::UserSpec user(const std::string& host, std::string name, std::vector<std::string> acls) {
  mock::UserSpec spec;
  spec.name = std::move(name);
  spec.acls = std::move(acls);
  auto credential = token("tokenwarden", std::nullopt, 0, std::nullopt);
  credential.create_time.reset();
  credential.secret = secret_for(host, spec.name);
  spec.tokens.push_back(credential);
  return spec;
}

class InventoryCommandTest : public ::testing::Test {
 protected:
  void start(mock::FleetSpec spec) {
    fleet_ = std::make_unique<mock::Fleet>(std::move(spec));
    fleet_->start();
    files_ = mock::write_fleet_files(*fleet_, dir_.path());
    for (const auto& entry : std::filesystem::directory_iterator(files_.credentials_dir)) {
      std::ifstream in(entry.path());
      std::string secret;
      std::getline(in, secret);
      secrets_.insert(secret);
    }
  }

  // A realistic fleet: three hosts; whm01 has root and a reseller.
  void start_mixed_fleet() {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    mock::FleetSpec spec;
    for (const std::string name : {"whm01", "whm02", "whm03"}) {
      mock::HostSpec host;
      host.name = name;
      host.tags = {"production"};
      auto root = user(name, "root", {"all"});
      root.tokens.push_back(token("old-backup", std::nullopt, now - 400 * kDay, std::nullopt));
      root.tokens.push_back(token("ci-deploy", std::vector<std::string>{"list-accts"},
                                  now - 20 * kDay, now + 10 * kDay,
                                  std::vector<std::string>{"192.0.2.0/24"}));
      root.tokens.push_back(token("expired-one", std::vector<std::string>{"list-accts"},
                                  now - 100 * kDay, now - 5 * kDay));
      host.users = {root};
      if (name == "whm01") {
        auto reseller = user(name, "reseller1", {"acct-summary", "list-accts"});
        reseller.tokens.push_back(
            token("r-monitor", std::vector<std::string>{"acct-summary"}, now - kDay, std::nullopt));
        host.users.push_back(reseller);
      }
      spec.hosts.push_back(host);
    }
    start(std::move(spec));
  }

  // Runs `tokenwarden inventory`. run_process prints what it wrote into the test's output
  // (CTest's LastTest.log, searched by scripts/check-no-secrets.sh); this checks it too.
  ProcessResult inventory(std::vector<std::string> extra,
                          std::map<std::string, std::string> environment = {}) {
    std::vector<std::string> argv{tokenwarden_binary(), "inventory", "--config",
                                  files_.config_file.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto result = run_process(argv, {.extra_environment = std::move(environment)});
    for (const auto& secret : secrets_) {
      EXPECT_EQ(result.out.find(secret), std::string::npos) << "a credential reached stdout";
      EXPECT_EQ(result.err.find(secret), std::string::npos) << "a credential reached stderr";
    }
    return result;
  }

  void set_config_line(const std::string& pattern, const std::string& replacement) {
    std::string text = read_text(files_.config_file);
    text = std::regex_replace(text, std::regex(pattern), replacement);
    std::ofstream(files_.config_file, std::ios::trunc) << text;
  }

  tw::testing::TempDir dir_;
  std::unique_ptr<mock::Fleet> fleet_;
  mock::FleetFiles files_;
  std::set<std::string> secrets_;
};

TEST_F(InventoryCommandTest, JsonListsEveryTokenOfEveryAccount) {
  start_mixed_fleet();
  const auto result = inventory({"--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto doc = boost::json::parse(result.out).as_object();
  const auto& accounts = doc.at("accounts").as_array();
  ASSERT_EQ(accounts.size(), 4U);  // whm01 root, whm01 reseller1, whm02 root, whm03 root
  EXPECT_EQ(accounts[0].at("host").as_string(), "whm01");
  EXPECT_EQ(accounts[1].at("user").as_string(), "reseller1");
  std::set<std::string> names;
  for (const auto& account : accounts) {
    EXPECT_EQ(account.at("status").as_string(), "ok");
    for (const auto& t : account.at("tokens").as_array()) {
      names.insert(std::string(account.at("host").as_string()) + "/" +
                   std::string(account.at("user").as_string()) + "/" +
                   std::string(t.at("name").as_string()));
      if (t.at("name").as_string() == "expired-one") {
        EXPECT_TRUE(t.at("expired").as_bool());
      }
      if (t.at("name").as_string() == "old-backup") {
        EXPECT_TRUE(t.at("full_access").as_bool());
        EXPECT_TRUE(t.at("expires").is_null());
        EXPECT_TRUE(t.at("whitelist_ips").is_null());
      }
      if (t.at("name").as_string() == "ci-deploy") {
        EXPECT_EQ(t.at("whitelist_ips").as_array().at(0).as_string(), "192.0.2.0/24");
        EXPECT_FALSE(t.at("full_access").as_bool());
      }
    }
  }
  EXPECT_EQ(names.size(), 14U);
  EXPECT_TRUE(names.contains("whm01/reseller1/r-monitor"));
  EXPECT_TRUE(names.contains("whm03/root/expired-one"));
  EXPECT_EQ(doc.at("summary").at("tokens").as_int64(), 14);
}

TEST_F(InventoryCommandTest, JsonOutputIsOneDocumentThatJqParses) {
  start_mixed_fleet();
  const auto result = inventory({"--format=json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto path = dir_ / "inventory.json";
  std::ofstream(path) << result.out;
  const auto jq =
      run_process({"/usr/bin/jq", "-e", "[.accounts[].tokens[]] | length", path.string()});
  EXPECT_EQ(jq.exit_code, 0) << jq.err;
  EXPECT_EQ(jq.out, "14\n");
}

TEST_F(InventoryCommandTest, CsvHasAHeaderAndOneRowPerToken) {
  start_mixed_fleet();
  const auto result = inventory({"--format", "csv"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with(
      "host,user,status,token,created,expires,expired,full_access,acls,whitelist_ips,error\r\n"));
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 15);
  EXPECT_NE(result.out.find("whm02,root,ok,ci-deploy,"), std::string::npos);
  EXPECT_NE(result.out.find(",no,no,list-accts,192.0.2.0/24,\r\n"), std::string::npos);
  EXPECT_NE(result.out.find("whm01,root,ok,old-backup,"), std::string::npos);
}

TEST_F(InventoryCommandTest, TableIsTheDefault) {
  start_mixed_fleet();
  const auto result = inventory({});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("HOST "));
  EXPECT_NE(result.out.find("r-monitor"), std::string::npos);
  EXPECT_NE(result.out.find("14 tokens from 4 of 4 accounts"), std::string::npos);
}

TEST_F(InventoryCommandTest, BrokenHostsFailAloneAndTheExitSaysSo) {
  start_mixed_fleet();
  mock::Fault unavailable;
  unavailable.kind = mock::FaultKind::kHttpStatus;
  unavailable.http_status = 503;
  fleet_->host("whm02").set_fault(unavailable);
  mock::Fault reset;
  reset.kind = mock::FaultKind::kReset;
  fleet_->host("whm03").set_fault(reset);
  const auto result = inventory({"--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto doc = boost::json::parse(result.out).as_object();
  const auto& accounts = doc.at("accounts").as_array();
  ASSERT_EQ(accounts.size(), 4U);
  EXPECT_EQ(accounts[0].at("status").as_string(), "ok");
  EXPECT_EQ(accounts[0].at("tokens").as_array().size(), 4U);
  EXPECT_EQ(accounts[2].at("status").as_string(), "error");
  EXPECT_EQ(accounts[2].at("error").at("kind").as_string(), "transport/http-status");
  EXPECT_EQ(accounts[3].at("error").at("kind").as_string(), "transport/connection-lost");

  const auto table = inventory({});
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_NE(table.out.find("whm02 (root): transport/http-status: HTTP status 503"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("old-backup"), std::string::npos);
}

TEST_F(InventoryCommandTest, WhmLevelFaultsFailAloneBesideAHealthyHost) {
  start_mixed_fleet();
  mock::Fault login_page;
  login_page.kind = mock::FaultKind::kNonJson;
  fleet_->host("whm02").set_fault(login_page);
  mock::Fault refused;
  refused.kind = mock::FaultKind::kResultZero;
  refused.reason = "The system failed to read the API tokens: injected";
  fleet_->host("whm03").set_fault(refused);
  const auto result = inventory({"--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto doc = boost::json::parse(result.out).as_object();
  const auto& accounts = doc.at("accounts").as_array();
  ASSERT_EQ(accounts.size(), 4U);
  // whm01 is listed completely, both of its accounts.
  EXPECT_EQ(accounts[0].at("host").as_string(), "whm01");
  EXPECT_EQ(accounts[0].at("status").as_string(), "ok");
  EXPECT_EQ(token_names(accounts[0]),
            (std::vector<std::string>{"ci-deploy", "expired-one", "old-backup", "tokenwarden"}));
  EXPECT_EQ(accounts[1].at("user").as_string(), "reseller1");
  EXPECT_EQ(accounts[1].at("status").as_string(), "ok");
  EXPECT_EQ(token_names(accounts[1]), (std::vector<std::string>{"r-monitor", "tokenwarden"}));
  // whm02 sent a login page, whm03 WHM's own refusal.
  EXPECT_EQ(accounts[2].at("host").as_string(), "whm02");
  EXPECT_EQ(accounts[2].at("status").as_string(), "error");
  EXPECT_EQ(accounts[2].at("error").at("kind").as_string(), "protocol");
  EXPECT_EQ(accounts[3].at("host").as_string(), "whm03");
  EXPECT_EQ(accounts[3].at("status").as_string(), "error");
  EXPECT_EQ(accounts[3].at("error").at("kind").as_string(), "api");
  EXPECT_EQ(accounts[3].at("error").at("message").as_string(),
            "The system failed to read the API tokens: injected");
  EXPECT_EQ(doc.at("summary").at("tokens").as_int64(), 6);
  EXPECT_EQ(doc.at("summary").at("accounts_failed").as_int64(), 2);
  EXPECT_EQ(fleet_->host("whm02").calls("api_token_list"), 1U);  // never retried
  EXPECT_EQ(fleet_->host("whm03").calls("api_token_list"), 1U);
}

TEST_F(InventoryCommandTest, HostileEntriesAreRejectedBesideAHealthyHost) {
  start_mixed_fleet();
  mock::Fault hostile;
  hostile.kind = mock::FaultKind::kBody;
  hostile.body = R"json({"data":{"tokens":{
      "fine":{"name":"fine","create_time":1700000000,"expires_at":null},
      "evil\nname\u001b[2J":{"name":"evil\nname\u001b[2J","create_time":1700000000},
      "=HYPERLINK(\"http://x\")":{"name":"=HYPERLINK(\"http://x\")","create_time":1700000000}}},
    "metadata":{"command":"api_token_list","reason":"OK","result":1,"version":1}})json";
  fleet_->host("whm02").set_fault(hostile);
  const auto result = inventory({"--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto doc = boost::json::parse(result.out).as_object();
  const auto& accounts = doc.at("accounts").as_array();
  ASSERT_EQ(accounts.size(), 4U);
  EXPECT_EQ(accounts[0].at("status").as_string(), "ok");
  EXPECT_EQ(token_names(accounts[0]),
            (std::vector<std::string>{"ci-deploy", "expired-one", "old-backup", "tokenwarden"}));
  EXPECT_EQ(token_names(accounts[1]), (std::vector<std::string>{"r-monitor", "tokenwarden"}));
  EXPECT_EQ(accounts[3].at("status").as_string(), "ok");
  // whm02: the valid entry is listed, the others are rejected, escaped.
  const auto& whm02 = accounts[2];
  EXPECT_EQ(whm02.at("host").as_string(), "whm02");
  EXPECT_EQ(whm02.at("status").as_string(), "incomplete");
  EXPECT_EQ(token_names(whm02), std::vector<std::string>{"fine"});
  std::set<std::string> rejected;
  for (const auto& entry : whm02.at("rejected").as_array()) {
    rejected.emplace(entry.at("name").as_string());
    EXPECT_FALSE(entry.at("reason").as_string().empty());
  }
  EXPECT_EQ(rejected, (std::set<std::string>{"evil\\nname\\x1b[2J", "=HYPERLINK(\"http://x\")"}));
  EXPECT_EQ(result.out.find('\x1b'), std::string::npos);

  // In CSV the entry a spreadsheet would run is defused and quoted.
  const auto csv = inventory({"--format", "csv"});
  EXPECT_EQ(csv.exit_code, 1);
  EXPECT_NE(csv.out.find("\r\nwhm02,root,rejected,\"'=HYPERLINK(\"\"http://x\"\")\","),
            std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find("\r\nwhm02,root,ok,fine,"), std::string::npos);
  EXPECT_NE(csv.out.find("\r\nwhm01,reseller1,ok,r-monitor,"), std::string::npos);
}

TEST_F(InventoryCommandTest, WrongCredentialIsAnAuthenticationFailureTriedOnce) {
  start_mixed_fleet();
  std::ofstream(files_.credentials_dir / "whm02-root", std::ios::trunc)
      << "WRONGCREDENTIAL00000000000000000\n";
  const auto result = inventory({"--format", "csv"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("whm02,root,error,,,,,,,,\"authentication/http-status: HTTP 403: "),
            std::string::npos)
      << result.out;
  EXPECT_EQ(fleet_->host("whm02").counters().auth_failures, 1U);
  EXPECT_EQ(result.out.find("WRONGCREDENTIAL"), std::string::npos);
}

TEST_F(InventoryCommandTest, TwoHundredHostsWithConcurrency32) {
  mock::FleetSpec spec;
  for (int i = 0; i < 200; ++i) {
    mock::HostSpec host;
    host.name = "bulk" + std::to_string(1000 + i);
    auto root = user(host.name, "root", {"all"});
    root.tokens.push_back(token("t" + std::to_string(i), std::vector<std::string>{"list-accts"},
                                1'700'000'000, std::nullopt));
    host.users = {root};
    spec.hosts.push_back(host);
  }
  start(std::move(spec));
  set_config_line("concurrency: [0-9]+", "concurrency: 32");
  const std::string config = read_text(files_.config_file);
  ASSERT_NE(config.find("\nconcurrency: 32\n"), std::string::npos) << config;
  // Every answer takes 40-60 ms, so requests overlap and the bound is what limits them.
  for (std::size_t i = 0; i < 200; ++i) {
    mock::Fault slow;
    slow.latency = milliseconds(40 + static_cast<int>(i % 21));
    fleet_->host(i).set_fault(slow);
  }
  fleet_->reset_max_concurrent_requests();
  const auto result = inventory({"--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto doc = boost::json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("accounts").as_array().size(), 200U);
  EXPECT_EQ(doc.at("summary").at("accounts_failed").as_int64(), 0);
  EXPECT_EQ(doc.at("summary").at("tokens").as_int64(), 400);
  for (std::size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(fleet_->host(i).calls("api_token_list"), 1U);
  }
  const auto most = fleet_->max_concurrent_requests();
  std::cout << "at most " << most << " requests were served at once\n";
  EXPECT_LE(most, 32U);
  EXPECT_GT(most, 1U);
}

TEST_F(InventoryCommandTest, CredentialsDirectoryFromSystemdWins) {
  start_mixed_fleet();
  const auto elsewhere = dir_ / "systemd-credentials";
  std::filesystem::rename(files_.credentials_dir, elsewhere);
  const auto missing = inventory({});
  EXPECT_EQ(missing.exit_code, 78);
  const auto result = inventory({}, {{"CREDENTIALS_DIRECTORY", elsewhere.string()}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(InventoryCommandTest, ConfigurationErrorsNameTheirPositionAndExit78) {
  start_mixed_fleet();
  set_config_line("concurrency: [0-9]+", "concurrency: lots\nbogus_key: 1");
  const auto result = inventory({});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(result.out.empty());
  const std::string file = files_.config_file.string();
  EXPECT_NE(result.err.find(file + ":2:14: concurrency: expected"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(file + ":3:1: bogus_key: unknown key"), std::string::npos)
      << result.err;
}

TEST(InventoryCommandUsage, HelpVersionAndBadOptions) {
  const auto help = run_process({tokenwarden_binary(), "inventory", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(help.out.starts_with("usage: tokenwarden inventory"));
  const auto top = run_process({tokenwarden_binary(), "--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("inventory"), std::string::npos);
  const auto version = run_process({tokenwarden_binary(), "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(std::regex_match(version.out, std::regex("tokenwarden [0-9]+\\.[0-9]+\\.[0-9]+\n")));
  for (const char* command : {"inventory", "check", "scan", "plan", "test"}) {
    const auto sub = run_process({tokenwarden_binary(), command, "--version"});
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_EQ(sub.out, version.out) << command;
  }
  const auto unknown = run_process({tokenwarden_binary(), "inventory", "--frobnicate"});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_NE(unknown.err.find("unknown option --frobnicate"), std::string::npos);
  const auto format = run_process({tokenwarden_binary(), "inventory", "--format", "xml"});
  EXPECT_EQ(format.exit_code, 64);
  const auto nothing = run_process({tokenwarden_binary()});
  EXPECT_EQ(nothing.exit_code, 64);
  const auto bad_command = run_process({tokenwarden_binary(), "frobnicate"});
  EXPECT_EQ(bad_command.exit_code, 64);
  const auto no_file =
      run_process({tokenwarden_binary(), "inventory", "--config", "/nonexistent/tokenwarden.yaml"});
  EXPECT_EQ(no_file.exit_code, 78);
  EXPECT_NE(no_file.err.find("/nonexistent/tokenwarden.yaml"), std::string::npos);
}

}  // namespace
}  // namespace tw::cli
