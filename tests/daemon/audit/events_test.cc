// The event catalogue: each builder's type, subject and data members (as docs/audit.md lists
// them), the token state shape, and that no secret reaches a record.

#include "daemon/audit/events.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace tw::audit {
namespace {

namespace json = boost::json;

constexpr policy::EpochSeconds kMarch1 = 1772366400;  // 2026-03-01T12:00:00Z
const std::string kSweep = "20260301T120000Z-1";
const std::string kPolicy(64, 'c');
constexpr std::nullopt_t kNone = std::nullopt;

std::vector<std::string> keys(const json::object& object) {
  std::vector<std::string> out;
  for (const auto& member : object) out.emplace_back(member.key());
  return out;
}

policy::Token sample_token() {
  policy::Token token;
  token.name = "deploy";
  token.create_time = kMarch1;
  token.expires_at = std::nullopt;
  token.acls.full_access = false;
  token.acls.names = {"list-accts", "all-users", "create-acct"};
  token.whitelist_ips = std::vector<std::string>{"203.0.113.5"};
  return token;
}

policy::PlannedAction sample_action(policy::ActionKind kind) {
  policy::PlannedAction action;
  action.host = "whm01";
  action.user = "root";
  action.token = "deploy";
  action.kind = kind;
  action.decision = policy::Decision::apply;
  action.rules = {"must-expire", "allow-list"};
  action.why = {"never expires", "usable from any IP"};
  action.before = sample_token();
  if (kind == policy::ActionKind::update) {
    action.after =
        policy::IntendedState{{"list-accts", "all-users"}, kMarch1 + 86400, std::nullopt};
  }
  return action;
}

void expect_subject(const Event& event, const Subject& subject) {
  EXPECT_EQ(event.subject.sweep, subject.sweep) << event.type;
  EXPECT_EQ(event.subject.host, subject.host) << event.type;
  EXPECT_EQ(event.subject.user, subject.user) << event.type;
  EXPECT_EQ(event.subject.token, subject.token) << event.type;
  EXPECT_EQ(event.subject.rule, subject.rule) << event.type;
  EXPECT_EQ(event.subject.policy_hash, subject.policy_hash) << event.type;
}

TEST(EventsTest, TokenState) {
  const json::value state = token_state(sample_token());
  EXPECT_EQ(json::serialize(state),
            R"({"create_time":"2026-03-01T12:00:00Z","expires_at":null,"full_access":false,)"
            R"("acls":["all-users","create-acct","list-accts"],"whitelist_ips":["203.0.113.5"]})");
  EXPECT_TRUE(token_state(std::nullopt).is_null());
  policy::Token full = sample_token();
  full.acls = policy::AclSet{true, {"all"}};
  full.expires_at = kMarch1 + 60;
  full.whitelist_ips = std::nullopt;
  EXPECT_EQ(json::serialize(token_state(full)),
            R"({"create_time":"2026-03-01T12:00:00Z","expires_at":"2026-03-01T12:01:00Z",)"
            R"("full_access":true,"acls":["all"],"whitelist_ips":null})");
  EXPECT_EQ(json::serialize(intended_state(
                policy::IntendedState{{"b", "a"}, std::nullopt, std::vector<std::string>{}})),
            R"({"expires_at":null,"full_access":false,"acls":["a","b"],"whitelist_ips":[]})");
  EXPECT_TRUE(intended_state(std::nullopt).is_null());
}

TEST(EventsTest, Spellings) {
  EXPECT_EQ(spelling(policy::ActionKind::report), "report");
  EXPECT_EQ(spelling(policy::ActionKind::update), "update");
  EXPECT_EQ(spelling(policy::ActionKind::revoke), "revoke");
  EXPECT_EQ(spelling(OutcomeResult::confirmed), "confirmed");
  EXPECT_EQ(spelling(OutcomeResult::failed), "failed");
  EXPECT_EQ(spelling(OutcomeResult::unconfirmed), "unconfirmed");
  EXPECT_EQ(spelling(ReconcileResult::applied), "applied");
  EXPECT_EQ(spelling(ReconcileResult::not_applied), "not_applied");
  EXPECT_EQ(spelling(ReconcileResult::diverged), "diverged");
  EXPECT_EQ(spelling(ReconcileResult::unverifiable), "unverifiable");
}

TEST(EventsTest, ProcessAndConfiguration) {
  const Event started = run_started("run", "0.3.0", false);
  EXPECT_EQ(started.type, "run.started");
  expect_subject(started, {});
  EXPECT_EQ(keys(started.data), (std::vector<std::string>{"command", "version", "pid", "mode"}));
  EXPECT_EQ(started.data.at("pid").as_int64(), ::getpid());
  EXPECT_EQ(started.data.at("mode").as_string(), "enforce");
  EXPECT_EQ(run_started("scan", "0.3.0", true).data.at("mode").as_string(), "dry-run");

  const Event stopped = run_stopped(1, "SIGTERM");
  EXPECT_EQ(stopped.type, "run.stopped");
  EXPECT_EQ(json::serialize(stopped.data), R"({"exit_status":1,"reason":"SIGTERM"})");

  config::Snapshot snapshot;
  snapshot.source = "/etc/tokenwarden/tokenwarden.yaml";
  snapshot.settings.mode = config::Mode::enforce;
  config::Host host;
  host.name = "whm01";
  host.accounts.push_back({"root", "whm01", config::Secret("SECRET-TOKEN-VALUE")});
  host.accounts.push_back({"reseller", "whm01-reseller", config::Secret("OTHER-SECRET")});
  snapshot.hosts.push_back(host);
  const Event loaded = config_loaded(snapshot);
  EXPECT_EQ(loaded.type, "config.loaded");
  EXPECT_EQ(json::serialize(loaded.data),
            R"({"source":"/etc/tokenwarden/tokenwarden.yaml","mode":"enforce","hosts":1,)"
            R"("accounts":2})");
  EXPECT_EQ(json::serialize(loaded.data).find("SECRET"), std::string::npos);

  policy::PolicySet policies;
  policies.hash = kPolicy;
  policies.files = {"/etc/tokenwarden/policies.d/baseline.yaml"};
  policies.rules.resize(3);
  policies.exemptions.resize(1);
  policies.protected_tokens = {"breakglass-*"};
  const Event policy = policy_loaded(policies);
  EXPECT_EQ(policy.type, "policy.loaded");
  expect_subject(policy, {kNone, kNone, kNone, kNone, kNone, kPolicy});
  EXPECT_EQ(json::serialize(policy.data),
            R"({"files":["/etc/tokenwarden/policies.d/baseline.yaml"],"rules":3,)"
            R"("exemptions":1,"protected":["breakglass-*"]})");

  const Event rebuilt = state_rebuilt("/var/lib/tokenwarden/grace.json", "missing");
  EXPECT_EQ(rebuilt.type, "state.rebuilt");
  EXPECT_EQ(keys(rebuilt.data), (std::vector<std::string>{"file", "reason"}));
}

TEST(EventsTest, SweepCoverageAndFindings) {
  const Event started = sweep_started(kSweep, kPolicy, true, 5, 6);
  EXPECT_EQ(started.type, "sweep.started");
  expect_subject(started, {kSweep, kNone, kNone, kNone, kNone, kPolicy});
  EXPECT_EQ(json::serialize(started.data), R"({"dry_run":true,"hosts":5,"accounts":6})");

  const Event reached = account_reached(kSweep, kPolicy, "whm01", "root", 12);
  EXPECT_EQ(reached.type, "coverage.reached");
  expect_subject(reached, {kSweep, "whm01", "root", kNone, kNone, kPolicy});
  EXPECT_EQ(json::serialize(reached.data), R"({"tokens":12})");

  const Event failed = account_failed(kSweep, kPolicy, "whm05", "root", "HTTP 503");
  EXPECT_EQ(failed.type, "coverage.failed");
  expect_subject(failed, {kSweep, "whm05", "root", kNone, kNone, kPolicy});
  EXPECT_EQ(json::serialize(failed.data), R"({"reason":"HTTP 503"})");

  policy::Finding found{
      "whm01", "root", "deploy", "max-age", policy::ActionKind::revoke, "created 400 days ago",
      0,       false};
  policy::PlannedAction planned = sample_action(policy::ActionKind::revoke);
  planned.decision = policy::Decision::in_grace;
  planned.due_at = kMarch1;
  const Event finding_event = finding(kSweep, kPolicy, found, planned);
  EXPECT_EQ(finding_event.type, "finding");
  expect_subject(finding_event, {kSweep, "whm01", "root", "deploy", "max-age", kPolicy});
  EXPECT_EQ(json::serialize(finding_event.data),
            R"({"action":"revoke","why":"created 400 days ago","decision":"in-grace",)"
            R"("exempted":true,"protected":false,"due_at":"2026-03-01T12:00:00Z"})");
  for (const auto& [decision, spelled] : std::vector<std::pair<policy::Decision, std::string>>{
           {policy::Decision::apply, "apply"},
           {policy::Decision::report, "report"},
           {policy::Decision::held_by_cap, "held-by-cap"},
           {policy::Decision::protected_token, "protected"},
           {policy::Decision::exempted, "exempted"},
           {policy::Decision::unfixable, "unfixable"}}) {
    planned.decision = decision;
    planned.due_at = std::nullopt;
    const Event e = finding(kSweep, kPolicy, found, planned);
    EXPECT_EQ(e.data.at("decision").as_string(), spelled);
    EXPECT_TRUE(e.data.at("due_at").is_null());
  }

  policy::Exemption exemption;
  exemption.reason = "vendor rotates yearly";
  exemption.owner = "secops@example.net";
  exemption.expires = kMarch1;
  exemption.source = "baseline.yaml:12:5";
  const Event used = exemption_used(kSweep, kPolicy, found, exemption);
  EXPECT_EQ(used.type, "exemption.used");
  expect_subject(used, {kSweep, "whm01", "root", "deploy", "max-age", kPolicy});
  EXPECT_EQ(json::serialize(used.data),
            R"({"reason":"vendor rotates yearly","owner":"secops@example.net",)"
            R"("expires":"2026-03-01T12:00:00Z","source":"baseline.yaml:12:5"})");

  const Event cap = cap_held(kSweep, kPolicy, "at most 50 mutations per sweep");
  EXPECT_EQ(cap.type, "cap.held");
  expect_subject(cap, {kSweep, kNone, kNone, kNone, kNone, kPolicy});
  EXPECT_EQ(json::serialize(cap.data), R"({"message":"at most 50 mutations per sweep"})");

  const Event held = host_held(kSweep, kPolicy, "whm02", "an account failed", 3);
  EXPECT_EQ(held.type, "host.held");
  expect_subject(held, {kSweep, "whm02", kNone, kNone, kNone, kPolicy});
  EXPECT_EQ(json::serialize(held.data), R"({"reason":"an account failed","actions":3})");
}

TEST(EventsTest, Mutations) {
  const auto update = sample_action(policy::ActionKind::update);
  for (const Event& event :
       {mutation_dry_run(kSweep, kPolicy, update), mutation_intent(kSweep, kPolicy, update)}) {
    expect_subject(event, {kSweep, "whm01", "root", "deploy", "must-expire", kPolicy});
    EXPECT_EQ(keys(event.data),
              (std::vector<std::string>{"action", "rules", "why", "before", "after"}));
    EXPECT_EQ(event.data.at("action").as_string(), "update");
    EXPECT_EQ(json::serialize(event.data.at("rules")), R"(["must-expire","allow-list"])");
    EXPECT_EQ(event.data.at("before"), token_state(update.before));
    EXPECT_EQ(json::serialize(event.data.at("after")),
              R"({"expires_at":"2026-03-02T12:00:00Z","full_access":false,)"
              R"("acls":["all-users","list-accts"],"whitelist_ips":null})");
  }
  EXPECT_EQ(mutation_dry_run(kSweep, kPolicy, update).type, "mutation.dry_run");
  EXPECT_EQ(mutation_intent(kSweep, kPolicy, update).type, "mutation.intent");
  const auto revoke = sample_action(policy::ActionKind::revoke);
  EXPECT_TRUE(mutation_intent(kSweep, kPolicy, revoke).data.at("after").is_null());
  EXPECT_EQ(mutation_intent(kSweep, kPolicy, revoke).data.at("action").as_string(), "revoke");

  const Event confirmed = mutation_outcome(kSweep, kPolicy, revoke, 41, OutcomeResult::confirmed,
                                           std::nullopt, std::nullopt);
  EXPECT_EQ(confirmed.type, "mutation.outcome");
  expect_subject(confirmed, {kSweep, "whm01", "root", "deploy", "must-expire", kPolicy});
  EXPECT_EQ(json::serialize(confirmed.data),
            R"({"intent_seq":41,"action":"revoke","result":"confirmed","error":null,)"
            R"("observed":null})");
  const Event failed = mutation_outcome(kSweep, kPolicy, update, 42, OutcomeResult::failed,
                                        "WHM: access denied", sample_token());
  EXPECT_EQ(failed.data.at("error").as_string(), "WHM: access denied");
  EXPECT_EQ(failed.data.at("observed"), token_state(sample_token()));
}

TEST(EventsTest, Reconciliation) {
  OpenIntent intent;
  intent.seq = 17;
  intent.sweep = kSweep;
  intent.host = "whm01";
  intent.user = "root";
  intent.token = "deploy";
  intent.rule = "max-age";
  intent.policy_hash = kPolicy;
  intent.action = "revoke";
  const Event reconciled = mutation_reconciled(intent, ReconcileResult::applied, std::nullopt);
  EXPECT_EQ(reconciled.type, "mutation.reconciled");
  expect_subject(reconciled, {kSweep, "whm01", "root", "deploy", "max-age", kPolicy});
  EXPECT_EQ(json::serialize(reconciled.data),
            R"({"intent_seq":17,"action":"revoke","result":"applied","observed":null})");

  intent.rule.clear();  // unknown members of the intent are written as null
  const Event deferred = reconcile_deferred(intent, "connection refused");
  EXPECT_EQ(deferred.type, "reconcile.deferred");
  expect_subject(deferred, {kSweep, "whm01", "root", "deploy", std::nullopt, kPolicy});
  EXPECT_EQ(json::serialize(deferred.data), R"({"intent_seq":17,"reason":"connection refused"})");
}

TEST(EventsTest, AnUnverifiableIntentIsReconciledWithNothingObserved) {
  OpenIntent intent;
  intent.seq = 23;
  intent.sweep = kSweep;
  intent.host = "gone-host";
  intent.user = "root";
  intent.token = "deploy";
  intent.rule = "max-age";
  intent.policy_hash = kPolicy;
  intent.action = "update";
  const Event event = mutation_reconciled(intent, ReconcileResult::unverifiable, std::nullopt);
  EXPECT_EQ(event.type, "mutation.reconciled");
  expect_subject(event, {kSweep, "gone-host", "root", "deploy", "max-age", kPolicy});
  EXPECT_EQ(json::serialize(event.data),
            R"({"intent_seq":23,"action":"update","result":"unverifiable","observed":null})");
  // Nothing was listed: observed is null whatever is passed.
  const Event passed = mutation_reconciled(intent, ReconcileResult::unverifiable, sample_token());
  EXPECT_TRUE(passed.data.at("observed").is_null());
}

TEST(EventsTest, SweepFinishedAndTrail) {
  SweepSummary summary;
  summary.dry_run = false;
  summary.hosts_reached = {"whm01", "whm02"};
  summary.hosts_failed = {{"whm05", "root", "HTTP 503"}};
  summary.tokens_seen = 40;
  summary.findings = 9;
  summary.planned = 4;
  summary.sent = 3;
  summary.confirmed = 2;
  summary.failed = 1;
  summary.withheld = 1;
  summary.audit_ok = true;
  const Event finished = sweep_finished(kSweep, kPolicy, summary);
  EXPECT_EQ(finished.type, "sweep.finished");
  expect_subject(finished, {kSweep, kNone, kNone, kNone, kNone, kPolicy});
  EXPECT_EQ(json::serialize(finished.data),
            R"({"dry_run":false,"hosts_reached":["whm01","whm02"],)"
            R"("hosts_failed":[{"host":"whm05","user":"root","reason":"HTTP 503"}],)"
            R"("tokens_seen":40,"findings":9,"planned":4,"sent":3,"confirmed":2,"failed":1,)"
            R"("withheld":1,"audit_ok":true})");

  EXPECT_EQ(json::serialize(trail_continued("/var/log/a.jsonl.1", "file").data),
            R"({"previous_file":"/var/log/a.jsonl.1","from":"file"})");
  EXPECT_EQ(json::serialize(trail_continued(std::nullopt, "head").data),
            R"({"previous_file":null,"from":"head"})");
  EXPECT_EQ(trail_continued(std::nullopt, "head").type, "trail.continued");
  EXPECT_EQ(trail_repaired(17).type, "trail.repaired");
  EXPECT_EQ(json::serialize(trail_repaired(17).data), R"({"torn_bytes":17})");
}

TEST(EventsTest, HostileNamesAreEscapedByTheRecordLayer) {
  auto action = sample_action(policy::ActionKind::revoke);
  action.token = "x\n{\"v\":1}\xff";
  const Record record = make_record(mutation_intent(kSweep, kPolicy, action), 1, 0, kGenesisHash);
  EXPECT_EQ(record.line.find('\n'), std::string::npos);
  EXPECT_EQ(json::parse(record.line).at("token").as_string(), "x\n{\"v\":1}\uFFFD");
}

}  // namespace
}  // namespace tw::audit
