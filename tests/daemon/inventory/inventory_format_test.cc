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

// Reads RFC 4180 CSV strictly: CRLF ends a record, a quoted field doubles its quotes and may
// hold commas, CR and LF; a quote anywhere else in a field is an error (an empty result).
std::vector<std::vector<std::string>> parse_rfc4180(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  std::size_t i = 0;
  bool quoted_field = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      if (!field.empty() || quoted_field) return {};  // a quote inside an unquoted field
      quoted_field = true;
      for (++i;; ++i) {
        if (i >= text.size()) return {};  // unterminated
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        field += text[i];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\r') return {};
      continue;
    }
    if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      quoted_field = false;
      ++i;
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(std::move(field));
      field.clear();
      quoted_field = false;
      records.push_back(std::move(record));
      record.clear();
      i += 2;
      continue;
    }
    if (c == '\r' || c == '\n') return {};  // a bare line break outside quotes
    field += c;
    ++i;
  }
  if (!field.empty() || !record.empty()) return {};  // the last record must end with CRLF
  return records;
}

TEST(InventoryFormat, CsvCellsASpreadsheetWouldRunGetAnApostrophe) {
  // Values a host controls: a token name may start with '-', a rejected entry may be anything.
  whm::TokenList list;
  list.tokens.push_back(make_token("-dash-first", 1'700'000'000, std::nullopt));
  const std::vector<std::string> hostile = {
      "=HYPERLINK(\"http://x\",\"y\")", "+SUM(1,2)", "@A1", "\tTAB", "\rCR", "-2+3"};
  for (const auto& name : hostile) {
    whm::RejectedEntry entry;
    entry.name = name;
    entry.reason = "not a valid WHM token name";
    list.rejected.push_back(std::move(entry));
  }
  std::vector<AccountInventory> inventory;
  inventory.push_back(AccountInventory{"whm01", "root", list});
  const auto text = render(inventory, Format::csv, kNow);

  // The first one by hand: apostrophe first, then RFC 4180 quoting of the whole cell.
  EXPECT_NE(text.find("\r\nwhm01,root,rejected,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\r\nwhm01,root,ok,'-dash-first,"), std::string::npos) << text;

  const auto records = parse_rfc4180(text);
  ASSERT_EQ(records.size(), 2U + hostile.size()) << text;
  for (const auto& record : records) ASSERT_EQ(record.size(), 11U);
  EXPECT_EQ(records[1][3], "'-dash-first");
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    EXPECT_EQ(records[2 + i][2], "rejected");
    EXPECT_EQ(records[2 + i][3], "'" + hostile[i]);
  }
  // Cells that do not start with such a character are unchanged.
  EXPECT_EQ(records[1][0], "whm01");
  EXPECT_EQ(records[2][10], "not a valid WHM token name");
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
