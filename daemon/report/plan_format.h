#pragma once
// Renders a plan for people (table) and for programs (one JSON document, documented field by
// field in docs/policy.md "plan --format json").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/plan.h"

namespace tw::report {

enum class PlanFormat { table, json };

[[nodiscard]] std::optional<PlanFormat> parse_plan_format(std::string_view name);

// A host (or account) that could not be evaluated, so that it is never counted as compliant.
struct Uncovered {
  std::string host;
  std::string user;
  std::string reason;
};

// What became of one mutation the plan made due (enforcing runs; a dry run has none).
struct Outcome {
  std::string host;
  std::string user;
  std::string token;
  std::string action;  // revoke | update
  // confirmed | failed | unconfirmed (sent), withheld (not sent), dry-run
  std::string result;
  std::string detail;  // the error, or why it was withheld; empty otherwise
};

struct PlanReport {
  const policy::Plan& plan;
  std::string policy_hash;
  policy::EpochSeconds now = 0;
  std::size_t tokens_evaluated = 0;
  std::vector<Uncovered> uncovered;
  bool dry_run = true;
  std::vector<Outcome> outcomes;
};

// Actions and decisions are spelt as policy::spelling (policy/plan.h) spells them.
[[nodiscard]] std::string render_plan(const PlanReport& report, PlanFormat format);

}  // namespace tw::report
