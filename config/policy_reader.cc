#include "config/policy_reader.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <optional>
#include <string>

#include "config/condition_reader.h"
#include "config/policy_fields.h"
#include "config/validators.h"
#include "policy/timestamp.h"

namespace tw::config {
namespace {

// The keys of each mapping of a policy file. Adding one: a line here, and read it below.
constexpr std::array<KeySpec, 4> kDocumentKeys{
    {{"rules"}, {"exemptions"}, {"protected"}, {"third_party_acls"}}};
constexpr std::array<KeySpec, 8> kRuleKeys{{{"id", Presence::kRequired},
                                            {"description"},
                                            {"match"},
                                            {"when", Presence::kRequired},
                                            {"action", Presence::kRequired},
                                            {"set"},
                                            {"fallback"},
                                            {"grace"}}};
constexpr std::array<KeySpec, 3> kMatchKeys{{{"hosts"}, {"users"}, {"tokens"}}};
constexpr std::array<KeySpec, 2> kHostsKeys{{{"names"}, {"tags"}}};
constexpr std::array<KeySpec, 1> kSetKeys{{{"expires_in"}}};
constexpr std::array<KeySpec, 7> kExemptionKeys{{{"token", Presence::kRequired},
                                                 {"hosts"},
                                                 {"users"},
                                                 {"rules"},
                                                 {"reason", Presence::kRequired},
                                                 {"owner", Presence::kRequired},
                                                 {"expires", Presence::kRequired}}};

// Sets the diagnostics' subject for as long as it lives.
class SubjectScope {
 public:
  SubjectScope(Diagnostics& diagnostics, std::string subject)
      : diagnostics_(diagnostics), previous_(diagnostics.subject()) {
    diagnostics_.set_subject(std::move(subject));
  }
  ~SubjectScope() { diagnostics_.set_subject(std::move(previous_)); }
  SubjectScope(const SubjectScope&) = delete;
  SubjectScope& operator=(const SubjectScope&) = delete;

 private:
  Diagnostics& diagnostics_;
  std::string previous_;
};

std::string format_position(Position p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

class PolicyReader {
 public:
  PolicyReader(Diagnostics& diagnostics, std::size_t file, policy::EpochSeconds now,
               PolicyDraft& draft)
      : diagnostics_(diagnostics), file_(file), now_(now), draft_(draft) {}

  void read(const YAML::Node& document);

 private:
  void read_rule(const Field& field);
  std::optional<std::string> read_rule_id(const Field& field);
  void read_scope(const Field& field, policy::Scope& scope);
  std::optional<policy::ActionKind> read_action(const Field& field);
  void read_update(const Mapping& rule, const ConditionsRead& when, policy::Rule& out);
  void read_exemption(const Field& field);
  void read_third_party_acls(const Field& field);

  // `file:line:column` of a field of this file.
  [[nodiscard]] std::string source_of(const Field& field) const {
    return diagnostics_.file() + ":" + format_position(field.position);
  }

  Diagnostics& diagnostics_;
  std::size_t file_;
  policy::EpochSeconds now_;
  PolicyDraft& draft_;
};

void PolicyReader::read(const YAML::Node& document) {
  if (document.IsNull()) return;  // an empty file (or comments only) adds nothing
  const Field root{document, "", position_of(document.Mark())};
  const auto mapping = Mapping::read(diagnostics_, root, kDocumentKeys);
  if (!mapping) return;
  if (const auto rules = mapping->get("rules")) {
    for (const Field& rule :
         read_nonempty_list(diagnostics_, *rules).value_or(std::vector<Field>{})) {
      read_rule(rule);
    }
  }
  if (const auto exemptions = mapping->get("exemptions")) {
    for (const Field& exemption :
         read_nonempty_list(diagnostics_, *exemptions).value_or(std::vector<Field>{})) {
      read_exemption(exemption);
    }
  }
  if (const auto protected_tokens = mapping->get("protected")) {
    for (std::string& glob :
         read_checked_strings(diagnostics_, *protected_tokens, check_token_glob)) {
      draft_.set.protected_tokens.push_back(std::move(glob));
    }
  }
  if (const auto acls = mapping->get("third_party_acls")) read_third_party_acls(*acls);
}

void PolicyReader::read_rule(const Field& field) {
  // The rule's id names it in every message about it, so it is looked up before anything else.
  std::string subject;
  if (field.node.IsMap()) {
    const YAML::Node& node = field.node;  // const: a lookup must not insert the key
    if (const YAML::Node id = node["id"]; id && id.IsScalar() && check_rule_id(id.Scalar())) {
      subject = "rule '" + id.Scalar() + "'";
    }
  }
  const SubjectScope scope(diagnostics_, subject);
  const auto mapping = Mapping::read(diagnostics_, field, kRuleKeys);
  if (!mapping) return;

  policy::Rule rule;
  rule.source = source_of(field);
  if (const auto id = mapping->get("id")) rule.id = read_rule_id(*id).value_or("");
  if (const auto description = mapping->get("description")) {
    rule.description = read_string(diagnostics_, *description).value_or("");
  }
  if (const auto match = mapping->get("match")) read_scope(*match, rule.scope);
  ConditionsRead when;
  if (const auto field_when = mapping->get("when")) {
    when = read_conditions(diagnostics_, *field_when, file_, draft_.acl_names);
    rule.when = when.conditions;
  }
  std::optional<policy::ActionKind> action;
  if (const auto field_action = mapping->get("action")) action = read_action(*field_action);
  if (action) rule.action = *action;

  if (const auto grace = mapping->get("grace")) {
    if (action == policy::ActionKind::report) {
      diagnostics_.error(grace->position, grace->path,
                         "grace delays an update or a revoke; a report rule has nothing to delay");
    } else if (const auto seconds = read_seconds(diagnostics_, *grace)) {
      rule.grace = *seconds;
    }
  }
  if (const auto fallback = mapping->get("fallback")) {
    if (action && action != policy::ActionKind::update) {
      diagnostics_.error(fallback->position, fallback->path,
                         "fallback says what to do when an update cannot fix a token; only an "
                         "update rule can have one");
    } else if (const auto text = read_string(diagnostics_, *fallback)) {
      if (*text == "report") {
        rule.fallback = policy::Fallback::report;
      } else if (*text == "revoke") {
        rule.fallback = policy::Fallback::revoke;
      } else {
        diagnostics_.error(fallback->position, fallback->path,
                           quote_value(*text) + " is not a fallback: use report or revoke");
      }
    }
  }
  if (action == policy::ActionKind::update || !action) read_update(*mapping, when, rule);
  if (const auto set = mapping->get("set"); set && action && action != policy::ActionKind::update) {
    diagnostics_.error(set->position, set->path,
                       "set says what an update changes; only an update rule can have it");
  }
  if (!rule.id.empty()) draft_.set.rules.push_back(std::move(rule));
}

std::optional<std::string> PolicyReader::read_rule_id(const Field& field) {
  auto id = read_checked_string(diagnostics_, field, check_rule_id);
  if (!id) return std::nullopt;
  const auto [first, inserted] = draft_.defined_rules.emplace(*id, source_of(field));
  if (!inserted) {
    diagnostics_.error(field.position, field.path,
                       "duplicate rule id " + quote_value(*id) + " (first defined at " +
                           first->second + "); rule ids are unique across all policy files");
    return std::nullopt;
  }
  return id;
}

void PolicyReader::read_scope(const Field& field, policy::Scope& scope) {
  const auto mapping = Mapping::read(diagnostics_, field, kMatchKeys);
  if (!mapping) return;
  if (field.node.size() == 0) {
    diagnostics_.error(field.position, field.path,
                       "is empty; leave match out for a rule that applies to every token");
  }
  if (const auto hosts = mapping->get("hosts")) {
    if (const auto hosts_mapping = Mapping::read(diagnostics_, *hosts, kHostsKeys)) {
      if (hosts->node.size() == 0) {
        diagnostics_.error(hosts->position, hosts->path,
                           "is empty; write names: [globs] and/or tags: [tags], or leave it out");
      }
      if (const auto names = hosts_mapping->get("names")) {
        scope.host_names = read_checked_strings(diagnostics_, *names, check_host_glob);
      }
      if (const auto tags = hosts_mapping->get("tags")) {
        scope.host_tags = read_checked_strings(diagnostics_, *tags, check_tag);
      }
    }
  }
  if (const auto users = mapping->get("users")) {
    scope.users = read_checked_strings(diagnostics_, *users, check_user_glob);
  }
  if (const auto tokens = mapping->get("tokens")) {
    scope.tokens = read_checked_strings(diagnostics_, *tokens, check_token_glob);
  }
}

std::optional<policy::ActionKind> PolicyReader::read_action(const Field& field) {
  const auto text = read_string(diagnostics_, field);
  if (!text) return std::nullopt;
  if (*text == "report") return policy::ActionKind::report;
  if (*text == "update") return policy::ActionKind::update;
  if (*text == "revoke") return policy::ActionKind::revoke;
  diagnostics_.error(field.position, field.path,
                     quote_value(*text) + " is not an action: use report, update or revoke");
  return std::nullopt;
}

// An update changes what `set` says and what its conditions imply: a whitelist condition with
// `within` narrows the allow-list, an acls condition drops the ACLs it objects to. An update
// that would change nothing is an error. (Called with the action unknown too, to read `set`.)
void PolicyReader::read_update(const Mapping& rule, const ConditionsRead& when, policy::Rule& out) {
  bool set_complete = true;
  if (const auto set = rule.get("set")) {
    const std::size_t errors_before = diagnostics_.count();
    if (const auto mapping = Mapping::read(diagnostics_, *set, kSetKeys)) {
      if (set->node.size() == 0) {
        diagnostics_.error(set->position, set->path,
                           "is empty; write set: {expires_in: DURATION}, or leave it out");
      }
      if (const auto expires_in = mapping->get("expires_in")) {
        out.update.expires_in = read_seconds(diagnostics_, *expires_in);
      }
    }
    set_complete = diagnostics_.count() == errors_before;
  }
  if (out.action != policy::ActionKind::update) return;
  const policy::Conditions& conditions = when.conditions;
  out.update.narrow_whitelist = conditions.whitelist && !conditions.whitelist->within.empty();
  out.update.restrict_acls = conditions.acls.has_value();
  const bool changes_something =
      out.update.expires_in || out.update.narrow_whitelist || out.update.restrict_acls;
  if (!changes_something && when.complete && set_complete) {
    const Field action = *rule.get("action");
    diagnostics_.error(action.position, action.path,
                       "an update rule must change something: add set: {expires_in: DURATION}, "
                       "a whitelist condition with within: [networks], or an acls condition");
  }
}

void PolicyReader::read_exemption(const Field& field) {
  const auto mapping = Mapping::read(diagnostics_, field, kExemptionKeys);
  if (!mapping) return;
  policy::Exemption exemption;
  exemption.source = source_of(field);
  if (const auto token = mapping->get("token")) {
    if (token->node.IsScalar()) {  // one glob, or a list of them
      if (auto glob = read_checked_string(diagnostics_, *token, check_token_glob)) {
        exemption.tokens.push_back(std::move(*glob));
      }
    } else {
      exemption.tokens = read_checked_strings(diagnostics_, *token, check_token_glob);
    }
  }
  if (const auto hosts = mapping->get("hosts")) {
    exemption.hosts = read_checked_strings(diagnostics_, *hosts, check_host_glob);
  }
  if (const auto users = mapping->get("users")) {
    exemption.users = read_checked_strings(diagnostics_, *users, check_user_glob);
  }
  if (const auto rules = mapping->get("rules")) {
    for (StringItem& item : read_checked_items(diagnostics_, *rules, check_rule_id)
                                .value_or(std::vector<StringItem>{})) {
      draft_.rule_ids.push_back({item.value, file_, item.field, diagnostics_.subject()});
      exemption.rules.push_back(std::move(item.value));
    }
  }
  if (const auto reason = mapping->get("reason")) {
    exemption.reason = read_text(diagnostics_, *reason).value_or("");
  }
  if (const auto owner = mapping->get("owner")) {
    exemption.owner = read_text(diagnostics_, *owner).value_or("");
  }
  if (const auto expires = mapping->get("expires")) {
    if (const auto text = read_string(diagnostics_, *expires)) {
      if (const auto time = policy::parse_utc(*text); !time) {
        diagnostics_.error(expires->position, expires->path, time.error());
      } else if (*time <= now_) {
        diagnostics_.error(expires->position, expires->path,
                           "the exemption expired at " + policy::format_utc(*time) +
                               " and no longer applies; remove it, or renew it with a new date");
      } else {
        exemption.expires = *time;
      }
    }
  }
  draft_.set.exemptions.push_back(std::move(exemption));
}

void PolicyReader::read_third_party_acls(const Field& field) {
  for (std::string& name : read_checked_strings(diagnostics_, field, check_acl_name)) {
    draft_.set.third_party_acls.insert(std::move(name));
  }
}

}  // namespace

void read_policy_document(Diagnostics& diagnostics, const YAML::Node& document, std::size_t file,
                          policy::EpochSeconds now, PolicyDraft& draft) {
  PolicyReader(diagnostics, file, now, draft).read(document);
}

}  // namespace tw::config
