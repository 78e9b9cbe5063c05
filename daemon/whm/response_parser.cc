#include "daemon/whm/response_parser.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "daemon/text/printable.h"

namespace tw::whm {
namespace json = boost::json;

namespace {

WhmError protocol_error(std::string message) {
  return WhmError{WhmErrorKind::protocol, std::move(message), std::nullopt, 0};
}

// The envelope's `data`, or null when WHM sent none (revoke; details of an unknown token).
std::expected<json::value, WhmError> open_envelope(std::string_view body,
                                                   std::string_view function) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, {}, options);
  if (ec) {
    return std::unexpected(protocol_error("the body is not JSON (" + ec.message() +
                                          "): " + text::printable(body, 60)));
  }
  const auto* object = root.if_object();
  if (object == nullptr) return std::unexpected(protocol_error("the body is not a JSON object"));
  if (object->contains("cpanelresult")) {
    // The legacy body cpsrvd sends with its "Access denied" answers.
    return std::unexpected(WhmError{WhmErrorKind::authentication,
                                    "WHM refused the credential (cpanelresult: access denied)",
                                    std::nullopt, 0});
  }
  const auto* metadata =
      object->contains("metadata") ? object->at("metadata").if_object() : nullptr;
  if (metadata == nullptr) {
    return std::unexpected(protocol_error("not a WHM API 1 envelope: no metadata object"));
  }
  if (const auto* command = metadata->if_contains("command")) {
    if (!command->is_string() || command->get_string() != function) {
      return std::unexpected(protocol_error("the answer is for another function: " +
                                            text::printable(json::serialize(*command), 60)));
    }
  }
  if (const auto* version = metadata->if_contains("version")) {
    if (!(version->is_int64() && version->get_int64() == 1) &&
        !(version->is_uint64() && version->get_uint64() == 1)) {
      return std::unexpected(protocol_error("not a WHM API 1 envelope: metadata.version is not 1"));
    }
  }
  const auto* result = metadata->if_contains("result");
  std::optional<std::int64_t> code;
  if (result != nullptr) {
    if (result->is_int64()) code = result->get_int64();
    if (result->is_uint64())
      code = static_cast<std::int64_t>(result->get_uint64() > 1 ? 2 : result->get_uint64());
    if (result->is_string() && (result->get_string() == "0" || result->get_string() == "1")) {
      code = result->get_string() == "1" ? 1 : 0;
    }
  }
  if (!code || (*code != 0 && *code != 1)) {
    return std::unexpected(
        protocol_error("not a WHM API 1 envelope: metadata.result is not 0 or 1"));
  }
  if (*code == 0) {
    std::string reason = "(no reason given)";
    if (const auto* r = metadata->if_contains("reason"); r != nullptr && r->is_string()) {
      reason = text::printable(r->get_string(), 300);
    }
    return std::unexpected(WhmError{WhmErrorKind::api, std::move(reason), std::nullopt, 0});
  }
  if (const auto* data = object->if_contains("data")) return *data;
  return json::value(nullptr);
}

// The last second of year 9999: a later "time" from a host is malformed, not a date.
constexpr std::int64_t kLatestEpoch = 253'402'300'799;

// WHM's epoch integers; a digit string is accepted too (Perl serialisers vary).
std::optional<std::int64_t> read_epoch(const json::value& v) {
  std::optional<std::int64_t> out;
  if (v.is_int64()) out = v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(kLatestEpoch)) {
    out = static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_string()) {
    const auto& s = v.get_string();
    std::int64_t parsed = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc{} && ptr == s.data() + s.size()) out = parsed;
  }
  if (!out || *out < 0 || *out > kLatestEpoch) return std::nullopt;
  return out;
}

bool truthy(const json::value& v) {
  if (v.is_int64()) return v.get_int64() != 0;
  if (v.is_uint64()) return v.get_uint64() != 0;
  if (v.is_bool()) return v.get_bool();
  if (v.is_string()) return v.get_string() != "0" && !v.get_string().empty();
  return false;
}

bool is_acl_name(std::string_view name) {
  return !name.empty() && name.size() <= 100 && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':';
  });
}

bool is_ip_entry(std::string_view entry) {
  return !entry.empty() && entry.size() <= 50 && std::ranges::all_of(entry, [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
           c == ':' || c == '/';
  });
}

// `acls` in either shape. A token with no list, an empty one, or `all` has full access. In
// the list shape the map spans every ACL the caller could hold and a full-access token shows
// all of them as 1; a restricted token holding every one of a reseller's ACLs looks the same,
// and is taken as full access (the safe reading for a policy engine).
std::expected<policy::AclSet, std::string> read_acls(const json::value* v) {
  policy::AclSet acls;
  if (v == nullptr || v->is_null()) return acls;
  if (const auto* array = v->if_array()) {
    for (const auto& item : *array) {
      if (!item.is_string() || !is_acl_name(item.get_string()))
        return std::unexpected("bad ACL name");
      acls.names.emplace(item.get_string());
    }
    acls.full_access = acls.names.empty() || acls.names.contains("all");
    return acls;
  }
  if (const auto* map = v->if_object()) {
    bool every_one_granted = true;
    for (const auto& [name, granted] : *map) {
      if (!is_acl_name(name)) return std::unexpected("bad ACL name");
      if (truthy(granted)) {
        acls.names.emplace(name);
      } else {
        every_one_granted = false;
      }
    }
    acls.full_access = acls.names.empty() || acls.names.contains("all") || every_one_granted;
    return acls;
  }
  return std::unexpected("acls is neither a list nor a map");
}

std::expected<std::optional<std::vector<std::string>>, std::string> read_whitelist(
    const json::value* v) {
  if (v == nullptr || v->is_null()) return std::nullopt;
  const auto* array = v->if_array();
  if (array == nullptr) return std::unexpected("whitelist_ips is not a list");
  std::vector<std::string> entries;
  for (const auto& item : *array) {
    if (!item.is_string()) return std::unexpected("whitelist_ips holds a non-string");
    if (item.get_string() == "any") return std::nullopt;
    if (!is_ip_entry(item.get_string()))
      return std::unexpected("whitelist_ips holds a non-address");
    entries.emplace_back(item.get_string());
  }
  if (entries.empty()) return std::nullopt;
  return entries;
}

// One token record. `key` is the list's key for it, when it came from a list.
std::expected<policy::Token, RejectedEntry> read_token(const json::value& v,
                                                       std::optional<std::string_view> key) {
  const auto reject = [&](std::string_view name, std::string reason) {
    return std::unexpected(RejectedEntry{text::printable(name, 80), std::move(reason)});
  };
  const auto* object = v.if_object();
  std::string_view name = key.value_or("");
  if (object == nullptr) return reject(name, "the entry is not an object");
  if (const auto* n = object->if_contains("name")) {
    if (!n->is_string()) return reject(name, "name is not a string");
    if (key && n->get_string() != *key) return reject(*key, "name differs from its list key");
    name = n->get_string();
  }
  if (!policy::is_valid_token_name(name)) {
    return reject(name, "not a valid WHM token name ([A-Za-z0-9_-]{1,50})");
  }
  policy::Token token;
  token.name = std::string(name);
  const auto* created = object->if_contains("create_time");
  const auto create_time = created != nullptr ? read_epoch(*created) : std::nullopt;
  if (!create_time) return reject(name, "create_time is missing or not an epoch");
  token.create_time = *create_time;
  if (const auto* expires = object->if_contains("expires_at"); expires && !expires->is_null()) {
    const auto at = read_epoch(*expires);
    if (!at) return reject(name, "expires_at is not an epoch");
    if (*at != 0) token.expires_at = *at;
  }
  auto acls = read_acls(object->if_contains("acls"));
  if (!acls) return reject(name, acls.error());
  token.acls = std::move(*acls);
  auto whitelist = read_whitelist(object->if_contains("whitelist_ips"));
  if (!whitelist) return reject(name, whitelist.error());
  token.whitelist_ips = std::move(*whitelist);
  return token;
}

std::expected<policy::Token, WhmError> read_single_token(const json::value& data) {
  auto token = read_token(data, std::nullopt);
  if (!token) {
    return std::unexpected(WhmError{WhmErrorKind::hostile,
                                    "token '" + token.error().name + "': " + token.error().reason,
                                    std::nullopt, 0});
  }
  return std::move(*token);
}

}  // namespace

std::expected<TokenList, WhmError> parse_token_list(std::string_view body) {
  auto data = open_envelope(body, "api_token_list");
  if (!data) return std::unexpected(std::move(data.error()));
  const auto* object = data->if_object();
  const auto* tokens = object != nullptr ? object->if_contains("tokens") : nullptr;
  TokenList list;
  if (tokens == nullptr || tokens->is_null()) return list;  // a user with no tokens
  const auto* map = tokens->if_object();
  if (map == nullptr) return std::unexpected(protocol_error("data.tokens is not an object"));
  for (const auto& [key, entry] : *map) {
    auto token = read_token(entry, std::string_view(key));
    if (token) {
      list.tokens.push_back(std::move(*token));
    } else {
      list.rejected.push_back(std::move(token.error()));
    }
  }
  std::ranges::sort(list.tokens, {}, &policy::Token::name);
  return list;
}

std::expected<std::optional<policy::Token>, WhmError> parse_token_details(std::string_view body) {
  auto data = open_envelope(body, "api_token_get_details");
  if (!data) return std::unexpected(std::move(data.error()));
  if (data->is_null() || (data->is_object() && data->get_object().empty())) {
    return std::optional<policy::Token>();
  }
  auto token = read_single_token(*data);
  if (!token) return std::unexpected(std::move(token.error()));
  return std::optional<policy::Token>(std::move(*token));
}

std::expected<policy::Token, WhmError> parse_updated_token(std::string_view body) {
  auto data = open_envelope(body, "api_token_update");
  if (!data) return std::unexpected(std::move(data.error()));
  return read_single_token(*data);
}

std::expected<CreatedToken, WhmError> parse_created_token(std::string_view body) {
  auto data = open_envelope(body, "api_token_create");
  if (!data) return std::unexpected(std::move(data.error()));
  auto token = read_single_token(*data);
  if (!token) return std::unexpected(std::move(token.error()));
  const auto* secret = data->get_object().if_contains("token");
  if (secret == nullptr || !secret->is_string() || secret->get_string().empty()) {
    return std::unexpected(protocol_error("api_token_create answered without the new token"));
  }
  return CreatedToken{std::move(*token), std::string(secret->get_string())};
}

std::expected<void, WhmError> parse_revoke(std::string_view body) {
  auto data = open_envelope(body, "api_token_revoke");
  if (!data) return std::unexpected(std::move(data.error()));
  return {};
}

}  // namespace tw::whm
