#include "daemon/enforce/reconcile.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>

#include "daemon/audit/open_intents.h"
#include "daemon/audit/trail_reader.h"
#include "daemon/enforce/confirm.h"
#include "policy/timestamp.h"

// GCC 12 at -O2 reports a coroutine frame's sized delete as mismatched with its allocation in
// this file (a false positive: both are Boost.Asio's awaitable_frame_base operators).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace tw::enforce {
namespace asio = boost::asio;
namespace json = boost::json;
namespace {

// The intended state as the intent recorded it (audit::intended_state's shape).
std::optional<policy::IntendedState> intended_from(const json::value& after) {
  const auto* object = after.if_object();
  if (object == nullptr) return std::nullopt;
  policy::IntendedState state;
  const auto* acls = object->if_contains("acls");
  if (acls == nullptr || !acls->is_array()) return std::nullopt;
  for (const auto& acl : acls->as_array()) {
    if (!acl.is_string()) return std::nullopt;
    state.acls.emplace_back(acl.as_string());
  }
  if (const auto* full = object->if_contains("full_access");
      full && full->is_bool() && full->as_bool() &&
      std::ranges::find(state.acls, "all") == state.acls.end()) {
    state.acls.emplace_back("all");
  }
  if (const auto* expires = object->if_contains("expires_at"); expires && expires->is_string()) {
    const auto at = policy::parse_utc(std::string_view(expires->as_string()));
    if (!at) return std::nullopt;
    state.expires_at = *at;
  }
  if (const auto* ips = object->if_contains("whitelist_ips"); ips && ips->is_array()) {
    std::vector<std::string> entries;
    for (const auto& ip : ips->as_array()) {
      if (!ip.is_string()) return std::nullopt;
      entries.emplace_back(ip.as_string());
    }
    state.whitelist_ips = std::move(entries);
  }
  return state;
}

struct AccountKey {
  std::string host;
  std::string user;
  friend auto operator<=>(const AccountKey&, const AccountKey&) = default;
};

asio::awaitable<void> list_account(whm::WhmClient& client, whm::Target target,
                                   std::expected<whm::TokenList, whm::WhmError>& slot) {
  slot = co_await client.list_tokens(std::move(target));
}

}  // namespace

audit::ReconcileResult classify(const audit::OpenIntent& intent,
                                const std::optional<policy::Token>& observed) {
  if (intent.action == "revoke") {
    if (!observed) return audit::ReconcileResult::applied;
  } else if (observed) {
    const auto intended = intended_from(intent.after);
    if (intended && has_intended_state(*observed, *intended)) {
      return audit::ReconcileResult::applied;
    }
  }
  if (audit::token_state(observed) == intent.before) return audit::ReconcileResult::not_applied;
  return audit::ReconcileResult::diverged;
}

asio::awaitable<Reconciliation> reconcile(whm::WhmClient& client,
                                          const config::Snapshot& configuration,
                                          std::vector<audit::OpenIntent> intents,
                                          audit::TrailWriter& trail) {
  Reconciliation summary;
  std::map<AccountKey, std::expected<whm::TokenList, whm::WhmError>> listings;
  std::map<AccountKey, std::string> not_listable;
  for (const auto& intent : intents) {
    const AccountKey key{intent.host, intent.user};
    if (listings.contains(key) || not_listable.contains(key)) continue;
    const auto host = std::ranges::find(configuration.hosts, intent.host, &config::Host::name);
    if (host == configuration.hosts.end()) {
      not_listable[key] = "the host is no longer in the configuration";
      continue;
    }
    const auto account = std::ranges::find(host->accounts, intent.user, &config::Account::user);
    if (account == host->accounts.end()) {
      not_listable[key] = "no credential for this user in the configuration";
      continue;
    }
    listings.emplace(key, whm::TokenList{});
  }

  const auto executor = co_await asio::this_coro::executor;
  using Operation = decltype(asio::co_spawn(executor, asio::awaitable<void>{}, asio::deferred));
  std::vector<Operation> operations;
  for (auto& entry : listings) {
    const auto& host =
        *std::ranges::find(configuration.hosts, entry.first.host, &config::Host::name);
    const auto& account =
        *std::ranges::find(host.accounts, entry.first.user, &config::Account::user);
    operations.push_back(asio::co_spawn(
        executor, list_account(client, whm::make_target(host, account), entry.second),
        asio::deferred));
  }
  if (!operations.empty()) {
    auto finished = co_await asio::experimental::make_parallel_group(std::move(operations))
                        .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const auto& e : std::get<1>(finished)) {
      if (e) std::rethrow_exception(e);
    }
  }

  for (const auto& intent : intents) {
    const AccountKey key{intent.host, intent.user};
    audit::Event event;
    bool deferred = true;
    if (const auto reason = not_listable.find(key); reason != not_listable.end()) {
      event = audit::reconcile_deferred(intent, reason->second);
    } else if (const auto& listed = listings.at(key); !listed) {
      event = audit::reconcile_deferred(intent, listed.error().describe());
    } else if (!listed->rejected.empty()) {
      event = audit::reconcile_deferred(intent, "the account's listing holds entries no WHM sends");
    } else {
      const auto observed = find_token(listed->tokens, intent.token);
      event = audit::mutation_reconciled(intent, classify(intent, observed), observed);
      deferred = false;
    }
    if (!trail.append(event, audit::Durability::synced)) {
      ++summary.unrecorded;
    } else if (deferred) {
      ++summary.deferred;
    } else {
      ++summary.reconciled;
    }
  }
  co_return summary;
}

asio::awaitable<TrailReconciliation> reconcile_trail(whm::WhmClient& client,
                                                     const config::Snapshot& configuration,
                                                     audit::TrailWriter& trail) {
  TrailReconciliation result;
  auto records = audit::read_trail_file(trail.path());
  if (!records) {
    result.problem = records.error();
    co_return result;
  }
  auto intents = audit::open_intents(*records);
  result.open = intents.size();
  if (!intents.empty()) {
    result.done = co_await reconcile(client, configuration, std::move(intents), trail);
  }
  co_return result;
}

}  // namespace tw::enforce
