#include "policy/update.h"

#include <algorithm>
#include <set>

#include "policy/network.h"
#include "policy/span.h"

namespace tw::policy {
namespace {

// The update parts a rule may apply. Narrowing and restricting are implied by their conditions
// (policy.h), so a rule with such a condition applies them even if a loader left the flag unset;
// without the condition there is nothing to narrow or restrict to.
bool narrows(const Rule& rule) {
  return rule.when.whitelist && !rule.when.whitelist->within.empty();
}
bool restricts(const Rule& rule) {
  return rule.when.acls.has_value();
}
bool changes_anything(const Rule& rule) {
  return rule.update.expires_in.has_value() || narrows(rule) || restricts(rule);
}

// WHM's full access: no list, an empty one, or one holding `all`.
bool full_access(const AclSet& acls) {
  return acls.full_access || acls.names.empty() || acls.names.contains("all");
}

std::string ids(const std::vector<const Rule*>& rules) {
  std::string out;
  for (const Rule* rule : rules) {
    if (!out.empty()) out += ", ";
    out += rule->id;
  }
  return out;
}

// The expiry all rules together ask for.
std::optional<EpochSeconds> intended_expiry(const Token& token,
                                            const std::vector<const Rule*>& rules,
                                            EpochSeconds now) {
  std::optional<EpochSeconds> expires = token.expires_at;
  for (const Rule* rule : rules) {
    if (!rule->update.expires_in) continue;
    const EpochSeconds target = saturating_add(now, *rule->update.expires_in);
    expires = expires ? std::min(*expires, target) : target;
  }
  return expires;
}

// The narrowed allow-list, or nullopt when no rule narrows it. Empty when nothing is left.
std::optional<std::vector<Network>> narrowed_whitelist(const Token& token,
                                                       const std::vector<const Rule*>& rules) {
  std::optional<std::vector<Network>> current;
  for (const Rule* rule : rules) {
    if (!narrows(*rule)) continue;
    const auto& within = rule->when.whitelist->within;
    if (!current) {
      if (!token.whitelist_ips || token.whitelist_ips->empty()) {
        current = narrow_to(within, within);  // any IP: `within` itself, normalised
        continue;
      }
      current.emplace();
      for (const auto& entry : *token.whitelist_ips) {
        if (auto net = parse_network(entry, /*strict=*/false)) current->push_back(*net);
      }
    }
    current = narrow_to(*current, within);
  }
  return current;
}

// The ACL names after every restricting rule, or nullopt when no rule restricts them.
std::optional<std::set<std::string>> restricted_acls(const Token& token,
                                                     const std::vector<const Rule*>& rules) {
  std::optional<std::set<std::string>> names;
  for (const Rule* rule : rules) {
    if (!restricts(*rule)) continue;
    if (!names) {
      names = token.acls.names;
      names->erase("all");
    }
    for (const auto& forbidden : rule->when.acls->forbidden) names->erase(forbidden);
    if (const auto& allowed = rule->when.acls->allowed) {
      std::erase_if(*names, [&](const std::string& acl) { return !allowed->contains(acl); });
    }
  }
  return names;
}

// True when sending `state` would leave `token` as it is.
bool unchanged(const IntendedState& state, const Token& token) {
  const auto& current = token.whitelist_ips;
  const bool same_whitelist =
      (!current || current->empty()) ? !state.whitelist_ips : state.whitelist_ips == current;
  const bool same_acls = full_access(token.acls) ? state.acls == std::vector<std::string>{"all"}
                                                 : std::ranges::equal(state.acls, token.acls.names);
  return same_whitelist && same_acls && state.expires_at == token.expires_at;
}

}  // namespace

UpdateOutcome compute_update(const Token& token, const std::vector<const Rule*>& rules,
                             EpochSeconds now) {
  UpdateOutcome out;
  std::vector<const Rule*> responsible;
  const auto unfixable = [&](std::string problem, const std::vector<const Rule*>& by) {
    out.problems.push_back(std::move(problem));
    responsible.insert(responsible.end(), by.begin(), by.end());
  };

  for (const Rule* rule : rules) {
    if (!changes_anything(*rule)) {
      unfixable("rule " + rule->id + " asks for an update but sets nothing it can change", {rule});
    }
  }

  IntendedState state;
  state.expires_at = intended_expiry(token, rules, now);
  if (state.expires_at && *state.expires_at <= now) {
    unfixable(token.expired_at(now)
                  ? "the token expired at " + format_time(*token.expires_at) +
                        "; WHM takes only a future expiry, and an expired token is never extended"
                  : "the expiry would be " + format_time(*state.expires_at) +
                        ", not after now; WHM takes only a future expiry",
              rules);
  }

  std::vector<const Rule*> narrowing;
  std::ranges::copy_if(rules, std::back_inserter(narrowing),
                       [](const Rule* r) { return narrows(*r); });
  state.whitelist_ips = token.whitelist_ips;
  if (state.whitelist_ips && state.whitelist_ips->empty()) state.whitelist_ips.reset();
  if (const auto narrowed = narrowed_whitelist(token, rules)) {
    if (narrowed->empty()) {
      unfixable("no allow-list entry lies inside the approved networks of " + ids(narrowing) +
                    ", and an empty allow-list means any IP",
                narrowing);
    }
    state.whitelist_ips.emplace();
    for (const auto& net : *narrowed) state.whitelist_ips->push_back(net.to_whm_string());
  }

  std::vector<const Rule*> restricting;
  std::ranges::copy_if(rules, std::back_inserter(restricting),
                       [](const Rule* r) { return restricts(*r); });
  if (const auto names = restricted_acls(token, rules)) {
    if (names->empty()) {
      unfixable("no ACL would be left after " + ids(restricting) +
                    ", and an empty ACL list means full access",
                restricting);
    }
    state.acls.assign(names->begin(), names->end());
  } else if (full_access(token.acls)) {
    state.acls = {"all"};
  } else {
    state.acls.assign(token.acls.names.begin(), token.acls.names.end());
  }

  // Conditions depend on the token's state and `now` alone: an update that changes nothing
  // leaves every rule firing, and sending it each sweep would only spend the caps.
  if (out.problems.empty() && unchanged(state, token)) {
    unfixable("the update would change nothing (" + ids(rules) + " would still fire)", rules);
  }

  if (out.problems.empty()) {
    out.state = std::move(state);
  } else {
    out.fallback_revoke = std::ranges::any_of(
        responsible, [](const Rule* rule) { return rule->fallback == Fallback::revoke; });
  }
  return out;
}

}  // namespace tw::policy
