#include "daemon/policytest/test_case.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "policy/timestamp.h"

namespace tw::policytest {
namespace {

struct ReadError {
  std::string message;
};

std::string where(const std::filesystem::path& file, const YAML::Node& node) {
  const auto mark = node.Mark();
  if (mark.line < 0) return file.string();
  return file.string() + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

[[noreturn]] void fail(const std::filesystem::path& file, const YAML::Node& node,
                       const std::string& message) {
  throw ReadError{where(file, node) + ": " + message};
}

void only_keys(const std::filesystem::path& file, const YAML::Node& map,
               const std::set<std::string>& allowed) {
  if (!map.IsMap()) fail(file, map, "expected a mapping");
  for (const auto& entry : map) {
    const auto key = entry.first.as<std::string>();
    if (!allowed.contains(key)) fail(file, entry.first, "unknown key '" + key + "'");
  }
}

std::string text(const std::filesystem::path& file, const YAML::Node& node) {
  if (!node.IsScalar()) fail(file, node, "expected a single value");
  return node.Scalar();
}

std::vector<std::string> texts(const std::filesystem::path& file, const YAML::Node& node) {
  if (!node.IsSequence()) fail(file, node, "expected a list");
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(text(file, item));
  return out;
}

policy::EpochSeconds time_of(const std::filesystem::path& file, const YAML::Node& node) {
  const auto parsed = policy::parse_utc(text(file, node));
  if (!parsed) fail(file, node, parsed.error());
  return *parsed;
}

policy::Token read_token(const std::filesystem::path& file, const YAML::Node& node) {
  only_keys(file, node, {"name", "created", "expires", "acls", "whitelist"});
  policy::Token token;
  if (!node["name"]) fail(file, node, "a token needs a name");
  token.name = text(file, node["name"]);
  if (!policy::is_valid_token_name(token.name)) fail(file, node["name"], "not a WHM token name");
  if (!node["created"]) fail(file, node, "token '" + token.name + "' needs `created`");
  token.create_time = time_of(file, node["created"]);
  if (node["expires"] && text(file, node["expires"]) != "never") {
    token.expires_at = time_of(file, node["expires"]);
  }
  if (node["acls"]) {
    const auto names = texts(file, node["acls"]);
    token.acls.names = std::set<std::string>(names.begin(), names.end());
    token.acls.full_access = names.empty() || token.acls.names.contains("all");
  }
  if (node["whitelist"] && !(node["whitelist"].IsScalar() && node["whitelist"].Scalar() == "any")) {
    auto entries = texts(file, node["whitelist"]);
    if (!entries.empty()) token.whitelist_ips = std::move(entries);
  }
  return token;
}

const std::set<std::string>& outcomes() {
  static const std::set<std::string> words{"none",      "report",   "update",
                                           "revoke",    "in-grace", "held-by-cap",
                                           "protected", "exempted", "unfixable"};
  return words;
}

TestCase read(const std::filesystem::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::ParserException& e) {
    throw ReadError{file.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                    std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg};
  } catch (const YAML::BadFile&) {
    throw ReadError{file.string() + ": cannot be read"};
  }
  only_keys(file, root, {"description", "policies", "now", "host", "user", "tokens", "expect"});
  TestCase test;
  test.file = file;
  if (root["description"]) test.description = text(file, root["description"]);
  if (root["policies"]) test.policies = file.parent_path() / text(file, root["policies"]);
  if (!root["now"]) fail(file, root, "missing `now`");
  test.now = time_of(file, root["now"]);
  test.host.host = "test-host";
  test.host.self_token = "tokenwarden";
  if (const auto host = root["host"]) {
    only_keys(file, host, {"name", "tags", "self_token"});
    if (host["name"]) test.host.host = text(file, host["name"]);
    if (host["tags"]) test.host.tags = texts(file, host["tags"]);
    if (host["self_token"]) test.host.self_token = text(file, host["self_token"]);
  }
  policy::AccountTokens account{"root", {}};
  if (root["user"]) account.user = text(file, root["user"]);
  if (!root["tokens"] || !root["tokens"].IsSequence()) fail(file, root, "missing `tokens` list");
  std::set<std::string> names;
  for (const auto& item : root["tokens"]) {
    auto token = read_token(file, item);
    if (!names.insert(token.name).second) fail(file, item, "token '" + token.name + "' twice");
    account.tokens.push_back(std::move(token));
  }
  test.host.accounts.push_back(std::move(account));
  if (!root["expect"] || !root["expect"].IsMap()) fail(file, root, "missing `expect` mapping");
  for (const auto& entry : root["expect"]) {
    const auto name = entry.first.as<std::string>();
    if (!names.contains(name)) fail(file, entry.first, "no token named '" + name + "' in `tokens`");
    const auto outcome = text(file, entry.second);
    if (!outcomes().contains(outcome)) {
      fail(file, entry.second,
           "unknown outcome '" + outcome +
               "': use none, report, update, revoke, in-grace, held-by-cap, protected, exempted "
               "or unfixable");
    }
    test.expect[name] = outcome;
  }
  return test;
}

}  // namespace

std::expected<TestCase, std::string> read_test_case(const std::filesystem::path& file) {
  try {
    return read(file);
  } catch (const ReadError& e) {
    return std::unexpected(e.message);
  } catch (const YAML::Exception& e) {
    return std::unexpected(file.string() + ": " + e.what());
  }
}

std::string outcome_of(const policy::Plan& plan, const std::string& user,
                       const std::string& token) {
  for (const auto& action : plan.actions) {
    if (action.user != user || action.token != token) continue;
    if (action.decision == policy::Decision::apply)
      return std::string(policy::spelling(action.kind));
    return std::string(policy::spelling(action.decision));
  }
  return "none";
}

std::vector<std::string> check(const TestCase& test, const policy::PolicySet& policies) {
  const auto findings = policy::evaluate(policies, test.host, test.now);
  const auto plan = policy::plan(policies, {test.host}, findings, policy::Limits{},
                                 policy::GraceState{}, test.now);
  std::vector<std::string> mismatches;
  const auto& user = test.host.accounts.front().user;
  for (const auto& [token, expected] : test.expect) {
    const auto actual = outcome_of(plan, user, token);
    if (actual != expected) {
      mismatches.push_back(token + ": expected " + expected + ", got " + actual);
    }
  }
  return mismatches;
}

}  // namespace tw::policytest
