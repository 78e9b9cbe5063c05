#include "tests/support/mock_whm/fixture.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <initializer_list>
#include <sstream>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/time_text.h"

namespace tw::mock {
namespace {

constexpr unsigned kMaxHosts = 5000;

// A problem at a YAML node; turned into `source:line:column: message` at the boundary.
struct FixtureError {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& node, const std::string& message) {
  throw FixtureError{node.Mark(), message};
}

void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                std::string_view what) {
  if (!map.IsMap()) fail(map, std::string(what) + " must be a mapping");
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    bool known = false;
    for (const auto a : allowed) known = known || key == a;
    if (!known) fail(entry.first, "unknown key `" + key + "` in " + std::string(what));
  }
}

std::string scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) fail(node, std::string(what) + " must be a scalar");
  return node.Scalar();
}

std::vector<std::string> string_list(const YAML::Node& node, std::string_view what) {
  if (!node.IsSequence()) fail(node, std::string(what) + " must be a list");
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(scalar(item, what));
  return out;
}

unsigned bounded_number(const YAML::Node& node, std::string_view what, unsigned low,
                        unsigned high) {
  const std::string text = scalar(node, what);
  unsigned long value = 0;
  std::size_t used = 0;
  try {
    value = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < low || value > high) {
    fail(node, std::string(what) + " must be a number from " + std::to_string(low) + " to " +
                   std::to_string(high));
  }
  return static_cast<unsigned>(value);
}

std::optional<EpochSeconds> time_value(const YAML::Node& node, std::string_view what,
                                       EpochSeconds now, bool allow_never) {
  auto parsed = parse_fixture_time(scalar(node, what), now, allow_never);
  if (!parsed) fail(node, std::string(what) + ": " + parsed.error());
  return *parsed;
}

TokenSpec parse_token(const YAML::Node& node, EpochSeconds now) {
  check_keys(node, {"name", "secret", "created", "expires", "acls", "whitelist"}, "a token");
  TokenSpec token;
  if (!node["name"]) fail(node, "a token needs a `name`");
  token.name = scalar(node["name"], "name");
  if (node["secret"]) token.secret = scalar(node["secret"], "secret");
  if (node["created"]) token.create_time = time_value(node["created"], "created", now, false);
  if (node["expires"]) token.expires_at = time_value(node["expires"], "expires", now, true);
  if (node["acls"]) token.acls = string_list(node["acls"], "acls");
  if (node["whitelist"]) token.whitelist = string_list(node["whitelist"], "whitelist");
  return token;
}

std::vector<UserSpec> parse_users(const YAML::Node& node, EpochSeconds now) {
  if (!node.IsMap()) fail(node, "users must be a mapping of user name to user");
  std::vector<UserSpec> users;
  for (const auto& entry : node) {
    UserSpec user;
    user.name = scalar(entry.first, "a user name");
    user.acls =
        user.name == "root" ? std::vector<std::string>{"all"} : initial_reseller_acl_names();
    const YAML::Node& body = entry.second;
    if (!body.IsNull()) {
      check_keys(body, {"acls", "tokens"}, "a user");
      if (body["acls"]) user.acls = string_list(body["acls"], "acls");
      if (body["tokens"]) {
        if (!body["tokens"].IsSequence()) fail(body["tokens"], "tokens must be a list");
        for (const auto& token : body["tokens"]) user.tokens.push_back(parse_token(token, now));
      }
    }
    users.push_back(std::move(user));
  }
  return users;
}

// The parts a single host and a host pattern share.
HostSpec parse_host_body(const YAML::Node& node, EpochSeconds now) {
  HostSpec host;
  if (node["tags"]) host.tags = string_list(node["tags"], "tags");
  if (node["users"]) host.users = parse_users(node["users"], now);
  if (node["faults"]) {
    auto fault = parse_fault(node["faults"]);
    if (!fault) fail(node["faults"], "faults: " + fault.error());
    host.fault = std::move(*fault);
  }
  return host;
}

void parse_hosts(const YAML::Node& list, EpochSeconds now, FleetSpec& spec) {
  if (!list.IsSequence()) fail(list, "hosts must be a list");
  for (const auto& node : list) {
    if (!node.IsMap()) fail(node, "a host must be a mapping");
    if (node["name_pattern"]) {
      check_keys(node, {"name_pattern", "count", "start", "tags", "users", "faults"},
                 "a host pattern");
      const std::string pattern = scalar(node["name_pattern"], "name_pattern");
      if (!node["count"]) fail(node, "a host pattern needs a `count`");
      const unsigned count = bounded_number(node["count"], "count", 1, kMaxHosts);
      const unsigned start =
          node["start"] ? bounded_number(node["start"], "start", 0, 1'000'000) : 1;
      const HostSpec body = parse_host_body(node, now);
      for (unsigned i = 0; i < count; ++i) {
        auto name = expand_name_pattern(pattern, start + i);
        if (!name) fail(node["name_pattern"], "name_pattern needs exactly one %d, %Nd or %0Nd");
        HostSpec host = body;
        host.name = std::move(*name);
        spec.hosts.push_back(std::move(host));
      }
    } else {
      check_keys(node, {"name", "port", "tags", "users", "faults"}, "a host");
      if (!node["name"]) fail(node, "a host needs a `name` (or a `name_pattern` and `count`)");
      HostSpec host = parse_host_body(node, now);
      host.name = scalar(node["name"], "name");
      if (node["port"])
        host.port = static_cast<std::uint16_t>(bounded_number(node["port"], "port", 0, 65535));
      spec.hosts.push_back(std::move(host));
    }
    if (spec.hosts.size() > kMaxHosts) fail(node, "more than 5000 hosts");
  }
}

std::string located(std::string_view source, const YAML::Mark& mark, const std::string& message) {
  std::string out(source);
  if (!mark.is_null()) {
    out += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  return out + ": " + message;
}

}  // namespace

std::optional<std::string> expand_name_pattern(std::string_view pattern, unsigned index) {
  const auto percent = pattern.find('%');
  if (percent == std::string_view::npos) return std::nullopt;
  std::size_t i = percent + 1;
  const bool zero_pad = i < pattern.size() && pattern[i] == '0';
  if (zero_pad) ++i;
  std::size_t width = 0;
  if (i < pattern.size() && pattern[i] >= '1' && pattern[i] <= '9') {
    width = static_cast<std::size_t>(pattern[i] - '0');
    ++i;
  }
  if (i >= pattern.size() || pattern[i] != 'd') return std::nullopt;
  const std::string_view after = pattern.substr(i + 1);
  if (after.find('%') != std::string_view::npos) return std::nullopt;
  std::string digits = std::to_string(index);
  if (digits.size() < width) digits.insert(0, width - digits.size(), zero_pad ? '0' : ' ');
  return std::string(pattern.substr(0, percent)) + digits + std::string(after);
}

std::expected<FleetSpec, std::string> parse_fixture(std::string_view text, EpochSeconds now,
                                                    std::string_view source) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    check_keys(root, {"hosts"}, "the fixture");
    if (!root["hosts"]) fail(root, "the fixture needs a `hosts` list");
    FleetSpec spec;
    parse_hosts(root["hosts"], now, spec);
    if (auto ok = validate_fleet_spec(spec); !ok) {
      return std::unexpected(std::string(source) + ": " + ok.error());
    }
    return spec;
  } catch (const FixtureError& e) {
    return std::unexpected(located(source, e.mark, e.message));
  } catch (const YAML::Exception& e) {
    return std::unexpected(located(source, e.mark, e.msg));
  }
}

std::expected<FleetSpec, std::string> load_fixture_file(const std::filesystem::path& path,
                                                        EpochSeconds now) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(path.string() + ": cannot read the fixture");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (16U << 20U)) return std::unexpected(path.string() + ": too large");
  return parse_fixture(text.str(), now, path.string());
}

}  // namespace tw::mock
