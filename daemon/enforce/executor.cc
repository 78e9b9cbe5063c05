#include "daemon/enforce/executor.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

#include "daemon/enforce/confirm.h"

// GCC 12 at -O2 reports a coroutine frame's sized delete as mismatched with its allocation in
// this file (a false positive: both are Boost.Asio's awaitable_frame_base operators).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace tw::enforce {
namespace asio = boost::asio;
namespace {

const config::Account* find_account(const config::Host& host, const std::string& user) {
  const auto it = std::ranges::find(host.accounts, user, &config::Account::user);
  return it == host.accounts.end() ? nullptr : &*it;
}

// Judges a mutation from the listing made after it.
audit::OutcomeResult judge(const policy::PlannedAction& action, bool call_succeeded,
                           const std::optional<policy::Token>& observed) {
  const bool intended =
      action.kind == policy::ActionKind::revoke
          ? !observed.has_value()
          : observed && action.after && has_intended_state(*observed, *action.after);
  if (intended) return audit::OutcomeResult::confirmed;
  if (!call_succeeded && observed && *observed == action.before) {
    return audit::OutcomeResult::failed;
  }
  return audit::OutcomeResult::unconfirmed;
}

bool stops_the_host(const whm::WhmError& error) {
  return error.kind != whm::WhmErrorKind::api;
}

// One host's mutations, strictly one after another. `slots` point into the caller's result.
asio::awaitable<void> execute_host(whm::WhmClient& client, const config::Host& host,
                                   std::vector<Execution*> slots, const ExecutionContext& context) {
  std::optional<std::string> stop;  // set once this host must not be mutated any more
  for (Execution* slot : slots) {
    const policy::PlannedAction& action = *slot->action;
    if (stop) {
      slot->withheld = *stop;
      continue;
    }
    const config::Account* account = find_account(host, action.user);
    if (account == nullptr) {
      slot->withheld = "no credential for user '" + action.user + "' on this host";
      continue;
    }
    if (context.stopping != nullptr && *context.stopping) {
      slot->withheld = "stopping: nothing new is started";
      continue;
    }
    if (context.trail.failed()) {
      slot->withheld = "the audit trail cannot be written: " + *context.trail.failure();
      continue;
    }
    auto intent =
        context.trail.append(audit::mutation_intent(context.sweep, context.policy_hash, action),
                             audit::Durability::synced);
    if (!intent) {
      slot->withheld = "the audit trail cannot be written: " + intent.error();
      continue;
    }
    slot->intent_seq = intent->seq;
    slot->sent = true;

    std::optional<whm::WhmError> call_error;
    if (action.kind == policy::ActionKind::revoke) {
      // Arguments are built before the co_await: GCC 12 mishandles temporaries inside one.
      std::vector<std::string> names{action.token};
      whm::Target target = whm::make_target(host, *account);
      auto revoked = co_await client.revoke_tokens(std::move(target), std::move(names));
      if (!revoked) call_error = std::move(revoked.error());
    } else {
      whm::TokenUpdate update;
      update.token_name = action.token;
      update.acls = action.after->acls;
      update.expires_at = action.after->expires_at;
      update.whitelist_ips = action.after->whitelist_ips;
      whm::Target target = whm::make_target(host, *account);
      auto updated = co_await client.update_token(std::move(target), std::move(update));
      if (!updated) call_error = std::move(updated.error());
    }
    if (call_error) slot->error = call_error->describe();

    whm::Target list_target = whm::make_target(host, *account);
    auto listed = co_await client.list_tokens(std::move(list_target));
    if (listed) {
      slot->observed = find_token(listed->tokens, action.token);
      slot->result = judge(action, !call_error, slot->observed);
    } else {
      slot->result = audit::OutcomeResult::unconfirmed;
      const std::string listing = "listing afterwards failed: " + listed.error().describe();
      slot->error = slot->error ? *slot->error + "; " + listing : listing;
    }
    // The outcome need not be synced: if it is lost, the intent is reconciled at the next start.
    (void)context.trail.append(audit::mutation_outcome(context.sweep, context.policy_hash, action,
                                                       *slot->intent_seq, slot->result, slot->error,
                                                       slot->observed));
    if (call_error && stops_the_host(*call_error)) {
      stop = "an earlier mutation on this host failed (" + call_error->kind_name() +
             "): no more mutations here this sweep";
    } else if (!listed && stops_the_host(listed.error())) {
      stop = "listing after a mutation failed (" + listed.error().kind_name() +
             "): no more mutations here this sweep";
    }
  }
}

}  // namespace

asio::awaitable<std::vector<Execution>> execute(whm::WhmClient& client,
                                                const config::Snapshot& configuration,
                                                std::vector<const policy::PlannedAction*> actions,
                                                ExecutionContext context) {
  std::vector<Execution> executions(actions.size());
  std::map<std::string, std::vector<Execution*>> by_host;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    executions[i].action = actions[i];
    by_host[actions[i]->host].push_back(&executions[i]);
  }
  const auto executor = co_await asio::this_coro::executor;
  using Operation = decltype(asio::co_spawn(executor, asio::awaitable<void>{}, asio::deferred));
  std::vector<Operation> operations;
  for (auto& entry : by_host) {
    const auto host = std::ranges::find(configuration.hosts, entry.first, &config::Host::name);
    if (host == configuration.hosts.end()) {
      for (Execution* slot : entry.second) slot->withheld = "host not in the configuration";
      continue;
    }
    operations.push_back(asio::co_spawn(
        executor, execute_host(client, *host, entry.second, context), asio::deferred));
  }
  if (!operations.empty()) {
    auto finished = co_await asio::experimental::make_parallel_group(std::move(operations))
                        .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const auto& e : std::get<1>(finished)) {
      if (e) std::rethrow_exception(e);
    }
  }
  co_return executions;
}

}  // namespace tw::enforce
