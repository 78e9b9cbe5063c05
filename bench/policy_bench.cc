// Benchmark: evaluating and planning the example policies (examples/policies) over a large
// fleet, side by side with a peer cost every sweep pays anyway: parsing the same tokens from
// WHM's api_token_list JSON. Run with scripts/bench.sh; results in docs/performance.md.

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "config/load_policies.h"
#include "daemon/whm/response_parser.h"
#include "policy/evaluate.h"
#include "policy/plan.h"
#include "policy/timestamp.h"

namespace {

using namespace std::chrono;
constexpr int kHosts = 200;
constexpr int kTokensPerHost = 250;

// One host's api_token_list body with a realistic mix of tokens.
std::string list_body(std::mt19937& random, std::int64_t now) {
  static const std::vector<std::string> acls{"list-accts", "acct-summary", "create-acct",
                                             "passwd", "manage-api-tokens", "edit-dns"};
  boost::json::object tokens;
  for (int t = 0; t < kTokensPerHost; ++t) {
    const std::string name =
        std::vector<std::string>{"svc-", "ci-", "deploy-", "legacy-", "monitoring-"}[random() % 5] +
        std::to_string(t);
    boost::json::object token;
    token["name"] = name;
    token["create_time"] = now - static_cast<std::int64_t>(random() % 400) * 86400;
    token["expires_at"] = random() % 3 == 0
                              ? boost::json::value(nullptr)
                              : boost::json::value(now + static_cast<std::int64_t>(random() % 120) * 86400 -
                                                   30 * 86400);
    boost::json::object acl_map;
    const bool full = random() % 5 == 0;
    acl_map["all"] = full ? 1 : 0;
    for (const auto& acl : acls) acl_map[acl] = full || random() % 2 == 0 ? 1 : 0;
    token["acls"] = acl_map;
    token["whitelist_ips"] = random() % 2 == 0 ? boost::json::value(nullptr)
                                               : boost::json::value(boost::json::array{
                                                     "203.0.113.0/25", "198.51.100.7"});
    tokens[name] = token;
  }
  return boost::json::serialize(boost::json::object{
      {"data", {{"tokens", tokens}}},
      {"metadata", {{"command", "api_token_list"}, {"reason", "OK"}, {"result", 1}, {"version", 1}}}});
}

}  // namespace

int main() {
  const auto now = *tw::policy::parse_utc("2026-11-28T00:00:00Z");
  auto policies = tw::config::load_policies(
      std::filesystem::path(TOKENWARDEN_SOURCE_DIR) / "examples/policies", now);
  if (!policies) {
    std::fprintf(stderr, "cannot load examples/policies\n");
    return 1;
  }
  std::mt19937 random(42);
  std::vector<std::string> bodies;
  for (int h = 0; h < kHosts; ++h) bodies.push_back(list_body(random, now));

  auto start = steady_clock::now();
  std::vector<tw::policy::HostSnapshot> snapshots;
  for (int h = 0; h < kHosts; ++h) {
    auto list = tw::whm::parse_token_list(bodies[static_cast<std::size_t>(h)]);
    if (!list) return 1;
    snapshots.push_back({"whm" + std::to_string(h), {"production"}, "tokenwarden",
                         {{"root", std::move(list->tokens)}}});
  }
  const auto parse_us = duration_cast<microseconds>(steady_clock::now() - start).count();

  start = steady_clock::now();
  std::vector<tw::policy::Finding> findings;
  for (const auto& snapshot : snapshots) {
    auto found = tw::policy::evaluate(*policies, snapshot, now);
    findings.insert(findings.end(), found.begin(), found.end());
  }
  const auto evaluate_us = duration_cast<microseconds>(steady_clock::now() - start).count();
  start = steady_clock::now();
  const auto plan = tw::policy::plan(*policies, snapshots, findings, tw::policy::Limits{}, {}, now);
  const auto plan_us = duration_cast<microseconds>(steady_clock::now() - start).count();

  const double tokens = static_cast<double>(kHosts) * kTokensPerHost;
  std::printf("%d hosts x %d tokens = %.0f tokens, %zu rules (examples/policies)\n\n", kHosts,
              kTokensPerHost, tokens, policies->rules.size());
  std::printf("%-34s %12s %14s\n", "step", "total (ms)", "per token (us)");
  std::printf("%-34s %12.1f %14.2f\n", "parse api_token_list JSON (peer)", parse_us / 1000.0,
              static_cast<double>(parse_us) / tokens);
  std::printf("%-34s %12.1f %14.2f\n", "evaluate", evaluate_us / 1000.0,
              static_cast<double>(evaluate_us) / tokens);
  std::printf("%-34s %12.1f %14.2f\n", "plan", plan_us / 1000.0,
              static_cast<double>(plan_us) / tokens);
  std::printf("\n%zu findings, %zu actions, %zu mutations due, %zu cap sentences\n",
              findings.size(), plan.actions.size(), plan.mutations(), plan.held.size());
  return 0;
}
