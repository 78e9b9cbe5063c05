#pragma once
// The policy model: what a security team's policy files say, compiled. Built by
// config/load_policies.h from YAML; evaluated by evaluate.h; acted upon by plan.h. Pure values:
// every time is an argument (`now`), nothing here reads a clock or a file.
//
// A rule fires on a token when the rule's scope matches it and every condition in its `when`
// holds (conditions describe what is wrong). Its action then applies, unless the token is
// protected, exempted for that rule, or still inside the rule's grace period.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "policy/network.h"
#include "policy/token.h"

namespace tw::policy {

// Durations in policies are whole seconds.
using Seconds = std::int64_t;

// Where a rule applies. Every list that is empty matches everything; a non-empty list matches
// when any of its entries does. Globs: `*` any run of characters, `?` one character.
struct Scope {
  std::vector<std::string> host_names;  // globs over the fleet's host names
  std::vector<std::string> host_tags;   // exact tags
  std::vector<std::string> users;       // globs over WHM user names
  std::vector<std::string> tokens;      // globs over token names
};

// Within one condition, the parts that are set are alternatives: each is a way to be wrong, and
// the condition holds when any of them does (see conditions.h).
struct WhitelistCondition {
  bool required = false;        // holds when the token is usable from any IP
  std::vector<Network> within;  // holds when an entry lies outside all of these (empty: unchecked)
};

struct AclCondition {
  std::set<std::string> forbidden;               // holds when the token grants any of these
  std::optional<std::set<std::string>> allowed;  // holds when it grants anything else
};

struct NameCondition {
  std::vector<std::string> must_match;      // holds when the name matches none of these globs
  std::vector<std::string> must_not_match;  // holds when the name matches any of these globs
};

// The `when` of a rule. At least one member is set; all that are set must hold.
struct Conditions {
  std::optional<bool> expired;            // true: expires_at < now; false: not expired
  std::optional<Seconds> older_than;      // now - create_time > this
  std::optional<bool> never_expires;      // true: no expiry; false: has one
  std::optional<Seconds> max_lifetime;    // expires_at - create_time > this, or never expires
  std::optional<Seconds> expires_within;  // expires, and expires_at - now <= this (not yet expired)
  std::optional<WhitelistCondition> whitelist;
  std::optional<AclCondition> acls;
  std::optional<NameCondition> name;
};

enum class ActionKind { report = 0, update = 1, revoke = 2 };  // stronger wins when merged

// What an `update` changes. Each part applies only when its condition is part of the rule.
struct UpdateSpec {
  // Expiry becomes min(current expiry, now + expires_in); for never-expiring tokens, now + it.
  std::optional<Seconds> expires_in;
  // The allow-list is narrowed to the rule's `whitelist.within` (a token usable from any IP
  // gets `within` itself). Implied by a whitelist condition with `within`.
  bool narrow_whitelist = false;
  // Forbidden ACLs are dropped / only allowed ones kept. Implied by an acls condition.
  bool restrict_acls = false;
};

enum class Fallback { report, revoke };  // when an update cannot make the token compliant

struct Rule {
  std::string id;  // unique across the policy set
  std::string description;
  std::string source;  // `file:line:column` of the rule, for messages
  Scope scope;
  Conditions when;
  ActionKind action = ActionKind::report;
  UpdateSpec update;
  Fallback fallback = Fallback::report;
  Seconds grace = 0;  // the action waits this long after the violation was first seen
};

// A documented, owned, expiring exception: the listed rules do not act on matching tokens.
struct Exemption {
  std::vector<std::string> tokens;  // globs; required
  std::vector<std::string> hosts;   // globs over host names; empty: every host
  std::vector<std::string> users;   // globs; empty: every user
  std::vector<std::string> rules;   // rule ids; empty: every rule
  std::string reason;
  std::string owner;
  EpochSeconds expires = 0;  // stops applying at this time
  std::string source;        // `file:line:column`
};

struct PolicySet {
  std::vector<Rule> rules;  // in load order (files sorted by name, rules in file order)
  std::vector<Exemption> exemptions;
  std::vector<std::string> protected_tokens;  // globs: never mutated, whatever fires
  std::set<std::string> third_party_acls;     // extra ACL names policies may use
  std::string hash;  // sha256 hex over the files' bytes, in load order: the policy version
  std::vector<std::string> files;  // the files loaded, in order
};

}  // namespace tw::policy
