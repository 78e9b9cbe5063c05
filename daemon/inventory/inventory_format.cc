#include "daemon/inventory/inventory_format.h"

#include <algorithm>
#include <boost/json.hpp>

#include "daemon/text/columns.h"
#include "daemon/text/csv.h"
#include "daemon/text/join.h"
#include "daemon/text/printable.h"
#include "policy/timestamp.h"

namespace tw::inventory {
namespace json = boost::json;

namespace {

// One token as its display fields, shared by the three formats.
struct Row {
  std::string host, user, token, created, expires, expired, full_access, acls, whitelist;
};

Row make_row(const AccountInventory& account, const policy::Token& token,
             policy::EpochSeconds now) {
  return Row{account.host,
             account.user,
             token.name,
             policy::format_utc(token.create_time),
             token.expires_at ? policy::format_utc(*token.expires_at) : "never",
             token.expired_at(now) ? "yes" : "no",
             token.acls.full_access ? "yes" : "no",
             token.acls.full_access ? "(all)" : text::join(token.acls.names, " "),
             token.whitelist_ips ? text::join(*token.whitelist_ips, " ") : "any"};
}

std::string render_table(const std::vector<AccountInventory>& inventory, policy::EpochSeconds now) {
  std::vector<std::vector<std::string>> rows{
      {"HOST", "USER", "TOKEN", "CREATED", "EXPIRES", "EXPIRED", "FULL", "ACLS", "ALLOW-LIST"}};
  std::vector<std::string> problems;
  for (const auto& account : inventory) {
    if (!account.tokens) {
      problems.push_back(account.host + " (" + account.user +
                         "): " + account.tokens.error().describe());
      continue;
    }
    for (const auto& token : account.tokens->tokens) {
      auto r = make_row(account, token, now);
      rows.push_back({r.host, r.user, r.token, r.created, r.expires, r.expired, r.full_access,
                      r.acls, r.whitelist});
    }
    for (const auto& rejected : account.tokens->rejected) {
      problems.push_back(account.host + " (" + account.user + "): rejected token entry '" +
                         rejected.name + "': " + rejected.reason);
    }
  }
  std::string out = text::aligned_columns(rows);
  std::size_t ok = 0;
  std::size_t tokens = 0;
  for (const auto& account : inventory) {
    if (account.tokens) {
      ++ok;
      tokens += account.tokens->tokens.size();
    }
  }
  out += "\n" + std::to_string(tokens) + " tokens from " + std::to_string(ok) + " of " +
         std::to_string(inventory.size()) + " accounts\n";
  if (!problems.empty()) {
    out += "\nNot inventoried or incomplete:\n";
    for (const auto& p : problems) out += "  " + p + "\n";
  }
  return out;
}

json::value token_json(const policy::Token& token, policy::EpochSeconds now) {
  json::object o;
  o["name"] = token.name;
  o["created"] = policy::format_utc(token.create_time);
  o["create_time"] = token.create_time;
  if (token.expires_at) {
    o["expires"] = policy::format_utc(*token.expires_at);
    o["expires_at"] = *token.expires_at;
  } else {
    o["expires"] = nullptr;
    o["expires_at"] = nullptr;
  }
  o["expired"] = token.expired_at(now);
  o["full_access"] = token.acls.full_access;
  json::array acls;
  for (const auto& name : token.acls.names) acls.emplace_back(name);
  o["acls"] = std::move(acls);
  if (token.whitelist_ips) {
    json::array ips;
    for (const auto& ip : *token.whitelist_ips) ips.emplace_back(ip);
    o["whitelist_ips"] = std::move(ips);
  } else {
    o["whitelist_ips"] = nullptr;
  }
  return o;
}

std::string render_json(const std::vector<AccountInventory>& inventory, policy::EpochSeconds now) {
  json::array accounts;
  std::size_t failed = 0;
  std::size_t token_count = 0;
  for (const auto& account : inventory) {
    json::object a;
    a["host"] = account.host;
    a["user"] = account.user;
    if (!account.tokens) {
      ++failed;
      a["status"] = "error";
      a["error"] = {{"kind", account.tokens.error().kind_name()},
                    {"message", account.tokens.error().message}};
    } else {
      a["status"] = account.tokens->rejected.empty() ? "ok" : "incomplete";
      json::array tokens;
      for (const auto& token : account.tokens->tokens) tokens.push_back(token_json(token, now));
      token_count += account.tokens->tokens.size();
      a["tokens"] = std::move(tokens);
      json::array rejected;
      for (const auto& r : account.tokens->rejected) {
        rejected.push_back({{"name", r.name}, {"reason", r.reason}});
      }
      a["rejected"] = std::move(rejected);
    }
    accounts.push_back(std::move(a));
  }
  json::object document;
  document["generated_at"] = policy::format_utc(now);
  document["accounts"] = std::move(accounts);
  document["summary"] = {
      {"accounts", inventory.size()}, {"accounts_failed", failed}, {"tokens", token_count}};
  return json::serialize(document) + "\n";
}

std::string render_csv(const std::vector<AccountInventory>& inventory, policy::EpochSeconds now) {
  std::string out =
      "host,user,status,token,created,expires,expired,full_access,acls,whitelist_ips,error\r\n";
  for (const auto& account : inventory) {
    if (!account.tokens) {
      text::append_csv_line(out, {account.host, account.user, "error", "", "", "", "", "", "", "",
                                  account.tokens.error().describe()});
      continue;
    }
    for (const auto& token : account.tokens->tokens) {
      const auto r = make_row(account, token, now);
      text::append_csv_line(
          out, {r.host, r.user, "ok", r.token, r.created, r.expires, r.expired, r.full_access,
                token.acls.full_access ? "all" : r.acls, r.whitelist, ""});
    }
    for (const auto& rejected : account.tokens->rejected) {
      text::append_csv_line(out, {account.host, account.user, "rejected", rejected.name, "", "", "",
                                  "", "", "", rejected.reason});
    }
  }
  return out;
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::table;
  if (name == "json") return Format::json;
  if (name == "csv") return Format::csv;
  return std::nullopt;
}

std::string render(const std::vector<AccountInventory>& inventory, Format format,
                   policy::EpochSeconds now) {
  switch (format) {
    case Format::table:
      return render_table(inventory, now);
    case Format::json:
      return render_json(inventory, now);
    case Format::csv:
      return render_csv(inventory, now);
  }
  return {};
}

}  // namespace tw::inventory
