// `tokenwarden scan --enforce` against the mock fleet over TLS on loopback: the real binary,
// real files, the mock's own record of every call.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "policy/timestamp.h"
#include "tests/daemon/cli/enforcement_fixture.h"

namespace tw::testing {
namespace {

namespace json = boost::json;

std::uint64_t mutations(mock::Fleet& fleet, const std::string& host) {
  return fleet.host(host).calls("api_token_update") + fleet.host(host).calls("api_token_revoke");
}

class EnforceCommandTest : public ::testing::Test {
 protected:
  void start(std::vector<mock::HostSpec> hosts) {
    mock::FleetSpec spec;
    spec.hosts = std::move(hosts);
    fleet_ = std::make_unique<mock::Fleet>(std::move(spec));
    fleet_->start();
  }
  ProcessResult scan(const EnforcementSetup& setup, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"scan", "--config", setup.config.string(), "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return tokenwarden(args);
  }
  ProcessResult verify(const EnforcementSetup& setup) {
    std::vector<std::string> args{"audit", "verify"};
    for (const auto& entry : std::filesystem::directory_iterator(setup.audit.parent_path())) {
      args.push_back(entry.path().string());
    }
    return tokenwarden(args);
  }
  TempDir dir_;
  std::unique_ptr<mock::Fleet> fleet_;
};

TEST_F(EnforceCommandTest, ViolatorsReachExactlyThePlannedStateAndNothingElseIsTouched) {
  start({enforcement_host("whm1"), enforcement_host("whm2")});
  const auto setup = write_enforcement_setup(*fleet_, dir_.path());
  std::map<std::string, std::vector<mock::StoredToken>> before;
  for (const auto* name : {"whm1", "whm2"}) before[name] = fleet_->host(name).tokens("root");

  const auto result = scan(setup, {"--enforce"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto doc = json::parse(result.out).as_object();
  EXPECT_FALSE(doc.at("dry_run").as_bool());

  // What the plan wanted, per token.
  std::map<std::pair<std::string, std::string>, json::object> planned;
  for (const auto& a : doc.at("actions").as_array()) {
    if (a.at("decision").as_string() != "apply") continue;
    planned[{std::string(a.at("host").as_string()), std::string(a.at("token").as_string())}] =
        a.as_object();
  }
  ASSERT_EQ(planned.size(), 6U) << result.out;  // 3 violators on each of 2 hosts
  for (const auto& o : doc.at("outcomes").as_array()) {
    EXPECT_EQ(o.at("result").as_string(), "confirmed") << json::serialize(o);
  }
  EXPECT_EQ(doc.at("outcomes").as_array().size(), 6U);

  for (const auto* host : {"whm1", "whm2"}) {
    EXPECT_EQ(fleet_->host(host).calls("api_token_revoke"), 1U);
    EXPECT_EQ(fleet_->host(host).calls("api_token_update"), 2U);
    // The expired violator is gone; the updated ones hold exactly the planned state.
    EXPECT_FALSE(fleet_->host(host).find_token("root", "expired-0"));
    for (const auto* name : {"forever-0", "risky-0"}) {
      const auto token = fleet_->host(host).find_token("root", name);
      ASSERT_TRUE(token) << name;
      const auto& after = planned.at({host, name}).at("after").as_object();
      std::vector<std::string> acls;
      for (const auto& acl : after.at("acls").as_array()) acls.emplace_back(acl.as_string());
      EXPECT_EQ(token->acls, std::optional(acls)) << name;
      ASSERT_TRUE(after.at("expires_at").is_int64());
      EXPECT_EQ(token->expires_at, std::optional(after.at("expires_at").as_int64())) << name;
      if (after.at("whitelist_ips").is_null()) {
        EXPECT_FALSE(token->whitelist_ips) << name;
      } else {
        EXPECT_TRUE(token->whitelist_ips) << name;
      }
    }
    EXPECT_EQ(fleet_->host(host).find_token("root", "risky-0")->acls,
              std::optional(std::vector<std::string>{"list-accts"}));
    // Compliant, protected and self tokens are untouched.
    for (const auto* name : {"compliant", "breakglass-ops", "tokenwarden"}) {
      const auto now_token = fleet_->host(host).find_token("root", name);
      const auto it = std::ranges::find(before[host], std::string(name), &mock::StoredToken::name);
      ASSERT_TRUE(now_token) << name;
      EXPECT_EQ(now_token->acls, it->acls) << name;
      EXPECT_EQ(now_token->expires_at, it->expires_at) << name;
      EXPECT_EQ(now_token->whitelist_ips, it->whitelist_ips) << name;
    }
  }

  // The trail: an intent before each mutation, each outcome confirmed, and the chain holds.
  const auto records = trail_records(setup.audit);
  EXPECT_EQ(records_of(records, "mutation.intent").size(), 6U);
  EXPECT_EQ(records_of(records, "mutation.outcome").size(), 6U);
  for (const auto& outcome : records_of(records, "mutation.outcome")) {
    EXPECT_EQ(outcome.at("data").at("result").as_string(), "confirmed");
  }
  for (const auto& r : records) {
    EXPECT_EQ(r.at("policy_hash").is_null() || r.at("policy_hash").as_string().size() == 64, true);
  }
  ASSERT_FALSE(records_of(records, "sweep.finished").empty());
  const json::object summary = records_of(records, "sweep.finished").back().at("data").as_object();
  EXPECT_EQ(summary.at("confirmed").as_int64(), 6);
  EXPECT_EQ(summary.at("hosts_reached").as_array().size(), 2U);
  const auto verified = verify(setup);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(verified.out.rfind("OK ", 0), 0U) << verified.out;
  // No credential anywhere tokenwarden wrote.
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!file.is_regular_file() || file.path().parent_path().filename() == "credentials") continue;
    std::ifstream in(file.path());
    const std::string text(std::istreambuf_iterator<char>(in), {});
    for (const auto* host : {"whm1", "whm2"}) {
      const auto secret = *bystanders(host)[0].secret;
      EXPECT_EQ(text.find(secret), std::string::npos) << file.path();
      EXPECT_EQ(result.out.find(secret), std::string::npos);
      EXPECT_EQ(result.err.find(secret), std::string::npos);
    }
  }

  // A second sweep finds nothing to do and sends nothing.
  const auto again = scan(setup, {"--enforce"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(mutations(*fleet_, "whm1"), 3U);
  EXPECT_EQ(json::parse(again.out).at("mutations_due").as_int64(), 0);
}

TEST_F(EnforceCommandTest, DryRunsNeverSendAMutation) {
  start({enforcement_host("whm1")});
  // `mode: enforce` without --enforce.
  auto setup = write_enforcement_setup(*fleet_, dir_.path());
  auto result = scan(setup);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(json::parse(result.out).at("dry_run").as_bool());
  EXPECT_EQ(json::parse(result.out).at("mutations_due").as_int64(), 3);
  EXPECT_EQ(mutations(*fleet_, "whm1"), 0U);
  const auto records = trail_records(setup.audit);
  EXPECT_EQ(records_of(records, "mutation.dry_run").size(), 3U);
  EXPECT_TRUE(records_of(records, "mutation.intent").empty());

  // --enforce with `mode: dry-run` in the file.
  TempDir other;
  setup = write_enforcement_setup(*fleet_, other.path(), "", kEnforcementPolicy, "dry-run");
  result = scan(setup, {"--enforce"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("mode: dry-run"), std::string::npos) << result.err;
  EXPECT_TRUE(json::parse(result.out).at("dry_run").as_bool());
  EXPECT_EQ(mutations(*fleet_, "whm1"), 0U);
}

TEST_F(EnforceCommandTest, EnforcingWithoutATrailOrStateIsRefused) {
  start({enforcement_host("whm1")});
  const auto files = mock::write_fleet_files(*fleet_, dir_.path());
  std::filesystem::create_directories(dir_ / "policies");
  std::ofstream(dir_ / "policies/10.yaml") << kEnforcementPolicy;
  std::ofstream(files.config_file, std::ios::app)
      << "policies: " << (dir_ / "policies").string() << "\nmode: enforce\n";
  const auto result = tokenwarden({"scan", "--config", files.config_file.string(), "--enforce"});
  EXPECT_EQ(result.exit_code, 78) << result.err;
  EXPECT_NE(result.err.find("audit"), std::string::npos) << result.err;
  EXPECT_EQ(mutations(*fleet_, "whm1"), 0U);
}

TEST_F(EnforceCommandTest, CapsStopMutations) {
  // 9 violators on whm1, more than its cap of 4: every mutation there is held. whm2's 3 fit.
  start({enforcement_host("whm1", 3), enforcement_host("whm2")});
  const auto setup =
      write_enforcement_setup(*fleet_, dir_.path(),
                              "limits: {max_mutations_per_sweep: 50, max_mutations_per_host: 4, "
                              "max_revoke_percent_per_host: 100}\n");
  const auto result = scan(setup, {"--enforce"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(mutations(*fleet_, "whm1"), 0U);
  EXPECT_EQ(mutations(*fleet_, "whm2"), 3U);
  const auto records = trail_records(setup.audit);
  EXPECT_EQ(records_of(records, "mutation.intent").size(), 3U);
  ASSERT_EQ(records_of(records, "cap.held").size(), 1U);
  EXPECT_NE(std::string(records_of(records, "cap.held")[0].at("data").at("message").as_string())
                .find("whm1"),
            std::string::npos);
  std::size_t held = 0;
  for (const auto& f : records_of(records, "finding")) {
    if (f.at("data").at("decision").as_string() == "held-by-cap") ++held;
  }
  EXPECT_EQ(held, 9U);
}

// The grace history is what makes `grace: 7d` work across runs: the first sighting is kept,
// not reset, and once the week has passed (simulated by moving the recorded sighting back, as
// the daemon cannot wait a week) the token is revoked.
TEST_F(EnforceCommandTest, GraceRunsAcrossRuns) {
  mock::HostSpec host;
  host.name = "whm1";
  mock::UserSpec root;
  root.tokens = bystanders("whm1");
  mock::TokenSpec old;
  old.name = "old-report";
  old.create_time = epoch_now() - 100 * kDay;  // only max-age fires (grace 7d)
  old.expires_at = epoch_now() + 10 * kDay;
  old.acls = std::vector<std::string>{"list-accts"};
  root.tokens.push_back(old);
  host.users = {root};
  start({host});
  const auto setup = write_enforcement_setup(*fleet_, dir_.path());
  const auto grace_file = setup.state_dir / "grace.json";
  auto read_text = [](const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto first_seen = [&]() -> std::string {
    const auto doc = json::parse(read_text(grace_file)).as_object();
    for (const auto& entry : doc.at("entries").as_array()) {
      if (entry.at("token").as_string() == "old-report") {
        return std::string(entry.at("first_seen").as_string());
      }
    }
    return "";
  };

  auto result = scan(setup, {"--enforce"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(fleet_->host("whm1").find_token("root", "old-report"));
  const std::string seen = first_seen();
  ASSERT_FALSE(seen.empty()) << read_text(grace_file);

  // The next run keeps the first sighting (and the token, still in grace).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  result = scan(setup, {"--enforce"});
  EXPECT_TRUE(fleet_->host("whm1").find_token("root", "old-report"));
  EXPECT_EQ(first_seen(), seen);

  // A what-if run a week later plans the revoke, but records nothing and remembers nothing.
  const auto grace_before = read_text(grace_file);
  const auto trail_size = std::filesystem::file_size(setup.audit);
  const auto later = policy::format_utc(epoch_now() + 8 * kDay);
  result = scan(setup, {"--now", later});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  bool due = false;
  const auto what_if = json::parse(result.out);
  for (const auto& a : what_if.at("actions").as_array()) {
    if (a.at("token").as_string() == "old-report") due = a.at("decision").as_string() == "apply";
  }
  EXPECT_TRUE(due) << result.out;
  EXPECT_EQ(read_text(grace_file), grace_before);
  EXPECT_EQ(std::filesystem::file_size(setup.audit), trail_size);
  EXPECT_EQ(fleet_->host("whm1").calls("api_token_revoke"), 0U);

  // The week has passed: the recorded sighting moves back 8 days; now the revoke is due.
  std::string text = read_text(grace_file);
  const auto earlier = policy::format_utc(*policy::parse_utc(seen) - 8 * kDay);
  text.replace(text.find(seen), seen.size(), earlier);
  std::ofstream(grace_file, std::ios::trunc) << text;
  result = scan(setup, {"--enforce"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_FALSE(fleet_->host("whm1").find_token("root", "old-report")) << result.out;
  EXPECT_EQ(fleet_->host("whm1").calls("api_token_revoke"), 1U);
}

TEST_F(EnforceCommandTest, ACorruptGraceStateIsReportedAndRebuilt) {
  start({enforcement_host("whm1")});
  const auto setup = write_enforcement_setup(*fleet_, dir_.path());
  std::filesystem::create_directories(setup.state_dir);
  std::ofstream(setup.state_dir / "grace.json") << "{\"schema\": \"tokenwarden.grace/1\", \"ent";
  const auto result = scan(setup, {"--enforce"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("grace state rebuilt"), std::string::npos) << result.err;
  EXPECT_EQ(records_of(trail_records(setup.audit), "state.rebuilt").size(), 1U);
  std::ifstream in(setup.state_dir / "grace.json");
  const std::string text(std::istreambuf_iterator<char>(in), {});
  EXPECT_NO_THROW((void)json::parse(text)) << text;
}

TEST_F(EnforceCommandTest, BrokenHostsAreNotCoveredAndTheOthersAreEnforced) {
  start({enforcement_host("whm1"), enforcement_host("hang"), enforcement_host("reset"),
         enforcement_host("down")});
  mock::Fault hang;
  hang.kind = mock::FaultKind::kHang;
  fleet_->host("hang").set_fault(hang);
  mock::Fault reset;
  reset.kind = mock::FaultKind::kReset;
  fleet_->host("reset").set_fault(reset);
  mock::Fault down;
  down.kind = mock::FaultKind::kHttpStatus;
  down.http_status = 503;
  fleet_->host("down").set_fault(down);
  auto setup = write_enforcement_setup(*fleet_, dir_.path());
  {
    std::string text;
    std::ifstream in(setup.config);
    text.assign(std::istreambuf_iterator<char>(in), {});
    text.replace(text.find("{connect: 5s, request: 30s}"), 27, "{connect: 1s, request: 2s}");
    std::ofstream(setup.config, std::ios::trunc) << text;
  }
  const auto result = scan(setup, {"--enforce"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(mutations(*fleet_, "whm1"), 3U);
  for (const auto* broken : {"hang", "reset", "down"}) EXPECT_EQ(mutations(*fleet_, broken), 0U);
  const auto records = trail_records(setup.audit);
  std::map<std::string, std::string> failed;
  for (const auto& r : records_of(records, "coverage.failed")) {
    failed[std::string(r.at("host").as_string())] = r.at("data").at("reason").as_string();
  }
  ASSERT_EQ(failed.size(), 3U);
  EXPECT_NE(failed["hang"].find("timeout"), std::string::npos) << failed["hang"];
  EXPECT_NE(failed["down"].find("503"), std::string::npos) << failed["down"];
  const json::object summary = records_of(records, "sweep.finished").back().at("data").as_object();
  EXPECT_EQ(summary.at("hosts_reached").as_array().size(), 1U);
  EXPECT_EQ(summary.at("hosts_failed").as_array().size(), 3U);
  const auto doc = json::parse(result.out).as_object();
  EXPECT_EQ(doc.at("uncovered").as_array().size(), 3U);
}

// Token names from a host with newlines, quotes and control characters: the host is not
// trusted (nothing mutated there), no record is split or forged, and the names never reach a
// request.
TEST_F(EnforceCommandTest, HostileNamesNeitherBreakARecordNorReachARequest) {
  start({enforcement_host("whm1"), enforcement_host("evil")});
  const std::string hostile_names[] = {"bad\nname", "quote\"d", "ctl\x01\x1b[31m",
                                       R"(x","hash":"00)", "line\u2028sep"};
  json::object tokens;
  for (const auto& name : hostile_names) {
    tokens[name] = {{"name", name},
                    {"create_time", epoch_now() - 30 * kDay},
                    {"expires_at", epoch_now() - kDay},
                    {"acls", {{"list-accts", 1}}},
                    {"whitelist_ips", nullptr}};
  }
  tokens["expired-real"] = {{"name", "expired-real"},
                            {"create_time", epoch_now() - 30 * kDay},
                            {"expires_at", epoch_now() - kDay},
                            {"acls", {{"list-accts", 1}}},
                            {"whitelist_ips", nullptr}};
  const json::object body{
      {"data", {{"tokens", tokens}}},
      {"metadata",
       {{"command", "api_token_list"}, {"reason", "OK"}, {"result", 1}, {"version", 1}}}};
  mock::Fault fault;
  fault.kind = mock::FaultKind::kBody;
  fault.body = json::serialize(body);
  fault.functions = {"api_token_list"};
  fleet_->host("evil").set_fault(fault);
  const auto setup =
      write_enforcement_setup(*fleet_, dir_.path(), "limits: {max_revoke_percent_per_host: 100}\n");

  const auto result = scan(setup, {"--enforce"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(mutations(*fleet_, "evil"), 0U);  // not even expired-real: the host is held
  EXPECT_EQ(mutations(*fleet_, "whm1"), 3U);
  for (const auto& record : fleet_->host("evil").request_log()) {
    for (const auto& [key, value] : record.params) {
      for (const auto& name : hostile_names) EXPECT_EQ(value.find(name), std::string::npos);
    }
  }
  // Every line of the trail is one whole record, and the chain holds.
  std::ifstream in(setup.audit);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    const auto record = json::parse(line).as_object();
    EXPECT_EQ(record.at("seq").as_int64(), static_cast<std::int64_t>(lines));
    for (const char c : line) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << line;
  }
  const auto records = trail_records(setup.audit);
  EXPECT_EQ(records.size(), lines);
  EXPECT_EQ(records_of(records, "host.held").size(), 1U);
  // Each hostile name is rejected by name, escaped, in its own coverage record.
  std::size_t rejected = 0;
  for (const auto& r : records_of(records, "coverage.failed")) {
    if (r.at("host").as_string() != "evil") continue;
    const std::string reason(r.at("data").at("reason").as_string());
    EXPECT_NE(reason.find("rejected token entry"), std::string::npos) << reason;
    for (const char c : reason) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << reason;
    ++rejected;
  }
  EXPECT_EQ(rejected, std::size(hostile_names));
  // The plan on stdout has no raw control character either (JSON escapes them).
  for (const char c : result.out) {
    if (c != '\n') {
      EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    }
  }
  const auto verified = verify(setup);
  EXPECT_EQ(verified.exit_code, 0) << verified.out;
}

// With the trail's file size limited (RLIMIT_FSIZE: the file cannot grow past it, as on a full
// disk), every mutation the mock received has its intent in the trail and nothing is sent once
// the trail cannot be written. Limits from "nothing fits" to "most fits" are tried, so some
// run fails mid-way through the mutations.
TEST_F(EnforceCommandTest, NoMutationIsSentOnceTheTrailCannotBeWritten) {
  bool stopped_midway = false;
  for (int kib = 1; kib <= 40; kib += 3) {
    SCOPED_TRACE("limit " + std::to_string(kib) + " KiB");
    start({enforcement_host("whm1", 4)});  // 12 violators
    TempDir dir;
    const auto setup = write_enforcement_setup(
        *fleet_, dir.path(),
        "limits: {max_mutations_per_sweep: 100, max_mutations_per_host: 100, "
        "max_revoke_percent_per_host: 100}\n");
    std::filesystem::create_directories(setup.audit.parent_path());
    const std::string command = "ulimit -f " + std::to_string(kib) + "; exec '" +
                                tokenwarden_binary() + "' scan --enforce --format json --config '" +
                                setup.config.string() + "'";
    const auto result = run_process({"/bin/bash", "-c", command});
    const auto sent = mutations(*fleet_, "whm1");
    const auto records = trail_records(setup.audit);
    const auto intents = records_of(records, "mutation.intent").size();
    EXPECT_EQ(sent, intents) << result.err;
    if (result.exit_code == 74) {
      EXPECT_NE(result.err.find("audit trail"), std::string::npos) << result.err;
      EXPECT_LT(sent, 12U);
      if (sent > 0) stopped_midway = true;
      EXPECT_FALSE(result.out.empty());  // the plan is still reported
    } else {
      EXPECT_EQ(result.exit_code, 0) << result.err;
      EXPECT_EQ(sent, 12U);
    }
    // What was written is whole and verifies.
    const auto verified = tokenwarden({"audit", "verify", setup.audit.string()});
    if (std::filesystem::file_size(setup.audit) > 0) {
      EXPECT_EQ(verified.exit_code, 0) << verified.out;
    }
    fleet_.reset();
  }
  EXPECT_TRUE(stopped_midway);
}

}  // namespace
}  // namespace tw::testing
