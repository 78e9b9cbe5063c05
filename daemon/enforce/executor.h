#pragma once
// Applies planned mutations: many hosts at once, one mutation at a time per host. For each
// mutation, in this order and never otherwise:
//   1. the intent is appended to the audit trail and fdatasync'ed; if that fails, nothing more
//      is sent on any host (the trail's failure is sticky);
//   2. the call is sent (api_token_revoke, or api_token_update with the full intended state);
//   3. the account is listed again and the outcome is judged from the listing (confirm.h);
//   4. the outcome is appended.
// A transport or authentication failure stops further mutations on that host for this sweep
// (repeated failed logins get the daemon locked out); WHM refusing one token does not.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/fleet.h"
#include "daemon/audit/events.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/whm/whm_client.h"
#include "policy/plan.h"

namespace tw::enforce {

struct Execution {
  const policy::PlannedAction* action = nullptr;
  bool sent = false;
  std::optional<std::uint64_t> intent_seq;
  audit::OutcomeResult result = audit::OutcomeResult::unconfirmed;
  std::optional<std::string> error;     // the call's or the listing's error
  std::optional<std::string> withheld;  // why it was not sent
  std::optional<policy::Token> observed;
};

struct ExecutionContext {
  std::string sweep;
  std::string policy_hash;
  audit::TrailWriter& trail;
  // When set and true, nothing more is sent (checked before each mutation).
  const bool* stopping = nullptr;
};

// Executes `actions` (each with decision apply, kind revoke or update, for hosts in
// `configuration`). Returns one Execution per action, in the order given.
[[nodiscard]] boost::asio::awaitable<std::vector<Execution>> execute(
    whm::WhmClient& client, const config::Snapshot& configuration,
    std::vector<const policy::PlannedAction*> actions, ExecutionContext context);

}  // namespace tw::enforce
