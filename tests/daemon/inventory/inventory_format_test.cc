#include "daemon/inventory/inventory_format.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tw::inventory {
namespace {

constexpr policy::EpochSeconds kNow = 1'800'000'000;

policy::Token make_token(std::string name, policy::EpochSeconds created,
                         std::optional<policy::EpochSeconds> expires,
                         std::set<std::string> acls = {},
                         std::optional<std::vector<std::string>> whitelist = std::nullopt) {
  policy::Token token;
  token.name = std::move(name);
  token.create_time = created;
  token.expires_at = expires;
  token.acls.full_access = acls.empty();
  token.acls.names = std::move(acls);
  token.whitelist_ips = std::move(whitelist);
  return token;
}

std::vector<AccountInventory> sample() {
  const auto old_full = make_token("old-backup", 1'700'000'000, std::nullopt);
  const auto expired = make_token("expired,one", 1'700'000'000, kNow - 10, {"list-accts"});
  const auto scoped =
      make_token("ci-deploy", 1'790'000'000, kNow + 86'400, {"create-acct", "list-accts"},
                 std::vector<std::string>{"192.0.2.0/24"});
  whm::TokenList ok{{expired, old_full, scoped}, {}};
  whm::TokenList with_rejected{{}, {{"evil\\nname", "not a valid WHM token name"}}};
  return {
      AccountInventory{"whm01", "root", ok},
      AccountInventory{
          "whm02", "root",
          std::unexpected(whm::WhmError{whm::WhmErrorKind::transport, "Timeout was reached",
                                        http::ErrorKind::timeout, 0})},
      AccountInventory{"whm03", "reseller1", with_rejected},
  };
}

TEST(InventoryFormat, ParsesFormatNames) {
  EXPECT_EQ(parse_format("table"), Format::table);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_EQ(parse_format("csv"), Format::csv);
  EXPECT_FALSE(parse_format("xml").has_value());
}

TEST(InventoryFormat, JsonIsOneDocumentWithEveryField) {
  const auto text = render(sample(), Format::json, kNow);
  const auto doc = boost::json::parse(text).as_object();
  EXPECT_EQ(doc.at("generated_at").as_string(), "2027-01-15T08:00:00Z");
  const auto& accounts = doc.at("accounts").as_array();
  ASSERT_EQ(accounts.size(), 3U);
  const auto& first = accounts[0].as_object();
  EXPECT_EQ(first.at("status").as_string(), "ok");
  const auto& tokens = first.at("tokens").as_array();
  ASSERT_EQ(tokens.size(), 3U);
  const auto& expired = tokens[0].as_object();
  EXPECT_EQ(expired.at("name").as_string(), "expired,one");
  EXPECT_TRUE(expired.at("expired").as_bool());
  EXPECT_FALSE(expired.at("full_access").as_bool());
  const auto& full = tokens[1].as_object();
  EXPECT_TRUE(full.at("full_access").as_bool());
  EXPECT_TRUE(full.at("expires").is_null());
  EXPECT_TRUE(full.at("whitelist_ips").is_null());
  const auto& scoped = tokens[2].as_object();
  EXPECT_EQ(scoped.at("whitelist_ips").as_array().at(0).as_string(), "192.0.2.0/24");
  EXPECT_EQ(scoped.at("acls").as_array().size(), 2U);
  const auto& failed = accounts[1].as_object();
  EXPECT_EQ(failed.at("status").as_string(), "error");
  EXPECT_EQ(failed.at("error").at("kind").as_string(), "transport/timeout");
  EXPECT_EQ(accounts[2].at("status").as_string(), "incomplete");
  EXPECT_EQ(doc.at("summary").at("accounts_failed").as_int64(), 1);
  EXPECT_EQ(doc.at("summary").at("tokens").as_int64(), 3);
}

TEST(InventoryFormat, CsvQuotesAndListsFailures) {
  const auto text = render(sample(), Format::csv, kNow);
  EXPECT_TRUE(text.starts_with(
      "host,user,status,token,created,expires,expired,full_access,acls,whitelist_ips,error\r\n"));
  EXPECT_NE(text.find("whm01,root,ok,\"expired,one\",2023-11-14T22:13:20Z,"), std::string::npos);
  EXPECT_NE(text.find("whm01,root,ok,old-backup,2023-11-14T22:13:20Z,never,no,yes,all,any,\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("whm02,root,error,,,,,,,,transport/timeout: Timeout was reached\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("whm03,reseller1,rejected,evil\\nname,"), std::string::npos);
}

TEST(InventoryFormat, TableShowsTokensAndProblems) {
  const auto text = render(sample(), Format::table, kNow);
  EXPECT_TRUE(text.starts_with("HOST "));
  EXPECT_NE(text.find("ci-deploy"), std::string::npos);
  EXPECT_NE(text.find("3 tokens from 2 of 3 accounts"), std::string::npos);
  EXPECT_NE(text.find("whm02 (root): transport/timeout: Timeout was reached"), std::string::npos);
  EXPECT_NE(text.find("rejected token entry 'evil\\nname'"), std::string::npos);
}

TEST(InventoryFormat, CompleteOnlyWithoutFailuresOrRejections) {
  auto inventory = sample();
  EXPECT_FALSE(complete(inventory));
  inventory.erase(inventory.begin() + 1, inventory.end());
  EXPECT_TRUE(complete(inventory));
}

}  // namespace
}  // namespace tw::inventory
