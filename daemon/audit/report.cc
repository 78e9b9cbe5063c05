#include "daemon/audit/report.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <set>

#include "daemon/text/columns.h"
#include "daemon/text/csv.h"
#include "daemon/text/join.h"
#include "daemon/text/printable.h"

namespace tw::audit {
namespace json = boost::json;

namespace {

std::string join_strings(const json::array& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!item.is_string()) continue;
    if (!out.empty()) out += separator;
    out += item.get_string();
  }
  return out;
}

// One line for a token state as events.h writes it (or an intended state, which has no
// `full_access`: its ACL list is never empty). Parts are separated by spaces, e.g.
// `acls=list-accts,passwd expires=2027-01-01T00:00:00Z ips=203.0.113.0/24`; the unrestricted
// state reads `full access, never expires, any IP`; null (no token) reads `absent`.
std::string summarise_state(const json::value& state) {
  if (!state.is_object()) return "absent";
  const auto& o = state.get_object();
  const json::array empty;
  const auto* acls_value = o.if_contains("acls");
  const auto& acls =
      acls_value != nullptr && acls_value->is_array() ? acls_value->get_array() : empty;
  bool full_access = acls.empty();
  if (const auto* full = o.if_contains("full_access"); full != nullptr && full->is_bool()) {
    full_access = full->get_bool();
  }
  std::vector<std::string> parts;
  bool all_phrases = true;
  if (full_access) {
    parts.emplace_back("full access");
  } else {
    parts.push_back("acls=" + join_strings(acls, ","));
    all_phrases = false;
  }
  const auto* expires = o.if_contains("expires_at");
  if (expires == nullptr || expires->is_null()) {
    parts.emplace_back("never expires");
  } else {
    all_phrases = false;
    if (expires->is_string()) {
      parts.push_back("expires=" + std::string(expires->get_string()));
    } else if (expires->is_int64()) {
      parts.push_back("expires=" + format_utc_millis(expires->get_int64() * 1000));
    } else {
      parts.push_back("expires=" + json::serialize(*expires));
    }
  }
  const auto* ips = o.if_contains("whitelist_ips");
  if (ips == nullptr || !ips->is_array()) {
    parts.emplace_back("any IP");
  } else {
    all_phrases = false;
    const auto list = join_strings(ips->get_array(), ",");
    parts.push_back("ips=" + (list.empty() ? std::string("(none)") : list));
  }
  return text::join(parts, all_phrases ? ", " : " ");
}

std::optional<EpochMillis> time_of(const json::object& record) {
  const auto ts = string_member(record, "ts");
  if (!ts) return std::nullopt;
  return parse_utc_millis(*ts);
}

std::vector<std::string> mutation_cells(const ReportedMutation& m) {
  return {format_utc_millis(m.time),
          m.sweep,
          m.host,
          m.user,
          m.token,
          m.action,
          text::join(m.rules, " "),
          m.policy_hash,
          m.result,
          std::to_string(m.intent_seq),
          m.before,
          m.after};
}

std::vector<std::string> gap_cells(const ReportedGap& g) {
  return {format_utc_millis(g.time), g.sweep, g.host, g.user, g.reason};
}

std::string render_csv(const Report& report) {
  std::string out;
  text::append_csv_line(out, {"time", "sweep", "host", "user", "token", "action", "rules",
                              "policy_hash", "result", "intent_seq", "before", "after"});
  for (const auto& m : report.mutations) text::append_csv_line(out, mutation_cells(m));
  out += "\r\n";
  text::append_csv_line(out, {"time", "sweep", "host", "user", "reason"});
  for (const auto& g : report.uncovered) text::append_csv_line(out, gap_cells(g));
  return out;
}

std::string render_json(const Report& report) {
  json::array mutations;
  for (const auto& m : report.mutations) {
    json::array rules;
    for (const auto& r : m.rules) rules.emplace_back(r);
    json::object o;
    o["time"] = format_utc_millis(m.time);
    o["sweep"] = m.sweep;
    o["host"] = m.host;
    o["user"] = m.user;
    o["token"] = m.token;
    o["action"] = m.action;
    o["rules"] = std::move(rules);
    o["policy_hash"] = m.policy_hash;
    o["result"] = m.result;
    o["intent_seq"] = m.intent_seq;
    o["before"] = m.before;
    o["after"] = m.after;
    mutations.push_back(std::move(o));
  }
  json::array uncovered;
  for (const auto& g : report.uncovered) {
    uncovered.push_back({{"time", format_utc_millis(g.time)},
                         {"sweep", g.sweep},
                         {"host", g.host},
                         {"user", g.user},
                         {"reason", g.reason}});
  }
  json::object doc;
  doc["schema"] = "tokenwarden.audit-report/1";
  doc["since"] = report.since ? json::value(format_utc_millis(*report.since)) : nullptr;
  doc["until"] = report.until ? json::value(format_utc_millis(*report.until)) : nullptr;
  doc["sweeps"] = report.sweeps;
  doc["mutations"] = std::move(mutations);
  doc["uncovered"] = std::move(uncovered);
  doc["dry_run_mutations"] = report.dry_run_mutations;
  return json::serialize(doc) + "\n";
}

// Left-aligned columns two spaces apart; text from hosts made printable first.
std::string aligned(std::vector<std::vector<std::string>> rows) {
  for (auto& row : rows) {
    for (auto& cell : row) cell = text::printable(cell, 400);
  }
  return text::aligned_columns(rows);
}

// `sha256:` and the first 12 hex digits: enough to tell policy versions apart on screen.
std::string short_hash(const std::string& hash) {
  constexpr std::string_view kPrefix = "sha256:";
  const std::size_t keep = (hash.starts_with(kPrefix) ? kPrefix.size() : 0) + 12;
  return hash.size() > keep ? hash.substr(0, keep) : hash;
}

std::string render_table(const Report& report) {
  std::string out = "Audit report: ";
  out += report.since ? "since " + format_utc_millis(*report.since) : "from the start";
  out += report.until ? ", until " + format_utc_millis(*report.until) : ", to the end";
  out += "\n";
  out += "sweeps: " + std::to_string(report.sweeps) +
         ", mutations: " + std::to_string(report.mutations.size()) +
         ", dry-run mutations (not sent): " + std::to_string(report.dry_run_mutations) +
         ", accounts not covered: " + std::to_string(report.uncovered.size()) + "\n\n";
  if (report.mutations.empty()) {
    out += "No mutations in the period.\n";
  } else {
    std::vector<std::vector<std::string>> rows{{"TIME", "HOST", "USER", "TOKEN", "ACTION", "RULES",
                                                "RESULT", "INTENT", "POLICY", "SWEEP", "BEFORE",
                                                "AFTER"}};
    for (const auto& m : report.mutations) {
      rows.push_back({format_utc_millis(m.time), m.host, m.user, m.token, m.action,
                      text::join(m.rules, ","), m.result, std::to_string(m.intent_seq),
                      short_hash(m.policy_hash), m.sweep, m.before, m.after});
    }
    out += aligned(std::move(rows));
    const auto unverifiable = std::ranges::count(report.mutations, std::string_view("unverifiable"),
                                                 &ReportedMutation::result);
    if (unverifiable > 0) {
      out += "\nunverifiable: " + std::to_string(unverifiable) +
             " mutation(s) could never be checked after a stop (the host left the configuration, "
             "or its WHM user has no credential any more): whether they reached the host is "
             "unknown; check those tokens by hand.\n";
    }
  }
  if (!report.uncovered.empty()) {
    out += "\nNot covered (these accounts were not listed, so not checked):\n";
    std::vector<std::vector<std::string>> rows{{"TIME", "SWEEP", "HOST", "USER", "REASON"}};
    for (const auto& g : report.uncovered) rows.push_back(gap_cells(g));
    out += aligned(std::move(rows));
  }
  return out;
}

}  // namespace

Report build_report(const std::vector<ReadRecord>& records, std::optional<EpochMillis> since,
                    std::optional<EpochMillis> until) {
  Report report;
  report.since = since;
  report.until = until;
  // How each intent ended, from anywhere later in the trail (an outcome may fall after `until`).
  std::map<std::uint64_t, std::string> results;  // intent seq -> first result recorded
  std::set<std::uint64_t> seen_intents;          // every intent so far, in the period or not
  for (const auto& read : records) {
    if (!read.json) continue;
    const auto& record = *read.json;
    const auto event = string_member(record, "event");
    const auto time = time_of(record);
    if (!event || !time) continue;
    const auto* data = data_of(record);
    if (*event == "mutation.outcome" || *event == "mutation.reconciled") {
      if (data == nullptr) continue;
      const auto intent_seq = unsigned_member(*data, "intent_seq");
      if (!intent_seq || !seen_intents.contains(*intent_seq) || results.contains(*intent_seq)) {
        continue;
      }
      results[*intent_seq] = string_member(*data, "result").value_or("unknown");
      continue;
    }
    const bool in_period = (!since || *time >= *since) && (!until || *time < *until);
    if (*event == "mutation.intent") {
      const auto seq = seq_of(record);
      if (!seq) continue;
      seen_intents.insert(*seq);
      if (!in_period) continue;
      ReportedMutation m;
      m.time = *time;
      m.sweep = string_member(record, "sweep").value_or("");
      m.host = string_member(record, "host").value_or("");
      m.user = string_member(record, "user").value_or("");
      m.token = string_member(record, "token").value_or("");
      m.policy_hash = string_member(record, "policy_hash").value_or("");
      m.intent_seq = *seq;
      m.before = "absent";
      m.after = "absent";
      if (data != nullptr) {
        m.action = string_member(*data, "action").value_or("");
        if (const auto* rules = data->if_contains("rules"); rules != nullptr && rules->is_array()) {
          for (const auto& r : rules->get_array()) {
            if (r.is_string()) m.rules.emplace_back(r.get_string());
          }
        }
        if (const auto* before = data->if_contains("before")) m.before = summarise_state(*before);
        if (const auto* after = data->if_contains("after")) m.after = summarise_state(*after);
      }
      if (m.rules.empty()) {
        if (auto rule = string_member(record, "rule")) m.rules.push_back(std::move(*rule));
      }
      report.mutations.push_back(std::move(m));
    } else if (!in_period) {
      continue;
    } else if (*event == "mutation.dry_run") {
      ++report.dry_run_mutations;
    } else if (*event == "sweep.started") {
      ++report.sweeps;
    } else if (*event == "coverage.failed") {
      ReportedGap gap;
      gap.time = *time;
      gap.sweep = string_member(record, "sweep").value_or("");
      gap.host = string_member(record, "host").value_or("");
      gap.user = string_member(record, "user").value_or("");
      if (data != nullptr) gap.reason = string_member(*data, "reason").value_or("");
      report.uncovered.push_back(std::move(gap));
    }
  }
  for (auto& m : report.mutations) {
    const auto it = results.find(m.intent_seq);
    m.result = it == results.end() ? "open" : it->second;
  }
  return report;
}

std::optional<ReportFormat> parse_report_format(std::string_view text) {
  if (text == "table") return ReportFormat::table;
  if (text == "csv") return ReportFormat::csv;
  if (text == "json") return ReportFormat::json;
  return std::nullopt;
}

std::string render_report(const Report& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::table:
      return render_table(report);
    case ReportFormat::csv:
      return render_csv(report);
    case ReportFormat::json:
      return render_json(report);
  }
  return {};
}

}  // namespace tw::audit
