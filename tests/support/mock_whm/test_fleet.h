#pragma once
// Shared pieces of the mock's tests: known secrets, a small two-user fleet spec and a started
// fleet with a client factory.

#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mock_whm/fleet.h"
#include "tests/support/mock_whm/test_https_client.h"

namespace tw::mock::testing {

inline constexpr const char* kRootSecret = "ROOT0000000000000000000000000001";
inline constexpr const char* kResellerSecret = "RESELLER000000000000000000000001";
inline const std::vector<std::string> kResellerAcls = {"acct-summary", "create-acct", "list-accts"};

inline EpochSeconds now_epoch() {
  return static_cast<EpochSeconds>(std::time(nullptr));
}

// A token spec named `name`; with `secret` when given (a known credential).
inline TokenSpec token_spec(std::string name, std::optional<std::string> secret = std::nullopt) {
  TokenSpec token;
  token.name = std::move(name);
  token.secret = std::move(secret);
  return token;
}

// One host: root (holds `all`, token `tokenwarden` with kRootSecret) and reseller1 (holds
// kResellerAcls, token `tokenwarden` with kResellerSecret, full access).
inline HostSpec basic_host(std::string name) {
  HostSpec host;
  host.name = std::move(name);
  UserSpec root;
  root.tokens.push_back(token_spec("tokenwarden", kRootSecret));
  UserSpec reseller;
  reseller.name = "reseller1";
  reseller.acls = kResellerAcls;
  reseller.tokens.push_back(token_spec("tokenwarden", kResellerSecret));
  host.users = {root, reseller};
  return host;
}

// A started fleet of `count` basic hosts named h0, h1, ...
class FleetTest : public ::testing::Test {
 protected:
  void start_fleet(int count = 1, FleetOptions options = {}) {
    FleetSpec spec;
    for (int i = 0; i < count; ++i) spec.hosts.push_back(basic_host("h" + std::to_string(i)));
    fleet_ = std::make_unique<Fleet>(std::move(spec), options);
    fleet_->start();
  }
  Host& host(int i = 0) { return fleet_->host(static_cast<std::size_t>(i)); }
  std::unique_ptr<HttpsClient> client(int i = 0, HttpsClientOptions options = {}) {
    if (options.ca_pem.empty()) options.ca_pem = fleet_->ca_pem();
    return std::make_unique<HttpsClient>(host(i).port(), options);
  }
  // GET /json-api/<fn>?api.version=1&<query> as root.
  HttpsResponse call(HttpsClient& c, const std::string& function, const std::string& query = "",
                     const char* secret = kRootSecret, const char* user = "root") {
    return c.get("/json-api/" + function + "?api.version=1" + (query.empty() ? "" : "&" + query),
                 whm_auth(user, secret));
  }
  std::unique_ptr<Fleet> fleet_;
};

}  // namespace tw::mock::testing
