#include "policy/decide.h"

#include <algorithm>
#include <optional>

#include "policy/matching.h"
#include "policy/span.h"
#include "policy/update.h"

namespace tw::policy {
namespace {

// A non-exempted finding with its rule and the time its action is due.
struct Active {
  const Rule* rule;
  ActionKind action;
  EpochSeconds first_seen;
  EpochSeconds due;
};

const Rule* find_rule(const PolicySet& policies, const std::string& id) {
  const auto it = std::ranges::find(policies.rules, id, &Rule::id);
  return it == policies.rules.end() ? nullptr : &*it;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

ActionKind strongest(const std::vector<const Finding*>& findings) {
  ActionKind kind = ActionKind::report;
  for (const Finding* finding : findings) kind = std::max(kind, finding->action);
  return kind;
}

// "exempted by policies.d/a.yaml:12:5: vendor rotates yearly (owner secops@example.net, until
// 2027-03-01T00:00:00Z)", once per exemption used, in the findings' order.
std::string exemption_note(const PolicySet& policies, const std::vector<const Finding*>& findings) {
  std::vector<std::size_t> used;
  for (const Finding* finding : findings) {
    if (finding->exemption && std::ranges::find(used, *finding->exemption) == used.end()) {
      used.push_back(*finding->exemption);
    }
  }
  std::vector<std::string> parts;
  for (const std::size_t index : used) {
    if (index >= policies.exemptions.size()) {
      parts.push_back("exempted by exemption #" + std::to_string(index));
      continue;
    }
    const Exemption& exemption = policies.exemptions[index];
    const std::string where =
        exemption.source.empty() ? "exemption #" + std::to_string(index) : exemption.source;
    parts.push_back("exempted by " + where + ": " + exemption.reason + " (owner " +
                    exemption.owner + ", until " + format_time(exemption.expires) + ")");
  }
  return join(parts, "; ");
}

// The earliest due time among `active` findings whose action is `kind`.
std::optional<EpochSeconds> earliest_due(const std::vector<Active>& active, ActionKind kind) {
  std::optional<EpochSeconds> due;
  for (const auto& a : active) {
    if (a.action == kind) due = due ? std::min(*due, a.due) : a.due;
  }
  return due;
}

std::optional<EpochSeconds> earliest(std::optional<EpochSeconds> a, std::optional<EpochSeconds> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// "rule max-age is in grace until 2026-01-08T00:00:00Z (first seen ..., grace 7d)" for each
// not-yet-due finding of `kind`.
std::string grace_note(const std::vector<Active>& active, ActionKind kind, EpochSeconds now) {
  std::vector<std::string> parts;
  for (const auto& a : active) {
    if (a.action != kind || a.due <= now) continue;
    parts.push_back("rule " + a.rule->id + " is in grace until " + format_time(a.due) +
                    " (first seen " + format_time(a.first_seen) + ", grace " +
                    format_span(a.rule->grace) + ")");
  }
  return join(parts, "; ");
}

// Step 4 of decide(): for a token with a revoke or an update to make, sets the kind, decision,
// intended state, due time and note of `action` from the findings' grace and the update.
void schedule(PlannedAction& action, const std::vector<Active>& active, const Token& token,
              EpochSeconds now) {
  const auto revoke_due = earliest_due(active, ActionKind::revoke);
  const auto update_due = earliest_due(active, ActionKind::update);
  if (revoke_due && *revoke_due <= now) {
    action.kind = ActionKind::revoke;
    action.decision = Decision::apply;
    return;
  }

  std::optional<UpdateOutcome> update;
  if (update_due) {
    std::vector<const Rule*> rules;
    for (const auto& a : active) {
      if (a.action == ActionKind::update) rules.push_back(a.rule);
    }
    update = compute_update(token, rules, now);
  }
  const std::string waiting = grace_note(active, ActionKind::revoke, now);

  if (update && update->state) {
    action.after = update->state;
    if (*update_due <= now) {
      action.kind = ActionKind::update;
      action.decision = Decision::apply;
      if (!waiting.empty()) action.note = "updated now; the revoke waits: " + waiting;
      return;
    }
  } else if (update && update->fallback_revoke) {
    action.kind = ActionKind::revoke;
    const std::string problems = join(update->problems, "; ");
    if (*update_due <= now) {
      action.decision = Decision::apply;
      action.note =
          "an update cannot fix it (" + problems + "): revoked instead, as its fallback says";
      return;
    }
    action.note = "an update cannot fix it (" + problems + "); it will be revoked instead";
  } else if (update) {
    action.note = "an update cannot fix it (" + join(update->problems, "; ") +
                  "), and the rule's fallback is to report";
    if (!revoke_due) {
      action.kind = ActionKind::update;
      action.decision = Decision::unfixable;
      return;
    }
  }

  // Nothing is due yet. An unfixable update with fallback report waits for nothing; a revoke
  // (requested, or as a fallback) or a fixable update waits for its grace.
  action.decision = Decision::in_grace;
  const bool update_counts = update && (update->state || update->fallback_revoke);
  action.due_at = earliest(revoke_due, update_counts ? update_due : std::nullopt);
  if (revoke_due) action.kind = ActionKind::revoke;
  if (action.kind != ActionKind::update) action.after.reset();
  action.note = join({action.note, waiting, grace_note(active, ActionKind::update, now)}, "; ");
}

}  // namespace

PlannedAction decide(const DecideContext& context, const HostSnapshot& host,
                     const std::string& user, const Token& token,
                     const std::vector<const Finding*>& findings, GraceState& grace_out) {
  const EpochSeconds now = context.now;
  PlannedAction action;
  action.host = host.host;
  action.user = user;
  action.token = token.name;
  action.before = token;
  std::vector<const Finding*> not_exempted;
  for (const Finding* finding : findings) {
    action.rules.push_back(finding->rule_id);
    action.why.push_back(finding->rule_id + ": " + finding->why +
                         (finding->exemption ? " (exempted)" : ""));
    if (!finding->exemption) not_exempted.push_back(finding);
  }

  if (std::ranges::any_of(findings, &Finding::protected_token)) {
    action.kind = strongest(not_exempted.empty() ? findings : not_exempted);
    action.decision = Decision::protected_token;
    action.note =
        protection_reason(context.policies, host, token.name).value_or("protected: never mutated");
    return action;
  }

  std::vector<Active> active;
  for (const Finding* finding : not_exempted) {
    const ViolationKey key{host.host, user, token.name, finding->rule_id};
    const auto seen = context.grace.find(key);
    const EpochSeconds first_seen = seen == context.grace.end() ? now : seen->second;
    grace_out[key] = first_seen;
    const Rule* rule = find_rule(context.policies, finding->rule_id);
    if (rule == nullptr) continue;  // unknown rule: report only (it stays in `why`)
    active.push_back({rule, finding->action, first_seen, saturating_add(first_seen, rule->grace)});
  }

  if (not_exempted.empty()) {
    action.kind = strongest(findings);
    action.decision = Decision::exempted;
    action.note = exemption_note(context.policies, findings);
    return action;
  }
  action.kind = ActionKind::report;
  for (const auto& a : active) action.kind = std::max(action.kind, a.action);
  if (action.kind == ActionKind::report) {
    action.decision = Decision::report;
    return action;
  }
  if (!is_valid_token_name(token.name)) {
    action.decision = Decision::report;
    action.note = "the name is not a valid WHM token name: it is reported, never acted upon";
    return action;
  }

  schedule(action, active, token, now);
  if (not_exempted.size() < findings.size()) {
    // Every use of an exemption is visible (and, with the audit trail, recorded).
    action.note = join({exemption_note(context.policies, findings), action.note}, "; ");
  }
  return action;
}

}  // namespace tw::policy
