#include "tests/support/mock_whm/admin.h"

#include <yaml-cpp/yaml.h>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace tw::mock {
namespace {

namespace json = boost::json;

json::value string_list(const std::optional<std::vector<std::string>>& items) {
  if (!items) return nullptr;
  json::array out;
  for (const auto& item : *items) out.emplace_back(item);
  return out;
}

HttpReply json_reply(unsigned status, const json::object& body) {
  return HttpReply{status, "application/json", json::serialize(body)};
}

HttpReply error_reply(unsigned status, std::string_view message) {
  json::object body;
  body["error"] = message;
  return json_reply(status, body);
}

}  // namespace

json::object host_state_json(const Host& host) {
  const HostSnapshot snapshot = host.snapshot();
  json::object users;
  for (const auto& [name, user] : snapshot.users) {
    json::object tokens;
    for (const auto& [token_name, token] : user.tokens) {
      json::object entry;
      entry["name"] = token.name;
      entry["create_time"] = token.create_time;
      entry["expires_at"] =
          token.expires_at ? json::value(*token.expires_at) : json::value(nullptr);
      entry["acls"] = string_list(token.acls);
      entry["whitelist_ips"] = string_list(token.whitelist_ips);
      tokens[token_name] = std::move(entry);
    }
    json::object user_json;
    user_json["acls"] = string_list(user.acls);
    user_json["tokens"] = std::move(tokens);
    users[name] = std::move(user_json);
  }
  json::object calls;
  for (const auto& [function, count] : snapshot.calls) calls[function] = count;
  json::object counters;
  counters["connections_accepted"] = snapshot.counters.connections_accepted;
  counters["tls_handshakes"] = snapshot.counters.tls_handshakes;
  counters["tls_resumed"] = snapshot.counters.tls_resumed;
  counters["requests"] = snapshot.counters.requests;
  counters["auth_failures"] = snapshot.counters.auth_failures;
  counters["body_bytes_written"] = snapshot.counters.body_bytes_written;
  counters["replies_cut_off"] = snapshot.counters.replies_cut_off;

  json::object out;
  out["host"] = host.name();
  out["port"] = host.port();
  out["tags"] = string_list(host.spec().tags);
  out["users"] = std::move(users);
  out["calls"] = std::move(calls);
  out["counters"] = std::move(counters);
  out["fault"] =
      snapshot.fault ? json::value(fault_to_json(*snapshot.fault)) : json::value(nullptr);
  return out;
}

HttpReply handle_admin_request(Host& host, RequestTarget::Kind kind, std::string_view method,
                               std::string_view body) {
  if (kind == RequestTarget::Kind::kAdminState) {
    if (method != "GET") return error_reply(405, "use GET");
    return json_reply(200, host_state_json(host));
  }
  if (method == "DELETE") {
    host.clear_fault();
    return json_reply(200, json::object{{"ok", true}});
  }
  if (method != "POST") return error_reply(405, "use POST or DELETE");
  YAML::Node node;
  try {
    node = YAML::Load(std::string(body));  // JSON is YAML: one parser for fixtures and here
  } catch (const YAML::Exception& e) {
    return error_reply(400, std::string("not JSON: ") + e.what());
  }
  if (!node.IsMap()) return error_reply(400, "expected a JSON object");
  auto fault = parse_fault(node);
  if (!fault) return error_reply(400, fault.error());
  host.set_fault(std::move(*fault));
  return json_reply(200, json::object{{"ok", true}});
}

}  // namespace tw::mock
