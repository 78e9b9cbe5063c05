#include "config/condition_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "config/policy_fields.h"
#include "config/validators.h"
#include "policy/network.h"

namespace tw::config {
namespace {

constexpr std::array<KeySpec, 8> kConditionKeys{{{"expired"},
                                                 {"older_than"},
                                                 {"never_expires"},
                                                 {"max_lifetime"},
                                                 {"expires_within"},
                                                 {"whitelist"},
                                                 {"acls"},
                                                 {"name"}}};
constexpr std::array<KeySpec, 2> kWhitelistKeys{{{"required"}, {"within"}}};
constexpr std::array<KeySpec, 2> kAclKeys{{{"forbidden"}, {"allowed"}}};
constexpr std::array<KeySpec, 2> kNameKeys{{{"must_match"}, {"must_not_match"}}};

class ConditionReader {
 public:
  ConditionReader(Diagnostics& diagnostics, std::size_t file, std::vector<Reference>& acl_names)
      : diagnostics_(diagnostics), file_(file), acl_names_(acl_names) {}

  ConditionsRead read(const Field& when);

 private:
  std::optional<policy::WhitelistCondition> read_whitelist(const Field& field);
  std::optional<policy::AclCondition> read_acls(const Field& field);
  std::optional<policy::NameCondition> read_name(const Field& field);
  std::optional<std::set<std::string>> read_acl_names(const Field& field);
  void check_conflicts(const Mapping& mapping, const policy::Conditions& conditions);

  // Reports `message` at the later of the two conditions, naming the line of the other.
  void conflict(const Field& a, const Field& b, const std::string& message);

  Diagnostics& diagnostics_;
  std::size_t file_;
  std::vector<Reference>& acl_names_;
};

ConditionsRead ConditionReader::read(const Field& when) {
  ConditionsRead result;
  const std::size_t errors_before = diagnostics_.count();
  const auto mapping = Mapping::read(diagnostics_, when, kConditionKeys, "condition");
  if (!mapping) return result;
  if (when.node.size() == 0) {
    diagnostics_.error(when.position, when.path,
                       "has no condition; a rule needs at least one of: expired, older_than, "
                       "never_expires, max_lifetime, expires_within, whitelist, acls, name");
    return result;
  }
  policy::Conditions& conditions = result.conditions;
  if (const auto field = mapping->get("expired"))
    conditions.expired = read_bool(diagnostics_, *field);
  if (const auto field = mapping->get("older_than")) {
    conditions.older_than = read_seconds(diagnostics_, *field);
  }
  if (const auto field = mapping->get("never_expires")) {
    conditions.never_expires = read_bool(diagnostics_, *field);
  }
  if (const auto field = mapping->get("max_lifetime")) {
    conditions.max_lifetime = read_seconds(diagnostics_, *field);
  }
  if (const auto field = mapping->get("expires_within")) {
    conditions.expires_within = read_seconds(diagnostics_, *field);
  }
  if (const auto field = mapping->get("whitelist")) conditions.whitelist = read_whitelist(*field);
  if (const auto field = mapping->get("acls")) conditions.acls = read_acls(*field);
  if (const auto field = mapping->get("name")) conditions.name = read_name(*field);
  result.complete = diagnostics_.count() == errors_before;
  if (result.complete) check_conflicts(*mapping, conditions);
  return result;
}

std::optional<policy::WhitelistCondition> ConditionReader::read_whitelist(const Field& field) {
  const std::size_t errors_before = diagnostics_.count();
  const auto mapping = Mapping::read(diagnostics_, field, kWhitelistKeys);
  if (!mapping) return std::nullopt;
  policy::WhitelistCondition condition;
  if (const auto required = mapping->get("required")) {
    condition.required = read_bool(diagnostics_, *required).value_or(false);
  }
  if (const auto within = mapping->get("within")) {
    if (const auto items = read_nonempty_list(diagnostics_, *within)) {
      for (const Field& item : *items) {
        const auto text = read_string(diagnostics_, item);
        if (!text) continue;
        auto network = policy::parse_network(*text, /*strict=*/true);
        if (!network) {
          diagnostics_.error(item.position, item.path, network.error());
          continue;
        }
        condition.within.push_back(*network);
      }
    }
  }
  if (diagnostics_.count() == errors_before && !condition.required && condition.within.empty()) {
    diagnostics_.error(field.position, field.path,
                       "says nothing: write required: true (the token must have an allow-list), "
                       "within: [approved networks], or both");
    return std::nullopt;
  }
  return condition;
}

std::optional<policy::AclCondition> ConditionReader::read_acls(const Field& field) {
  const std::size_t errors_before = diagnostics_.count();
  const auto mapping = Mapping::read(diagnostics_, field, kAclKeys);
  if (!mapping) return std::nullopt;
  const auto forbidden_field = mapping->get("forbidden");
  const auto allowed_field = mapping->get("allowed");
  if (!forbidden_field && !allowed_field) {
    if (diagnostics_.count() != errors_before) return std::nullopt;  // a misspelt key
    diagnostics_.error(field.position, field.path,
                       "says nothing: write forbidden: [ACLs a token must not have], allowed: "
                       "[the only ACLs a token may have], or both");
    return std::nullopt;
  }
  // Built member by member: GCC 12 warns falsely about brace-initialised std::set aggregates.
  policy::AclCondition condition;
  if (forbidden_field) {
    if (auto names = read_acl_names(*forbidden_field)) condition.forbidden = std::move(*names);
  }
  if (allowed_field) {
    if (auto names = read_acl_names(*allowed_field)) {
      condition.allowed = std::move(*names);
      for (const Field& item :
           read_list(diagnostics_, *allowed_field).value_or(std::vector<Field>{})) {
        if (!item.node.IsScalar()) continue;
        const std::string& name = item.node.Scalar();
        if (name == "all") {
          diagnostics_.error(item.position, item.path,
                             "'all' (full access) cannot be allowed: it grants every other ACL; "
                             "list the ACLs a token may have");
        } else if (condition.forbidden.contains(name)) {
          diagnostics_.error(item.position, item.path,
                             quote_value(name) + " is both forbidden (line " +
                                 std::to_string(forbidden_field->position.line) +
                                 ") and allowed; keep it in one of the two lists");
        }
      }
    }
  }
  return condition;
}

std::optional<std::set<std::string>> ConditionReader::read_acl_names(const Field& field) {
  const auto items = read_checked_items(diagnostics_, field, check_acl_name);
  if (!items) return std::nullopt;
  std::set<std::string> names;
  for (const StringItem& item : *items) {
    acl_names_.push_back({item.value, file_, item.field, diagnostics_.subject()});
    names.insert(item.value);
  }
  return names;
}

std::optional<policy::NameCondition> ConditionReader::read_name(const Field& field) {
  const std::size_t errors_before = diagnostics_.count();
  const auto mapping = Mapping::read(diagnostics_, field, kNameKeys);
  if (!mapping) return std::nullopt;
  const auto must_match = mapping->get("must_match");
  const auto must_not_match = mapping->get("must_not_match");
  if (!must_match && !must_not_match) {
    if (diagnostics_.count() != errors_before) return std::nullopt;  // a misspelt key
    diagnostics_.error(field.position, field.path,
                       "says nothing: write must_match: [globs a name must match], "
                       "must_not_match: [globs it must not match], or both");
    return std::nullopt;
  }
  policy::NameCondition condition;
  if (must_match)
    condition.must_match = read_checked_strings(diagnostics_, *must_match, check_token_glob);
  if (must_not_match) {
    const auto items = read_checked_items(diagnostics_, *must_not_match, check_token_glob);
    for (const StringItem& item : items.value_or(std::vector<StringItem>{})) {
      if (std::ranges::find(condition.must_match, item.value) != condition.must_match.end()) {
        diagnostics_.error(item.field.position, item.field.path,
                           quote_value(item.value) + " is in both must_match (line " +
                               std::to_string(must_match->position.line) +
                               ") and must_not_match; no name could pass");
      }
      condition.must_not_match.push_back(item.value);
    }
  }
  return condition;
}

void ConditionReader::check_conflicts(const Mapping& mapping,
                                      const policy::Conditions& conditions) {
  const bool never_expires = conditions.never_expires.value_or(false);
  const bool expired = conditions.expired.value_or(false);
  if (expired && never_expires) {
    conflict(*mapping.get("expired"), *mapping.get("never_expires"),
             "expired: true and never_expires: true cannot both hold: a token that never "
             "expires is never expired, so the rule could never fire");
  }
  if (conditions.expires_within && never_expires) {
    conflict(*mapping.get("expires_within"), *mapping.get("never_expires"),
             "expires_within and never_expires: true cannot both hold: expires_within matches "
             "tokens that have an expiry, so the rule could never fire");
  }
  if (conditions.expires_within && expired) {
    conflict(*mapping.get("expires_within"), *mapping.get("expired"),
             "expires_within and expired: true cannot both hold: expires_within matches tokens "
             "that have not expired yet, so the rule could never fire");
  }
}

void ConditionReader::conflict(const Field& a, const Field& b, const std::string& message) {
  const Field& at = later_of(a, b);
  const Field& other = &at == &a ? b : a;
  diagnostics_.error(at.position, at.path,
                     message + " (see line " + std::to_string(other.position.line) + ")");
}

}  // namespace

ConditionsRead read_conditions(Diagnostics& diagnostics, const Field& when, std::size_t file,
                               std::vector<Reference>& acl_names) {
  return ConditionReader(diagnostics, file, acl_names).read(when);
}

}  // namespace tw::config
