#pragma once
// Planning: from findings to at most one action per token, under the safety belts. Pure and
// deterministic. Several findings on one token merge into one action (revoke wins over update
// wins over report); an update carries the token's full intended state, because WHM replaces
// what it is given (and may reset what it is not).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "policy/evaluate.h"
#include "policy/policy.h"

namespace tw::policy {

// Safety caps, on by default.
struct Limits {
  unsigned max_mutations_per_sweep = 50;
  unsigned max_mutations_per_host = 10;
  unsigned max_revoke_percent_per_host = 50;  // of the host's tokens (all accounts)
};

// When each violation (host, user, token, rule) was first seen: what makes `grace` work across
// sweeps. The caller persists it.
using ViolationKey = std::tuple<std::string, std::string, std::string, std::string>;
using GraceState = std::map<ViolationKey, EpochSeconds>;

enum class Decision {
  apply,            // mutate: the action is due and no belt holds it
  report,           // the merged action is `report`: nothing to mutate
  in_grace,         // due at `due_at`
  held_by_cap,      // a cap holds back every mutation of its scope; see Plan::held
  protected_token,  // self token or a `protected` pattern
  exempted,         // every firing rule is exempted
  unfixable,        // an update cannot make the token compliant and the fallback is `report`
};

// The state an update sends: everything, since WHM replaces what it is given.
struct IntendedState {
  std::vector<std::string> acls;           // never empty (empty means full access in WHM)
  std::optional<EpochSeconds> expires_at;  // nullopt: never
  std::optional<std::vector<std::string>> whitelist_ips;  // nullopt: any IP
  friend bool operator==(const IntendedState&, const IntendedState&) = default;
};

struct PlannedAction {
  std::string host;
  std::string user;
  std::string token;
  ActionKind kind = ActionKind::report;  // after merging and fallback
  Decision decision = Decision::report;
  std::vector<std::string> rules;  // ids of the rules that fired (exempted ones included)
  std::vector<std::string> why;    // one line per finding
  Token before;
  std::optional<IntendedState> after;  // set for kind == update, except when unfixable
  std::optional<EpochSeconds> due_at;  // set for in_grace
  std::string note;                    // why held, exempted (with reason and owner) or unfixable
};

struct Plan {
  std::vector<PlannedAction> actions;  // one per token with findings; host, user, token order
  std::vector<std::string> held;       // one sentence per cap that held mutations back
  // The state to persist: entries for current violations only, except that accounts absent from
  // the snapshots (not listed this time) keep theirs unchanged.
  GraceState grace;
  [[nodiscard]] std::size_t mutations() const;  // actions with decision apply
};

// `snapshots` are the hosts the findings came from (for each token's current state and the
// count of tokens per host); `findings` are evaluate()'s output for those hosts. A finding about
// a token that is not in `snapshots` is ignored: nothing is planned without the current state.
// Details: decide.h (one token), update.h (the intended state), caps.h (the caps).
[[nodiscard]] Plan plan(const PolicySet& policies, const std::vector<HostSnapshot>& snapshots,
                        const std::vector<Finding>& findings, const Limits& limits,
                        const GraceState& grace, EpochSeconds now);

// How an action kind and a decision are spelt wherever they are shown or recorded (`plan --format
// json`, the plan table, the audit trail, policy test files): "report", "update", "revoke";
// "apply", "report", "in-grace", "held-by-cap", "protected", "exempted", "unfixable".
[[nodiscard]] std::string_view spelling(ActionKind kind);
[[nodiscard]] std::string_view spelling(Decision decision);

}  // namespace tw::policy
