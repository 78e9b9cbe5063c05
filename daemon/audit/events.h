#pragma once
// The catalogue of audit events: one builder per event type, so every record of a type has the
// same members. docs/audit.md documents each type field by field; keep the two in step.
//
// Token states are written as
//   {"create_time":"<UTC>","expires_at":"<UTC>"|null,"full_access":bool,"acls":[names],
//    "whitelist_ips":[entries]|null}
// (acls sorted; for a full-access token, whatever ACL names WHM listed). A state of a token
// that is not there (revoked, or never existed) is null. Names from hosts go in as they are:
// the record layer escapes them. Never a token value or a credential.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/fleet.h"
#include "daemon/audit/record.h"
#include "policy/evaluate.h"
#include "policy/plan.h"
#include "policy/policy.h"

namespace tw::audit {

// --- Process and configuration ---
// "run.started" {command, version, pid, mode: "dry-run"|"enforce"}
[[nodiscard]] Event run_started(std::string_view command, std::string_view version, bool dry_run);
// "run.stopped" {exit_status, reason}
[[nodiscard]] Event run_stopped(int exit_status, std::string_view reason);
// "config.loaded" {source, mode, hosts, accounts}
[[nodiscard]] Event config_loaded(const config::Snapshot& configuration);
// "policy.loaded" policy_hash; {files, rules, exemptions, protected}
[[nodiscard]] Event policy_loaded(const policy::PolicySet& policies);
// "config.rejected" policy_hash (of the configuration that goes on); {source, errors}: a reload
// (SIGHUP) found errors; the previous configuration and policies keep running.
[[nodiscard]] Event config_rejected(const std::string& source,
                                    const std::vector<std::string>& errors,
                                    const std::string& policy_hash);
// "state.rebuilt" {file, reason}: the grace state was missing or unreadable and starts afresh.
[[nodiscard]] Event state_rebuilt(const std::string& file, const std::string& reason);

// --- A sweep ---
// "sweep.started" sweep, policy_hash; {dry_run, hosts, accounts}
[[nodiscard]] Event sweep_started(const std::string& sweep, const std::string& policy_hash,
                                  bool dry_run, std::size_t hosts, std::size_t accounts);
// "coverage.reached" sweep, host, user, policy_hash; {tokens}
[[nodiscard]] Event account_reached(const std::string& sweep, const std::string& policy_hash,
                                    const std::string& host, const std::string& user,
                                    std::size_t tokens);
// "coverage.failed" sweep, host, user, policy_hash; {reason}
[[nodiscard]] Event account_failed(const std::string& sweep, const std::string& policy_hash,
                                   const std::string& host, const std::string& user,
                                   const std::string& reason);
// "finding" sweep, host, user, token, rule, policy_hash; {action, why, decision, exempted,
// protected, due_at}. `decision` is the token's planned decision (plan.h Decision, spelled
// as in `plan --format json`).
[[nodiscard]] Event finding(const std::string& sweep, const std::string& policy_hash,
                            const policy::Finding& finding, const policy::PlannedAction& planned);
// "exemption.used" sweep, host, user, token, rule, policy_hash; {reason, owner, expires, source}
[[nodiscard]] Event exemption_used(const std::string& sweep, const std::string& policy_hash,
                                   const policy::Finding& finding,
                                   const policy::Exemption& exemption);
// "cap.held" sweep, policy_hash; {message}
[[nodiscard]] Event cap_held(const std::string& sweep, const std::string& policy_hash,
                             const std::string& message);
// "host.held" sweep, host, policy_hash; {reason, actions}: mutations withheld on a host that was
// not fully listed (an account failed, or the host sent entries no WHM sends).
[[nodiscard]] Event host_held(const std::string& sweep, const std::string& policy_hash,
                              const std::string& host, const std::string& reason,
                              std::size_t actions);
// "mutation.dry_run" sweep, host, user, token, rule (first), policy_hash;
// {action, rules, why, before, after}: what enforcing would have sent.
[[nodiscard]] Event mutation_dry_run(const std::string& sweep, const std::string& policy_hash,
                                     const policy::PlannedAction& action);
// "mutation.intent": as mutation.dry_run, written and synced before the call is sent.
[[nodiscard]] Event mutation_intent(const std::string& sweep, const std::string& policy_hash,
                                    const policy::PlannedAction& action);

// How a mutation ended, as confirmed by listing the host again.
enum class OutcomeResult {
  confirmed,    // the listing shows the intended state (revoke: the token is gone)
  failed,       // WHM refused or the call failed, and the listing shows the token unchanged
  unconfirmed,  // the listing could not be made, or shows neither the old nor the new state
};
// "mutation.outcome" sweep, host, user, token, rule, policy_hash;
// {intent_seq, action, result, error, observed}. `observed` is the state listed afterwards
// (null: absent); `error` the WHM or transport error, or null.
[[nodiscard]] Event mutation_outcome(const std::string& sweep, const std::string& policy_hash,
                                     const policy::PlannedAction& action, std::uint64_t intent_seq,
                                     OutcomeResult result, const std::optional<std::string>& error,
                                     const std::optional<policy::Token>& observed);

// An intent found without an outcome at start (the process stopped between the two).
struct OpenIntent {
  std::uint64_t seq = 0;
  std::string sweep;
  std::string host;
  std::string user;
  std::string token;
  std::string rule;
  std::string policy_hash;
  std::string action;         // "revoke" or "update"
  boost::json::value before;  // token state as recorded
  boost::json::value after;   // intended state as recorded (null for revoke)
};
enum class ReconcileResult {
  applied,      // the listing shows the intended state
  not_applied,  // the listing shows the state before
  diverged,     // neither: someone else changed the token meanwhile
  // Can never be checked: the intent's host is no longer in the configuration, or its WHM user
  // has no credential any more. Recorded with observed null; it closes the intent (deferring it
  // would keep it open for ever, and an open intent holds back the trail's rotation).
  unverifiable,
};
// "mutation.reconciled" sweep (of the intent), host, user, token, rule, policy_hash (of the
// intent); {intent_seq, action, result, observed}. For `unverifiable`, pass observed nullopt.
[[nodiscard]] Event mutation_reconciled(const OpenIntent& intent, ReconcileResult result,
                                        const std::optional<policy::Token>& observed);
// "reconcile.deferred" same subject; {intent_seq, reason}: the host could not be listed; the
// intent stays open and is tried again at the next start or sweep.
[[nodiscard]] Event reconcile_deferred(const OpenIntent& intent, const std::string& reason);

// What a sweep saw and did.
struct SweepSummary {
  bool dry_run = true;
  std::vector<std::string> hosts_reached;  // every account listed
  struct Failure {
    std::string host;
    std::string user;
    std::string reason;
  };
  std::vector<Failure> hosts_failed;
  std::size_t tokens_seen = 0;
  std::size_t findings = 0;
  std::size_t planned = 0;  // actions with decision apply
  std::size_t sent = 0;     // mutations sent
  std::size_t confirmed = 0;
  std::size_t failed = 0;    // failed or unconfirmed
  std::size_t withheld = 0;  // planned but not sent (dry run, host held, trail failure)
  bool audit_ok = true;      // false when the trail could not be written at some point
};
// "sweep.finished" sweep, policy_hash; the summary's members.
[[nodiscard]] Event sweep_finished(const std::string& sweep, const std::string& policy_hash,
                                   const SweepSummary& summary);

// --- Written by the trail writer itself ---
// "trail.continued" {previous_file (or null), from: "file"|"head"}
[[nodiscard]] Event trail_continued(const std::optional<std::string>& previous_file,
                                    std::string_view from);
// "trail.repaired" {torn_bytes}
[[nodiscard]] Event trail_repaired(std::uint64_t torn_bytes);

// --- Helpers shared with the readers ---
[[nodiscard]] boost::json::value token_state(const std::optional<policy::Token>& token);
[[nodiscard]] boost::json::value intended_state(const std::optional<policy::IntendedState>& after);
// Actions and decisions as plans spell them (policy/plan.h).
using policy::spelling;
[[nodiscard]] std::string_view spelling(OutcomeResult result);
[[nodiscard]] std::string_view spelling(ReconcileResult result);

}  // namespace tw::audit
