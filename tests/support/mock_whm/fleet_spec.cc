#include "tests/support/mock_whm/fleet_spec.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/token_rules.h"

namespace tw::mock {
namespace {

bool chars_in(std::string_view text, std::string_view extra) {
  return std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

bool valid_host_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && chars_in(s, "._-") && s != "." && s != "..";
}
bool valid_user_name(std::string_view s) {
  return !s.empty() && s.size() <= 32 && s.front() != '.' && s.front() != '-' && chars_in(s, "_.-");
}
bool valid_tag(std::string_view s) {
  return !s.empty() && s.size() <= 64 && chars_in(s, "._:/-");
}

std::expected<void, std::string> check_acl_names(const std::vector<std::string>& acls,
                                                 const std::string& where) {
  for (const auto& acl : acls) {
    if (!is_known_acl(acl)) return std::unexpected(where + ": unknown ACL `" + acl + "`");
  }
  return {};
}

std::expected<void, std::string> check_token(const TokenSpec& token, const std::string& where) {
  if (!is_valid_token_name(token.name)) {
    return std::unexpected(where + ": invalid token name (WHM allows [A-Za-z0-9_-]{1,50})");
  }
  if (token.secret && !is_valid_secret(*token.secret)) {
    return std::unexpected(where + ": a secret is 32 characters from [0-9A-Z]");
  }
  if (token.acls) {
    if (auto ok = check_acl_names(*token.acls, where); !ok) return ok;
  }
  if (token.whitelist) {
    auto normalised = normalise_whitelist(*token.whitelist);
    if (!normalised) return std::unexpected(where + ": whitelist: " + normalised.error());
  }
  return {};
}

}  // namespace

std::vector<UserSpec> effective_users(const HostSpec& host) {
  if (host.users.empty()) return {UserSpec{}};
  return host.users;
}

std::expected<void, std::string> validate_fleet_spec(const FleetSpec& spec) {
  std::set<std::string, std::less<>> host_names;
  for (const auto& host : spec.hosts) {
    if (!valid_host_name(host.name)) {
      return std::unexpected("host `" + host.name + "`: invalid name ([A-Za-z0-9._-]{1,64})");
    }
    if (!host_names.insert(host.name).second) {
      return std::unexpected("host `" + host.name + "`: listed twice");
    }
    for (const auto& tag : host.tags) {
      if (!valid_tag(tag)) return std::unexpected("host `" + host.name + "`: invalid tag");
    }
    std::set<std::string, std::less<>> user_names;
    for (const auto& user : effective_users(host)) {
      const std::string where = "host `" + host.name + "` user `" + user.name + "`";
      if (!valid_user_name(user.name)) return std::unexpected(where + ": invalid user name");
      if (!user_names.insert(user.name).second) return std::unexpected(where + ": listed twice");
      if (auto ok = check_acl_names(user.acls, where); !ok) return ok;
      std::set<std::string, std::less<>> token_names;
      std::set<std::string, std::less<>> secrets;
      for (const auto& token : user.tokens) {
        const std::string token_where = where + " token `" + token.name + "`";
        if (auto ok = check_token(token, token_where); !ok) return ok;
        if (!token_names.insert(token.name).second) {
          return std::unexpected(token_where + ": listed twice");
        }
        if (token.secret && !secrets.insert(*token.secret).second) {
          return std::unexpected(token_where + ": secret used twice");
        }
      }
    }
  }
  return {};
}

StoredToken build_token(const TokenSpec& spec, EpochSeconds now) {
  const std::string where = "token `" + spec.name + "`";
  if (auto ok = check_token(spec, where); !ok) throw std::invalid_argument(ok.error());
  StoredToken token;
  token.name = spec.name;
  if (spec.secret) export_secret(*spec.secret);  // a known credential the tests hand out
  token.hash = sha512_hex(spec.secret ? *spec.secret : generate_secret());
  token.create_time = spec.create_time.value_or(now);
  token.expires_at = spec.expires_at;
  if (spec.acls && !spec.acls->empty()) {
    std::vector<std::string> acls = *spec.acls;
    std::sort(acls.begin(), acls.end());
    acls.erase(std::unique(acls.begin(), acls.end()), acls.end());
    token.acls = std::move(acls);
  }
  if (spec.whitelist) token.whitelist_ips = *normalise_whitelist(*spec.whitelist);
  return token;
}

UserTable build_user_table(const HostSpec& host, EpochSeconds now) {
  UserTable table;
  for (const auto& user : effective_users(host)) {
    WhmUser& entry = table[user.name];
    entry.acls = user.acls;
    std::sort(entry.acls.begin(), entry.acls.end());
    entry.acls.erase(std::unique(entry.acls.begin(), entry.acls.end()), entry.acls.end());
    for (const auto& token : user.tokens) entry.tokens[token.name] = build_token(token, now);
  }
  return table;
}

std::optional<std::string> credential_for(const UserSpec& user) {
  const TokenSpec* first = nullptr;
  for (const auto& token : user.tokens) {
    if (!token.secret) continue;
    if (token.name == "tokenwarden") return token.secret;
    if (first == nullptr) first = &token;
  }
  if (first != nullptr) return first->secret;
  return std::nullopt;
}

}  // namespace tw::mock
