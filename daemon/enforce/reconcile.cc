#include "daemon/enforce/reconcile.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iterator>
#include <map>
#include <set>

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
  std::set<AccountKey> unverifiable;
  for (const auto& intent : intents) {
    const AccountKey key{intent.host, intent.user};
    if (listings.contains(key) || unverifiable.contains(key)) continue;
    const auto host = std::ranges::find(configuration.hosts, intent.host, &config::Host::name);
    // Never listable again: unverifiable (deferring would keep the intent open for ever).
    if (host == configuration.hosts.end()) {
      unverifiable.insert(key);
      continue;
    }
    const auto account = std::ranges::find(host->accounts, intent.user, &config::Account::user);
    if (account == host->accounts.end()) {
      unverifiable.insert(key);
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
    bool never_checked = false;
    if (unverifiable.contains(key)) {
      event =
          audit::mutation_reconciled(intent, audit::ReconcileResult::unverifiable, std::nullopt);
      deferred = false;
      never_checked = true;
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
      if (never_checked) ++summary.unverifiable;
    }
  }
  co_return summary;
}

std::expected<std::vector<audit::OpenIntent>, std::string> open_intents_in_trail(
    const std::filesystem::path& current) {
  constexpr std::size_t kMaxFilesBack = 3;
  auto newest = audit::read_trail_file(current);
  if (!newest) return std::unexpected(newest.error());
  std::vector<std::vector<audit::ReadRecord>> files;  // newest first
  std::vector<std::filesystem::path> read{current};
  files.push_back(std::move(*newest));
  while (files.size() <= kMaxFilesBack) {
    const auto& later = files.back();
    if (later.empty() || !later.front().json) break;
    const auto& first = *later.front().json;
    const auto first_seq = audit::seq_of(first);
    if (!first_seq || audit::string_member(first, "event") != "trail.continued") break;
    const auto* data = first.if_contains("data");
    if (data == nullptr || !data->is_object()) break;
    const auto previous = audit::string_member(data->get_object(), "previous_file");
    if (!previous || previous->empty()) break;
    const std::filesystem::path earlier_path(*previous);
    std::error_code error;
    // A head-file continuation may name the current file itself: never read a file twice.
    if (std::ranges::any_of(read, [&](const std::filesystem::path& seen) {
          return std::filesystem::equivalent(seen, earlier_path, error);
        })) {
      break;
    }
    if (!std::filesystem::is_regular_file(earlier_path, error)) break;
    auto earlier = audit::read_trail_file(earlier_path);
    if (!earlier) break;  // unreadable: search what was read
    // It must end before the later file begins, or it is not the file before in this chain.
    std::optional<std::uint64_t> last_seq;
    for (auto it = earlier->rbegin(); it != earlier->rend() && !last_seq; ++it) {
      if (it->json) last_seq = audit::seq_of(*it->json);
    }
    if (!last_seq || *last_seq >= *first_seq) break;
    read.push_back(earlier_path);
    files.push_back(std::move(*earlier));
  }
  std::vector<audit::ReadRecord> records;  // chain order: oldest file first
  for (auto file = files.rbegin(); file != files.rend(); ++file) {
    std::ranges::move(*file, std::back_inserter(records));
  }
  return audit::open_intents(records);
}

asio::awaitable<TrailReconciliation> reconcile_trail(whm::WhmClient& client,
                                                     const config::Snapshot& configuration,
                                                     audit::TrailWriter& trail) {
  TrailReconciliation result;
  auto found = open_intents_in_trail(trail.path());
  if (!found) {
    result.problem = found.error();
    co_return result;
  }
  std::vector<audit::OpenIntent> intents = std::move(*found);
  result.open = intents.size();
  if (!intents.empty()) {
    result.done = co_await reconcile(client, configuration, std::move(intents), trail);
  }
  co_return result;
}

}  // namespace tw::enforce
