#include "daemon/report/plan_format.h"

#include <boost/json.hpp>

#include "daemon/text/join.h"
#include "policy/timestamp.h"

namespace tw::report {
namespace json = boost::json;

std::optional<PlanFormat> parse_plan_format(std::string_view name) {
  if (name == "table") return PlanFormat::table;
  if (name == "json") return PlanFormat::json;
  return std::nullopt;
}

namespace {

std::string expiry_text(const std::optional<policy::EpochSeconds>& at) {
  return at ? policy::format_utc(*at) : "never";
}

std::string whitelist_text(const std::optional<std::vector<std::string>>& ips) {
  return ips ? text::join(*ips, " ") : "any";
}

std::string acl_text(const policy::AclSet& acls) {
  if (acls.full_access) return "(all)";
  return text::join(acls.names, " ");
}

// "acls: a b -> c; expires: never -> 2026-12-28T00:00:00Z" for the parts an update changes.
std::vector<std::string> changes(const policy::PlannedAction& action) {
  std::vector<std::string> out;
  if (!action.after) return out;
  const auto& before = action.before;
  const auto& after = *action.after;
  const std::string old_acls = acl_text(before.acls);
  const std::string new_acls = text::join(after.acls, " ");
  if (old_acls != new_acls &&
      !(before.acls.full_access && after.acls == std::vector<std::string>{"all"})) {
    out.push_back("acls: " + old_acls + " -> " + new_acls);
  }
  if (before.expires_at != after.expires_at) {
    out.push_back("expires: " + expiry_text(before.expires_at) + " -> " +
                  expiry_text(after.expires_at));
  }
  if (before.whitelist_ips != after.whitelist_ips) {
    out.push_back("allow-list: " + whitelist_text(before.whitelist_ips) + " -> " +
                  whitelist_text(after.whitelist_ips));
  }
  return out;
}

std::string render_table(const PlanReport& report) {
  std::string out;
  const auto& plan = report.plan;
  out += std::string(report.dry_run ? "Plan (dry run: nothing is changed)" : "Plan") + " at " +
         policy::format_utc(report.now) + ", policy sha256:" + report.policy_hash.substr(0, 16) +
         "\n\n";
  if (plan.actions.empty()) out += "No token violates the policies.\n";
  for (const auto& action : plan.actions) {
    out += action.host + "  " + action.user + "  " + action.token + "  ->  " +
           std::string(policy::spelling(action.kind)) + " [" +
           std::string(policy::spelling(action.decision)) +
           "]  rules: " + text::join(action.rules, ", ") + "\n";
    for (const auto& why : action.why) out += "    why: " + why + "\n";
    for (const auto& change : changes(action)) out += "    change: " + change + "\n";
    if (action.due_at) out += "    due: " + policy::format_utc(*action.due_at) + "\n";
    if (!action.note.empty()) out += "    note: " + action.note + "\n";
  }
  std::size_t revokes = 0;
  std::size_t updates = 0;
  for (const auto& action : plan.actions) {
    if (action.decision != policy::Decision::apply) continue;
    if (action.kind == policy::ActionKind::revoke) ++revokes;
    if (action.kind == policy::ActionKind::update) ++updates;
  }
  out += "\n" + std::to_string(report.tokens_evaluated) + " tokens evaluated, " +
         std::to_string(plan.actions.size()) + " with findings; " + std::to_string(revokes) +
         " revoke(s) and " + std::to_string(updates) + " update(s) due\n";
  for (const auto& held : plan.held) out += "held: " + held + "\n";
  if (!report.outcomes.empty()) {
    out += "\nOutcomes:\n";
    for (const auto& o : report.outcomes) {
      out += "  " + o.host + "  " + o.user + "  " + o.token + "  " + o.action + ": " + o.result +
             (o.detail.empty() ? "" : " (" + o.detail + ")") + "\n";
    }
  }
  if (!report.uncovered.empty()) {
    out += "\nNot evaluated (never counted as compliant):\n";
    for (const auto& u : report.uncovered) {
      out += "  " + u.host + " (" + u.user + "): " + u.reason + "\n";
    }
  }
  return out;
}

json::value token_json(const policy::Token& token) {
  json::object o;
  o["acls"] = token.acls.full_access ? json::value("all") : [&] {
    json::array a;
    for (const auto& n : token.acls.names) a.emplace_back(n);
    return json::value(std::move(a));
  }();
  o["full_access"] = token.acls.full_access;
  o["expires_at"] = token.expires_at ? json::value(*token.expires_at) : json::value(nullptr);
  if (token.whitelist_ips) {
    json::array a;
    for (const auto& ip : *token.whitelist_ips) a.emplace_back(ip);
    o["whitelist_ips"] = std::move(a);
  } else {
    o["whitelist_ips"] = nullptr;
  }
  o["create_time"] = token.create_time;
  return o;
}

json::value state_json(const policy::IntendedState& state) {
  json::object o;
  json::array acls;
  for (const auto& n : state.acls) acls.emplace_back(n);
  o["acls"] = std::move(acls);
  o["expires_at"] = state.expires_at ? json::value(*state.expires_at) : json::value(nullptr);
  if (state.whitelist_ips) {
    json::array a;
    for (const auto& ip : *state.whitelist_ips) a.emplace_back(ip);
    o["whitelist_ips"] = std::move(a);
  } else {
    o["whitelist_ips"] = nullptr;
  }
  return o;
}

std::string render_json(const PlanReport& report) {
  json::array actions;
  for (const auto& action : report.plan.actions) {
    json::object a;
    a["host"] = action.host;
    a["user"] = action.user;
    a["token"] = action.token;
    a["action"] = policy::spelling(action.kind);
    a["decision"] = policy::spelling(action.decision);
    json::array rules;
    for (const auto& r : action.rules) rules.emplace_back(r);
    a["rules"] = std::move(rules);
    json::array why;
    for (const auto& w : action.why) why.emplace_back(w);
    a["why"] = std::move(why);
    a["before"] = token_json(action.before);
    a["after"] = action.after ? state_json(*action.after) : json::value(nullptr);
    a["due_at"] = action.due_at ? json::value(*action.due_at) : json::value(nullptr);
    a["note"] = action.note;
    actions.push_back(std::move(a));
  }
  json::array held;
  for (const auto& h : report.plan.held) held.emplace_back(h);
  json::array uncovered;
  for (const auto& u : report.uncovered) {
    uncovered.push_back({{"host", u.host}, {"user", u.user}, {"reason", u.reason}});
  }
  json::array outcomes;
  for (const auto& o : report.outcomes) {
    outcomes.push_back({{"host", o.host},
                        {"user", o.user},
                        {"token", o.token},
                        {"action", o.action},
                        {"result", o.result},
                        {"detail", o.detail}});
  }
  json::object doc;
  doc["schema"] = "tokenwarden.plan/1";
  doc["generated_at"] = policy::format_utc(report.now);
  doc["now"] = report.now;
  doc["dry_run"] = report.dry_run;
  doc["policy_hash"] = report.policy_hash;
  doc["tokens_evaluated"] = report.tokens_evaluated;
  doc["mutations_due"] = report.plan.mutations();
  doc["actions"] = std::move(actions);
  doc["held"] = std::move(held);
  doc["uncovered"] = std::move(uncovered);
  doc["outcomes"] = std::move(outcomes);
  return json::serialize(doc) + "\n";
}

}  // namespace

std::string render_plan(const PlanReport& report, PlanFormat format) {
  return format == PlanFormat::json ? render_json(report) : render_table(report);
}

}  // namespace tw::report
