#include "daemon/audit/events.h"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>

#include "policy/timestamp.h"

namespace tw::audit {
namespace json = boost::json;
namespace {

json::value utc_or_null(const std::optional<policy::EpochSeconds>& time) {
  if (!time) return nullptr;
  return json::value(policy::format_utc(*time));
}

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

json::value string_array_or_null(const std::optional<std::vector<std::string>>& items) {
  if (!items) return nullptr;
  return string_array(*items);
}

// Empty means "not known" for the members an open intent carries over from its record.
std::optional<std::string> non_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

Event make(std::string type, Subject subject = {}) {
  return Event{std::move(type), std::move(subject), {}};
}

// The data of mutation.dry_run and mutation.intent.
Event mutation(std::string type, const std::string& sweep, const std::string& policy_hash,
               const policy::PlannedAction& action) {
  std::optional<std::string> rule;
  if (!action.rules.empty()) rule = action.rules.front();
  Event event = make(std::move(type),
                     {sweep, action.host, action.user, action.token, std::move(rule), policy_hash});
  event.data["action"] = spelling(action.kind);
  event.data["rules"] = string_array(action.rules);
  event.data["why"] = string_array(action.why);
  event.data["before"] = token_state(action.before);
  event.data["after"] = action.kind == policy::ActionKind::revoke ? json::value(nullptr)
                                                                  : intended_state(action.after);
  return event;
}

Subject intent_subject(const OpenIntent& intent) {
  return {non_empty(intent.sweep), non_empty(intent.host), non_empty(intent.user),
          non_empty(intent.token), non_empty(intent.rule), non_empty(intent.policy_hash)};
}

}  // namespace

std::string_view spelling(OutcomeResult result) {
  switch (result) {
    case OutcomeResult::confirmed:
      return "confirmed";
    case OutcomeResult::failed:
      return "failed";
    case OutcomeResult::unconfirmed:
      return "unconfirmed";
  }
  return "unconfirmed";
}

std::string_view spelling(ReconcileResult result) {
  switch (result) {
    case ReconcileResult::applied:
      return "applied";
    case ReconcileResult::not_applied:
      return "not_applied";
    case ReconcileResult::diverged:
      return "diverged";
    case ReconcileResult::unverifiable:
      return "unverifiable";
  }
  return "diverged";
}

json::value token_state(const std::optional<policy::Token>& token) {
  if (!token) return nullptr;
  json::object state;
  state["create_time"] = policy::format_utc(token->create_time);
  state["expires_at"] = utc_or_null(token->expires_at);
  state["full_access"] = token->acls.full_access;
  // std::set: already sorted.
  state["acls"] =
      string_array(std::vector<std::string>(token->acls.names.begin(), token->acls.names.end()));
  state["whitelist_ips"] = string_array_or_null(token->whitelist_ips);
  return state;
}

json::value intended_state(const std::optional<policy::IntendedState>& after) {
  if (!after) return nullptr;
  std::vector<std::string> acls = after->acls;
  std::sort(acls.begin(), acls.end());
  json::object state;
  // No create_time: an update does not change it.
  state["expires_at"] = utc_or_null(after->expires_at);
  state["full_access"] = std::find(acls.begin(), acls.end(), "all") != acls.end();
  state["acls"] = string_array(acls);
  state["whitelist_ips"] = string_array_or_null(after->whitelist_ips);
  return state;
}

Event run_started(std::string_view command, std::string_view version, bool dry_run) {
  Event event = make("run.started");
  event.data["command"] = command;
  event.data["version"] = version;
  event.data["pid"] = static_cast<std::int64_t>(::getpid());
  event.data["mode"] = dry_run ? "dry-run" : "enforce";
  return event;
}

Event run_stopped(int exit_status, std::string_view reason) {
  Event event = make("run.stopped");
  event.data["exit_status"] = exit_status;
  event.data["reason"] = reason;
  return event;
}

Event config_loaded(const config::Snapshot& configuration) {
  Event event = make("config.loaded");
  std::size_t accounts = 0;
  for (const auto& host : configuration.hosts) accounts += host.accounts.size();
  event.data["source"] = configuration.source.string();
  event.data["mode"] = configuration.settings.mode == config::Mode::enforce ? "enforce" : "dry-run";
  event.data["hosts"] = configuration.hosts.size();
  event.data["accounts"] = accounts;
  return event;
}

Event policy_loaded(const policy::PolicySet& policies) {
  Event event = make("policy.loaded");
  event.subject.policy_hash = policies.hash;
  event.data["files"] = string_array(policies.files);
  event.data["rules"] = policies.rules.size();
  event.data["exemptions"] = policies.exemptions.size();
  event.data["protected"] = string_array(policies.protected_tokens);
  return event;
}

Event config_rejected(const std::string& source, const std::vector<std::string>& errors,
                      const std::string& policy_hash) {
  Event event;
  event.type = "config.rejected";
  event.subject.policy_hash = policy_hash;
  event.data["source"] = source;
  boost::json::array list;
  for (const auto& error : errors) list.emplace_back(error);
  event.data["errors"] = std::move(list);
  return event;
}

Event state_rebuilt(const std::string& file, const std::string& reason) {
  Event event = make("state.rebuilt");
  event.data["file"] = file;
  event.data["reason"] = reason;
  return event;
}

Event sweep_started(const std::string& sweep, const std::string& policy_hash, bool dry_run,
                    std::size_t hosts, std::size_t accounts) {
  Event event = make("sweep.started");
  event.subject.sweep = sweep;
  event.subject.policy_hash = policy_hash;
  event.data["dry_run"] = dry_run;
  event.data["hosts"] = hosts;
  event.data["accounts"] = accounts;
  return event;
}

Event account_reached(const std::string& sweep, const std::string& policy_hash,
                      const std::string& host, const std::string& user, std::size_t tokens) {
  Event event =
      make("coverage.reached", {sweep, host, user, std::nullopt, std::nullopt, policy_hash});
  event.data["tokens"] = tokens;
  return event;
}

Event account_failed(const std::string& sweep, const std::string& policy_hash,
                     const std::string& host, const std::string& user, const std::string& reason) {
  Event event =
      make("coverage.failed", {sweep, host, user, std::nullopt, std::nullopt, policy_hash});
  event.data["reason"] = reason;
  return event;
}

Event finding(const std::string& sweep, const std::string& policy_hash,
              const policy::Finding& finding, const policy::PlannedAction& planned) {
  Event event = make(
      "finding", {sweep, finding.host, finding.user, finding.token, finding.rule_id, policy_hash});
  event.data["action"] = spelling(finding.action);
  event.data["why"] = finding.why;
  event.data["decision"] = spelling(planned.decision);
  event.data["exempted"] = finding.exemption.has_value();
  event.data["protected"] = finding.protected_token;
  event.data["due_at"] = utc_or_null(planned.due_at);
  return event;
}

Event exemption_used(const std::string& sweep, const std::string& policy_hash,
                     const policy::Finding& finding, const policy::Exemption& exemption) {
  Event event = make("exemption.used", {sweep, finding.host, finding.user, finding.token,
                                        finding.rule_id, policy_hash});
  event.data["reason"] = exemption.reason;
  event.data["owner"] = exemption.owner;
  event.data["expires"] = policy::format_utc(exemption.expires);
  event.data["source"] = exemption.source;
  return event;
}

Event cap_held(const std::string& sweep, const std::string& policy_hash,
               const std::string& message) {
  Event event = make("cap.held");
  event.subject.sweep = sweep;
  event.subject.policy_hash = policy_hash;
  event.data["message"] = message;
  return event;
}

Event host_held(const std::string& sweep, const std::string& policy_hash, const std::string& host,
                const std::string& reason, std::size_t actions) {
  Event event = make("host.held");
  event.subject.sweep = sweep;
  event.subject.host = host;
  event.subject.policy_hash = policy_hash;
  event.data["reason"] = reason;
  event.data["actions"] = actions;
  return event;
}

Event mutation_dry_run(const std::string& sweep, const std::string& policy_hash,
                       const policy::PlannedAction& action) {
  return mutation("mutation.dry_run", sweep, policy_hash, action);
}

Event mutation_intent(const std::string& sweep, const std::string& policy_hash,
                      const policy::PlannedAction& action) {
  return mutation("mutation.intent", sweep, policy_hash, action);
}

Event mutation_outcome(const std::string& sweep, const std::string& policy_hash,
                       const policy::PlannedAction& action, std::uint64_t intent_seq,
                       OutcomeResult result, const std::optional<std::string>& error,
                       const std::optional<policy::Token>& observed) {
  std::optional<std::string> rule;
  if (!action.rules.empty()) rule = action.rules.front();
  Event event = make("mutation.outcome",
                     {sweep, action.host, action.user, action.token, std::move(rule), policy_hash});
  event.data["intent_seq"] = intent_seq;
  event.data["action"] = spelling(action.kind);
  event.data["result"] = spelling(result);
  event.data["error"] = error ? json::value(*error) : json::value(nullptr);
  event.data["observed"] = token_state(observed);
  return event;
}

Event mutation_reconciled(const OpenIntent& intent, ReconcileResult result,
                          const std::optional<policy::Token>& observed) {
  Event event = make("mutation.reconciled", intent_subject(intent));
  event.data["intent_seq"] = intent.seq;
  event.data["action"] = intent.action;
  event.data["result"] = spelling(result);
  // Nothing was listed for an unverifiable intent, whatever the caller passed.
  event.data["observed"] =
      result == ReconcileResult::unverifiable ? json::value(nullptr) : token_state(observed);
  return event;
}

Event reconcile_deferred(const OpenIntent& intent, const std::string& reason) {
  Event event = make("reconcile.deferred", intent_subject(intent));
  event.data["intent_seq"] = intent.seq;
  event.data["reason"] = reason;
  return event;
}

Event sweep_finished(const std::string& sweep, const std::string& policy_hash,
                     const SweepSummary& summary) {
  Event event = make("sweep.finished");
  event.subject.sweep = sweep;
  event.subject.policy_hash = policy_hash;
  json::array failed;
  for (const auto& failure : summary.hosts_failed) {
    failed.push_back(
        json::object{{"host", failure.host}, {"user", failure.user}, {"reason", failure.reason}});
  }
  event.data["dry_run"] = summary.dry_run;
  event.data["hosts_reached"] = string_array(summary.hosts_reached);
  event.data["hosts_failed"] = std::move(failed);
  event.data["tokens_seen"] = summary.tokens_seen;
  event.data["findings"] = summary.findings;
  event.data["planned"] = summary.planned;
  event.data["sent"] = summary.sent;
  event.data["confirmed"] = summary.confirmed;
  event.data["failed"] = summary.failed;
  event.data["withheld"] = summary.withheld;
  event.data["audit_ok"] = summary.audit_ok;
  return event;
}

Event trail_continued(const std::optional<std::string>& previous_file, std::string_view from) {
  Event event = make("trail.continued");
  event.data["previous_file"] = previous_file ? json::value(*previous_file) : json::value(nullptr);
  event.data["from"] = from;
  return event;
}

Event trail_repaired(std::uint64_t torn_bytes) {
  Event event = make("trail.repaired");
  event.data["torn_bytes"] = torn_bytes;
  return event;
}

}  // namespace tw::audit
