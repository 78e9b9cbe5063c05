#pragma once
// Lists every token of every configured account on every host, all hosts at once (the
// transport bounds how many requests are in flight). A host that fails is recorded with its
// error; it never stops the others.

#include <boost/asio/awaitable.hpp>
#include <expected>
#include <string>
#include <vector>

#include "config/fleet.h"
#include "daemon/whm/whm_client.h"

namespace tw::inventory {

// The tokens of one WHM user on one host, or why they could not be listed.
struct AccountInventory {
  std::string host;
  std::string user;
  std::expected<whm::TokenList, whm::WhmError> tokens;
};

// In configuration order: hosts as listed, each host's accounts as listed.
[[nodiscard]] boost::asio::awaitable<std::vector<AccountInventory>> collect(
    whm::WhmClient& client, const config::Snapshot& snapshot);

// True when every account was listed and no host sent an entry that had to be rejected.
[[nodiscard]] bool complete(const std::vector<AccountInventory>& inventory);

}  // namespace tw::inventory
