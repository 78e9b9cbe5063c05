#include "daemon/inventory/inventory.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tw::inventory {
namespace asio = boost::asio;

namespace {

asio::awaitable<void> list_one(whm::WhmClient& client, whm::Target target, AccountInventory& slot) {
  slot.tokens = co_await client.list_tokens(std::move(target));
}

}  // namespace

asio::awaitable<std::vector<AccountInventory>> collect(whm::WhmClient& client,
                                                       const config::Snapshot& snapshot) {
  std::vector<AccountInventory> inventory;
  std::vector<whm::Target> targets;
  for (const auto& host : snapshot.hosts) {
    for (const auto& account : host.accounts) {
      inventory.push_back(AccountInventory{host.name, account.user, whm::TokenList{}});
      targets.push_back(whm::make_target(host, account));
    }
  }
  const auto executor = co_await asio::this_coro::executor;
  using Operation = decltype(asio::co_spawn(executor, asio::awaitable<void>{}, asio::deferred));
  std::vector<Operation> operations;
  operations.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    operations.push_back(asio::co_spawn(
        executor, list_one(client, std::move(targets[i]), inventory[i]), asio::deferred));
  }
  if (!operations.empty()) {
    // list_one cannot fail: every error is a value in its slot. Exceptions would be bugs and
    // are rethrown.
    auto [order, exceptions] =
        co_await asio::experimental::make_parallel_group(std::move(operations))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const auto& e : exceptions) {
      if (e) std::rethrow_exception(e);
    }
  }
  co_return inventory;
}

bool complete(const std::vector<AccountInventory>& inventory) {
  for (const auto& account : inventory) {
    if (!account.tokens || !account.tokens->rejected.empty()) return false;
  }
  return true;
}

}  // namespace tw::inventory
