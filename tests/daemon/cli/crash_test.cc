// The crash test: `scan --enforce` killed with SIGKILL at random moments, at least 50 times,
// against a fleet that keeps getting new violators, then run to the end. The mock checks, at
// the moment each mutation arrives, that its intent is already in the trail file; afterwards
// no intent is left open, the fleet is in the planned state and the chain verifies.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "tests/daemon/cli/enforcement_fixture.h"
#include "tests/daemon/cli/intent_counter.h"

namespace tw::testing {
namespace {

namespace json = boost::json;

constexpr int kKills = 50;
constexpr int kHosts = 6;

TEST(CrashTest, KilledAtRandomMomentsTheTrailAndTheFleetStayConsistent) {
  TempDir dir;
  const auto audit = dir / "log" / "audit.jsonl";
  IntentCounter counter(audit);
  std::mutex mu;
  std::map<MutationKey, std::size_t> received;
  std::vector<std::string> violations;
  std::size_t mutations_received = 0;

  mock::FleetOptions options;
  options.on_api_call = [&](const std::string& host, const mock::ApiCall& call) {
    if (call.function != "api_token_update" && call.function != "api_token_revoke") return;
    const std::string user = user_of(call.authorization);
    std::vector<std::string> names = call.params.collect("token_name");
    std::lock_guard lock(mu);
    ++mutations_received;
    for (const auto& name : names) {
      const MutationKey key{host, user, name};
      const std::size_t n = ++received[key];
      const std::size_t on_disk = counter.intents(key);
      if (on_disk < n) {
        violations.push_back(call.function + " #" + std::to_string(n) + " of " + host + "/" + user +
                             "/" + name + " arrived with " + std::to_string(on_disk) +
                             " intent(s) on disk");
      }
    }
  };
  mock::FleetSpec spec;
  for (int h = 0; h < kHosts; ++h) {
    spec.hosts.push_back(enforcement_host("crash" + std::to_string(h), 2));
  }
  mock::Fleet fleet(std::move(spec), options);
  fleet.start();
  const auto setup = write_enforcement_setup(
      fleet, dir.path(),
      "limits: {max_mutations_per_sweep: 10000, max_mutations_per_host: 1000, "
      "max_revoke_percent_per_host: 100}\n");
  ASSERT_EQ(setup.audit, audit);
  const std::vector<std::string> scan{"scan", "--enforce", "--config", setup.config.string()};

  // How long one run takes here (sanitizer builds are slower): kills fall within 1.2 times it.
  const auto started = std::chrono::steady_clock::now();
  const auto first = tokenwarden(scan);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto full_run = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);

  std::mt19937 random(std::random_device{}());
  // Only kills that land after the run wrote something to the trail count: a kill before the
  // trail is opened tests nothing.
  int kills = 0;
  int early_kills = 0;
  int completed = 0;
  for (int round = 0; kills < kKills && round < 4 * kKills; ++round) {
    const auto trail_before = std::filesystem::file_size(audit);
    // New work for every run: three fresh violators on each host.
    for (int h = 0; h < kHosts; ++h) {
      for (const auto& token : violators("r" + std::to_string(round))) {
        fleet.host("crash" + std::to_string(h)).add_token("root", token);
      }
    }
    std::uniform_int_distribution<long> delay(1, std::max<long>(20, full_run.count() * 6 / 5));
    ProcessOptions process;
    process.timeout = std::chrono::milliseconds(delay(random));
    process.echo_output = false;
    const auto result = tokenwarden(scan, process);
    if (result.signal == SIGKILL) {
      ++(std::filesystem::file_size(audit) > trail_before ? kills : early_kills);
    } else {
      ++completed;
      EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
    }
  }
  ASSERT_GE(kills, kKills) << completed << " runs completed, " << early_kills << " early kills";

  // The last run goes to the end: it reconciles what the kills left open and finishes the work.
  const auto last = tokenwarden(scan);
  EXPECT_EQ(last.exit_code, 0) << last.err;

  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(violations.empty())
        << violations.size() << " mutation(s) without an intent, e.g. " << violations.front();
    EXPECT_GT(mutations_received, 0U);
  }

  // No intent is left open: each has an outcome or a reconciliation.
  std::set<std::uint64_t> intents;
  std::set<std::uint64_t> closed;
  std::size_t reconciled = 0;
  for (const auto& record : trail_records(audit)) {
    const auto event = record.at("event").as_string();
    if (event == "mutation.intent") intents.insert(record.at("seq").to_number<std::uint64_t>());
    if (event == "mutation.outcome" || event == "mutation.reconciled") {
      closed.insert(record.at("data").at("intent_seq").to_number<std::uint64_t>());
    }
    if (event == "mutation.reconciled") ++reconciled;
  }
  std::vector<std::uint64_t> open;
  std::ranges::set_difference(intents, closed, std::back_inserter(open));
  EXPECT_TRUE(open.empty()) << open.size() << " open intent(s), first seq " << open.front();
  EXPECT_GT(reconciled, 0U) << "no kill landed between an intent and its outcome";
  std::cout << kills << " kills (and " << early_kills << " before the trail grew), " << completed
            << " completed runs, " << mutations_received << " mutations received, "
            << intents.size() << " intents, " << reconciled << " reconciled after a kill\n";

  // The fleet is in the planned state: a fresh plan has nothing left to do.
  const auto check = tokenwarden({"scan", "--config", setup.config.string(), "--format", "json"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(json::parse(check.out).at("mutations_due").as_int64(), 0) << check.out;
  for (int h = 0; h < kHosts; ++h) {
    for (const auto& token : fleet.host("crash" + std::to_string(h)).tokens("root")) {
      EXPECT_NE(token.name.rfind("expired-", 0), 0U) << token.name;
      if (token.name.rfind("forever-", 0) == 0) {
        EXPECT_TRUE(token.expires_at) << token.name;
      }
    }
  }

  // And the whole trail verifies.
  const auto verified = tokenwarden({"audit", "verify", audit.string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  fleet.stop();
}

}  // namespace
}  // namespace tw::testing
