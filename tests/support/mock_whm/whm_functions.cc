#include "tests/support/mock_whm/whm_functions.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/token_rules.h"

namespace tw::mock {
namespace {

namespace json = boost::json;

json::array to_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

json::value expires_value(const std::optional<EpochSeconds>& expires_at) {
  if (expires_at) return json::value(*expires_at);
  return json::value(nullptr);
}

// The record shape of create, update and get_details: `acls` and `whitelist_ips` arrays, each
// present only when set; `expires_at` always present (null when the token never expires).
json::object details_object(const StoredToken& token) {
  json::object out;
  if (token.acls) out["acls"] = to_array(*token.acls);
  out["create_time"] = token.create_time;
  out["expires_at"] = expires_value(token.expires_at);
  out["name"] = token.name;
  if (token.whitelist_ips) out["whitelist_ips"] = to_array(*token.whitelist_ips);
  return out;
}

// api_token_list's shape: the ACL map covers every ACL the owner could have (all 64 for a user
// holding `all`, else the owner's own ACLs); 1 where the token has it, all 1 for full access.
json::object list_entry(const StoredToken& token, const WhmUser& owner) {
  const std::vector<std::string>& universe = owner.holds_all() ? all_acl_names() : owner.acls;
  const bool full = token.full_access();
  json::object acls;
  for (const auto& acl : universe) {
    const bool has =
        full || std::find(token.acls->begin(), token.acls->end(), acl) != token.acls->end();
    acls[acl] = has ? 1 : 0;
  }
  json::object out;
  out["acls"] = std::move(acls);
  out["create_time"] = token.create_time;
  out["expires_at"] = expires_value(token.expires_at);
  out["name"] = token.name;
  out["whitelist_ips"] =
      token.whitelist_ips ? json::value(to_array(*token.whitelist_ips)) : json::value(nullptr);
  return out;
}

json::object failure(std::string_view function, std::string_view prefix, std::string_view detail) {
  return api1_envelope(function, json::value(json::object{}), false,
                       std::string(prefix) + std::string(detail));
}

json::object create(WhmUser& owner, const FormParams& params, EpochSeconds now) {
  static constexpr std::string_view kFn = "api_token_create";
  static constexpr std::string_view kFail = "The system failed to create the API token: ";
  const std::string name = params.get("token_name").value_or("");
  if (name.empty()) {
    return failure(kFn, kFail, "The parameter " + quoted("token_name") + " is required.");
  }
  if (auto ok = check_token_name(name); !ok) return failure(kFn, kFail, ok.error());
  if (owner.tokens.contains(name)) {
    return failure(kFn, kFail,
                   "A conflicting API token with the name " + quoted(name) + " already exists.");
  }
  StoredToken token;
  token.name = name;
  token.create_time = now;
  if (params.has_multi("acl")) {
    auto acls = normalise_acls(params.collect("acl"), owner);
    if (!acls) return failure(kFn, kFail, acls.error());
    token.acls = std::move(*acls);
  }
  if (const auto expires = params.get("expires_at")) {
    auto parsed = parse_expires_at(*expires, now);
    if (!parsed) return failure(kFn, kFail, parsed.error());
    token.expires_at = *parsed;
  }
  if (params.has_multi("whitelist_ip")) {
    auto whitelist = normalise_whitelist(params.collect("whitelist_ip"));
    if (!whitelist) return failure(kFn, kFail, whitelist.error());
    token.whitelist_ips = std::move(*whitelist);
  }
  const std::string secret = generate_secret();
  token.hash = sha512_hex(secret);
  json::object data = details_object(token);
  data["token"] = secret;
  owner.tokens.emplace(name, std::move(token));
  return api1_envelope(kFn, json::value(std::move(data)), true, "OK");
}

json::object list(const WhmUser& owner) {
  json::object tokens;
  for (const auto& [name, token] : owner.tokens) tokens[name] = list_entry(token, owner);
  json::object data;
  data["tokens"] = std::move(tokens);
  return api1_envelope("api_token_list", json::value(std::move(data)), true, "OK");
}

json::object get_details(const WhmUser& owner, const FormParams& params, EpochSeconds now) {
  static constexpr std::string_view kFn = "api_token_get_details";
  const std::string secret = params.get("token").value_or("");
  if (secret.empty()) {
    // [unverified] wording: WHM's required-parameter failure for this function is unknown.
    return failure(kFn, "API failure: ", "The parameter " + quoted("token") + " is required.");
  }
  const std::string hash = sha512_hex(secret);
  for (const auto& [name, token] : owner.tokens) {
    if (constant_time_equal(token.hash, hash)) {
      if (token.expired_at(now)) break;  // an expired token counts as nonexistent
      return api1_envelope(kFn, json::value(details_object(token)), true, "OK");
    }
  }
  return api1_envelope(kFn, std::nullopt, true, "OK");  // "Token Unrecognized": no data
}

json::object update(WhmUser& owner, const FormParams& params, EpochSeconds now) {
  static constexpr std::string_view kFn = "api_token_update";
  static constexpr std::string_view kFail = "The system failed to update the API token: ";
  const std::string name = params.get("token_name").value_or("");
  if (name.empty()) {
    return failure(kFn, kFail, "The parameter " + quoted("token_name") + " is required.");
  }
  const auto found = owner.tokens.find(name);
  if (found == owner.tokens.end()) {
    return failure(kFn, kFail, "The API token " + quoted(name) + " does not exist.");
  }
  const std::string new_name = params.get("new_name").value_or("");
  const auto expires = params.get("expires_at");
  const bool has_acls = params.has_multi("acl");
  const bool has_ips = params.has_multi("whitelist_ip");
  if (new_name.empty() && !expires && !has_acls && !has_ips) {
    return failure(kFn, kFail, "Specify a new name, updated ACLs, or IPs.");
  }
  // Validate every part before changing anything: the update is all or nothing.
  StoredToken updated = found->second;
  if (!new_name.empty()) {
    if (auto ok = check_token_name(new_name); !ok) return failure(kFn, kFail, ok.error());
    if (new_name != name && owner.tokens.contains(new_name)) {
      return failure(kFn, kFail,
                     "An API token with the name " + quoted(new_name) + " already exists.");
    }
    updated.name = new_name;
  }
  if (has_acls) {
    auto acls = normalise_acls(params.collect("acl"), owner);
    if (!acls) return failure(kFn, kFail, acls.error());
    updated.acls = std::move(*acls);  // replaces; an empty list means full access
  }
  if (expires) {
    auto parsed = parse_expires_at(*expires, now);
    if (!parsed) return failure(kFn, kFail, parsed.error());
    updated.expires_at = *parsed;
  }
  if (has_ips) {
    auto whitelist = normalise_whitelist(params.collect("whitelist_ip"));
    if (!whitelist) return failure(kFn, kFail, whitelist.error());
    updated.whitelist_ips = std::move(*whitelist);
  }
  owner.tokens.erase(found);
  json::object data = details_object(updated);
  owner.tokens.emplace(updated.name, std::move(updated));
  return api1_envelope(kFn, json::value(std::move(data)), true, "OK");
}

json::object revoke(WhmUser& owner, const FormParams& params) {
  static constexpr std::string_view kFn = "api_token_revoke";
  std::vector<std::string> names = params.collect("token_name");
  std::erase(names, std::string{});
  if (names.empty()) {
    return failure(kFn, "The system failed to revoke the API token: ",
                   "Provide at least one " + quoted("token_name") + " argument.");
  }
  // An unknown name is not an error: WHM just removes nothing for it.
  for (const auto& name : names) owner.tokens.erase(name);
  return api1_envelope(kFn, json::value(json::object{}), true, "OK");
}

}  // namespace

bool is_token_function(std::string_view function) {
  return function == "api_token_create" || function == "api_token_list" ||
         function == "api_token_get_details" || function == "api_token_update" ||
         function == "api_token_revoke";
}

json::object api1_envelope(std::string_view function, std::optional<json::value> data, bool success,
                           std::string_view reason) {
  json::object out;
  if (data) out["data"] = std::move(*data);
  json::object metadata;
  metadata["command"] = function;
  metadata["reason"] = reason;
  metadata["result"] = success ? 1 : 0;
  metadata["version"] = 1;
  out["metadata"] = std::move(metadata);
  return out;
}

json::object call_whm_function(UserTable& users, const std::string& user, std::string_view function,
                               const FormParams& params, EpochSeconds now) {
  WhmUser& owner = users.at(user);
  if (function == "api_token_create") return create(owner, params, now);
  if (function == "api_token_list") return list(owner);
  if (function == "api_token_get_details") return get_details(owner, params, now);
  if (function == "api_token_update") return update(owner, params, now);
  if (function == "api_token_revoke") return revoke(owner, params);
  // [unverified] API 1's answer to an unknown function.
  return api1_envelope(
      function, std::nullopt, false,
      "Unknown app (" + std::string(function) + ") requested for this version (1) of the API.");
}

std::string api0_unknown_app_body(std::string_view function) {
  json::object out;
  out["status"] = 0;
  out["statusmsg"] =
      "Unknown app (" + std::string(function) + ") requested for this version (0) of the API.";
  return json::serialize(out);
}

}  // namespace tw::mock
