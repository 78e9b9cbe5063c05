#pragma once
// Shared by the enforcement and crash tests: a mock fleet whose hosts hold a known mix of
// violating, compliant, protected and self tokens; the policies that judge them; the
// configuration that lets `scan --enforce` act; and readers for what the trail recorded.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/mock_whm/fleet.h"
#include "tests/support/mock_whm/fleet_files.h"
#include "tests/support/process/run_process.h"
#include "tests/support/temp_dir.h"

namespace tw::testing {

inline constexpr std::int64_t kDay = 86'400;

// The rules every enforcement test runs under.
inline constexpr const char* kEnforcementPolicy = R"(rules:
  - id: expired
    when: {expired: true}
    action: revoke
  - id: must-expire
    when: {never_expires: true}
    action: update
    set: {expires_in: 30d}
  - id: dangerous-acls
    when: {acls: {forbidden: [all, passwd, manage-api-tokens]}}
    action: update
  - id: max-age
    when: {older_than: 90d}
    action: revoke
    grace: 7d
protected: ["breakglass-*"]
)";

inline std::int64_t epoch_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

// The violators of one kind that one round adds to a user, named `<kind>-<round>`:
//   expired-R   expired a day ago, list-accts only          -> revoke (expired)
//   forever-R   never expires, list-accts                    -> update (expiry in 30d)
//   risky-R     expires in 40d, list-accts + passwd          -> update (acls: list-accts)
inline std::vector<mock::TokenSpec> violators(const std::string& round) {
  const auto now = epoch_now();
  std::vector<mock::TokenSpec> out(3);
  out[0].name = "expired-" + round;
  out[0].create_time = now - 30 * kDay;
  out[0].expires_at = now - kDay;
  out[0].acls = std::vector<std::string>{"list-accts"};
  out[1].name = "forever-" + round;
  out[1].create_time = now - 5 * kDay;
  out[1].acls = std::vector<std::string>{"list-accts"};
  out[2].name = "risky-" + round;
  out[2].create_time = now - 5 * kDay;
  out[2].expires_at = now + 40 * kDay;
  out[2].acls = std::vector<std::string>{"list-accts", "passwd"};
  out[2].whitelist = std::vector<std::string>{"203.0.113.0/24"};
  return out;
}

// Compliant, protected (and expired) and the self token (full access, never expires).
inline std::vector<mock::TokenSpec> bystanders(const std::string& host) {
  const auto now = epoch_now();
  std::vector<mock::TokenSpec> out(3);
  out[0].name = "tokenwarden";
  out[0].secret = "ENF" + std::string(29 - std::min<std::size_t>(host.size(), 20), '0') + [&] {
    std::string upper;
    for (char c : host.substr(0, 20)) {
      upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return upper;
  }();
  out[0].create_time = now - 400 * kDay;  // old, full access, never expires: all protected
  out[1].name = "compliant";
  out[1].create_time = now - 10 * kDay;
  out[1].expires_at = now + 20 * kDay;
  out[1].acls = std::vector<std::string>{"acct-summary", "list-accts"};
  out[1].whitelist = std::vector<std::string>{"198.51.100.7"};
  out[2].name = "breakglass-ops";
  out[2].create_time = now - 10 * kDay;
  out[2].expires_at = now - kDay;
  out[2].acls = std::vector<std::string>{"all"};
  return out;
}

// A host named `name` whose root user holds the bystanders and one round of violators.
inline mock::HostSpec enforcement_host(const std::string& name, int rounds = 1) {
  mock::HostSpec host;
  host.name = name;
  host.tags = {"production"};
  mock::UserSpec root;
  root.tokens = bystanders(name);
  for (int r = 0; r < rounds; ++r) {
    for (auto& token : violators(std::to_string(r))) root.tokens.push_back(token);
  }
  host.users = {root};
  return host;
}

// Writes the fleet's files, the policy and an enforcing configuration into `dir`.
struct EnforcementSetup {
  std::filesystem::path config;
  std::filesystem::path audit;
  std::filesystem::path state_dir;
  std::filesystem::path policies;
};

inline EnforcementSetup write_enforcement_setup(const mock::Fleet& fleet,
                                                const std::filesystem::path& dir,
                                                const std::string& extra_config = "",
                                                const std::string& policy = kEnforcementPolicy,
                                                const std::string& mode = "enforce") {
  const auto files = mock::write_fleet_files(fleet, dir);
  EnforcementSetup setup;
  setup.config = files.config_file;
  setup.audit = dir / "log" / "audit.jsonl";
  setup.state_dir = dir / "state";
  setup.policies = dir / "policies";
  std::filesystem::create_directories(setup.policies);
  std::ofstream(setup.policies / "10-enforce.yaml") << policy;
  std::ofstream(setup.config, std::ios::app)
      << "policies: " << setup.policies.string() << "\nmode: " << mode
      << "\naudit: {path: " << setup.audit.string() << "}\nstate_dir: " << setup.state_dir.string()
      << "\n"
      << extra_config;
  return setup;
}

inline ProcessResult tokenwarden(std::vector<std::string> args, ProcessOptions options = {}) {
  args.insert(args.begin(), tokenwarden_binary());
  return run_process(args, options);
}

// Every record of the trail at `path` (one file), parsed; a line that is not JSON fails the test.
inline std::vector<boost::json::object> trail_records(const std::filesystem::path& path) {
  std::vector<boost::json::object> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code error;
    auto value = boost::json::parse(line, error);
    EXPECT_FALSE(error) << "not a JSON line: " << line;
    if (!error && value.is_object()) out.push_back(value.as_object());
  }
  return out;
}

inline std::vector<boost::json::object> records_of(const std::vector<boost::json::object>& all,
                                                   std::string_view event) {
  std::vector<boost::json::object> out;
  for (const auto& r : all) {
    if (r.at("event").as_string() == event) out.push_back(r);
  }
  return out;
}

}  // namespace tw::testing
