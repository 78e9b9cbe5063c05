#include "daemon/sweep/sweep.h"

#include <boost/asio/this_coro.hpp>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "daemon/inventory/inventory.h"

namespace tw::sweep {
namespace asio = boost::asio;
namespace {

using AccountKey = std::pair<std::string, std::string>;  // host, user

// Appends when there is a trail. Failures are sticky in the writer and reported at the end.
void record(audit::TrailWriter* trail, const audit::Event& event) {
  if (trail != nullptr) (void)trail->append(event);
}

const policy::PlannedAction* planned_for(const policy::Plan& plan, const policy::Finding& f) {
  for (const auto& action : plan.actions) {
    if (action.host == f.host && action.user == f.user && action.token == f.token) return &action;
  }
  return nullptr;
}

// Why mutations on each host must be withheld: an account that could not be listed (the caps
// would count too few tokens) or entries no WHM sends (the host is not trusted this sweep).
std::map<std::string, std::string> hosts_to_hold(
    const std::vector<inventory::AccountInventory>& inventory) {
  std::map<std::string, std::string> held;
  for (const auto& account : inventory) {
    if (held.contains(account.host)) continue;
    if (!account.tokens) {
      held[account.host] = "account '" + account.user + "' could not be listed";
    } else if (!account.tokens->rejected.empty()) {
      held[account.host] = "account '" + account.user + "' listed entries no WHM sends";
    }
  }
  return held;
}

std::string outcome_text(audit::OutcomeResult result) {
  return std::string(audit::spelling(result));
}

}  // namespace

std::string new_sweep_id(policy::EpochSeconds now) {
  std::random_device random;
  const std::time_t t = now;
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d%02d%02dT%02d%02d%02dZ-%08x", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<unsigned>(random()));
  return text;
}

asio::awaitable<SweepResult> run_sweep(whm::WhmClient& client,
                                       const config::Snapshot& configuration,
                                       const policy::PolicySet& policies, audit::TrailWriter* trail,
                                       SweepOptions options) {
  SweepResult result;
  result.sweep_id = new_sweep_id(options.now);
  const std::string& sweep = result.sweep_id;
  const std::string& hash = policies.hash;
  const bool enforce = options.enforce && trail != nullptr;
  result.summary.dry_run = !enforce;

  // 1. Listing and coverage.
  std::size_t accounts = 0;
  for (const auto& host : configuration.hosts) accounts += host.accounts.size();
  record(trail, audit::sweep_started(sweep, hash, !enforce, configuration.hosts.size(), accounts));
  const auto inventory = co_await inventory::collect(client, configuration);
  std::set<std::string> failed_hosts;
  for (const auto& account : inventory) {
    if (!account.tokens) {
      const auto reason = account.tokens.error().describe();
      record(trail, audit::account_failed(sweep, hash, account.host, account.user, reason));
      result.summary.hosts_failed.push_back({account.host, account.user, reason});
      failed_hosts.insert(account.host);
      continue;
    }
    for (const auto& rejected : account.tokens->rejected) {
      const auto reason = "rejected token entry '" + rejected.name + "': " + rejected.reason;
      record(trail, audit::account_failed(sweep, hash, account.host, account.user, reason));
      result.summary.hosts_failed.push_back({account.host, account.user, reason});
      failed_hosts.insert(account.host);
    }
    record(trail, audit::account_reached(sweep, hash, account.host, account.user,
                                         account.tokens->tokens.size()));
  }
  for (const auto& host : configuration.hosts) {
    if (!failed_hosts.contains(host.name)) result.summary.hosts_reached.push_back(host.name);
  }

  // 3. Evaluation and plan.
  auto snapshots = scan::to_snapshots(configuration, inventory, result.uncovered);
  // 2. Grace history: a copy taken now, since other sweeps may change the shared history
  // while this one waits on hosts.
  const policy::GraceState grace_at_planning =
      options.grace != nullptr ? options.grace->state() : policy::GraceState{};
  result.evaluation =
      scan::evaluate_and_plan(policies, std::move(snapshots), configuration.settings.limits,
                              grace_at_planning, options.now);
  const auto& plan = result.evaluation.plan;
  result.summary.tokens_seen = result.evaluation.tokens;
  result.summary.findings = result.evaluation.findings.size();
  result.summary.planned = plan.mutations();

  // 4. Findings, exemptions, caps.
  for (const auto& finding : result.evaluation.findings) {
    const auto* planned = planned_for(plan, finding);
    if (planned != nullptr) record(trail, audit::finding(sweep, hash, finding, *planned));
    if (finding.exemption && *finding.exemption < policies.exemptions.size()) {
      record(trail,
             audit::exemption_used(sweep, hash, finding, policies.exemptions[*finding.exemption]));
    }
  }
  for (const auto& message : plan.held) record(trail, audit::cap_held(sweep, hash, message));

  // 5. Mutations.
  const auto held = hosts_to_hold(inventory);
  std::map<std::string, std::size_t> held_counts;
  std::vector<const policy::PlannedAction*> due;
  std::vector<enforce::Execution> withheld;
  for (const auto& action : plan.actions) {
    if (action.decision != policy::Decision::apply) continue;
    if (const auto reason = held.find(action.host); reason != held.end()) {
      ++held_counts[action.host];
      enforce::Execution execution;
      execution.action = &action;
      execution.withheld = "host held: " + reason->second;
      withheld.push_back(std::move(execution));
      continue;
    }
    due.push_back(&action);
  }
  for (const auto& entry : held_counts) {
    record(trail, audit::host_held(sweep, hash, entry.first, held.at(entry.first), entry.second));
  }
  std::string refused;
  if (enforce && !due.empty() && options.admit) refused = options.admit(due.size());
  if (enforce && !refused.empty()) {
    record(trail, audit::cap_held(sweep, hash, refused));
    for (const auto* action : due) {
      enforce::Execution execution;
      execution.action = action;
      execution.withheld = refused;
      result.executions.push_back(std::move(execution));
    }
  } else if (enforce) {
    // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
    enforce::ExecutionContext context{sweep, hash, *trail, options.stopping};
    result.executions = co_await enforce::execute(client, configuration, due, context);
    if (options.release) {
      std::size_t sent = 0;
      for (const auto& execution : result.executions) sent += execution.sent ? 1 : 0;
      options.release(due.size(), sent);
    }
  } else {
    for (const auto* action : due) {
      record(trail, audit::mutation_dry_run(sweep, hash, *action));
      enforce::Execution execution;
      execution.action = action;
      execution.withheld = "dry run";
      result.executions.push_back(std::move(execution));
    }
  }
  std::ranges::move(withheld, std::back_inserter(result.executions));
  for (const auto& execution : result.executions) {
    if (!execution.sent) {
      ++result.summary.withheld;
    } else {
      ++result.summary.sent;
      if (execution.result == audit::OutcomeResult::confirmed) {
        ++result.summary.confirmed;
      } else {
        ++result.summary.failed;
      }
    }
  }

  // 6. Grace history, summary.
  if (options.grace != nullptr && options.save_grace) {
    std::set<state::GraceBook::AccountKey> listed;
    for (const auto& account : inventory) {
      if (account.tokens) listed.insert({account.host, account.user});
    }
    options.grace->update(listed, plan.grace);
    if (auto saved = options.grace->save(); !saved) {
      result.problems.push_back("grace state not saved: " + saved.error());
    }
  }
  if (trail != nullptr) {
    result.summary.audit_ok = !trail->failed();
    record(trail, audit::sweep_finished(sweep, hash, result.summary));
    (void)trail->sync();
    if (trail->failed()) {
      result.summary.audit_ok = false;
      result.problems.push_back("the audit trail could not be written: " + *trail->failure());
    }
  }
  co_return result;
}

std::vector<report::Outcome> outcomes(const SweepResult& result) {
  std::vector<report::Outcome> out;
  for (const auto& execution : result.executions) {
    const auto& action = *execution.action;
    report::Outcome o{
        action.host, action.user, action.token, std::string(policy::spelling(action.kind)), "", ""};
    if (!execution.sent) {
      o.result = result.summary.dry_run && execution.withheld == "dry run" ? "dry-run" : "withheld";
      o.detail = execution.withheld.value_or("");
    } else {
      o.result = outcome_text(execution.result);
      o.detail = execution.error.value_or("");
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace tw::sweep
