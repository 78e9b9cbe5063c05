#include <fstream>
#include <sstream>

#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_loading.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/policy_loading.h"
#include "daemon/report/plan_format.h"
#include "daemon/scan/evaluation.h"
#include "daemon/whm/response_parser.h"

namespace tw::cli {
namespace {

constexpr const char* kUsage =
    "usage: tokenwarden plan --tokens FILE [--config FILE | --policies DIR] [--host NAME]\n"
    "                        [--tags TAG,...] [--user NAME] [--now TIME] [--format table|json]\n"
    "\n"
    "Evaluates the policies offline against a recorded api_token_list response (the JSON body\n"
    "WHM answered) and prints the per-token plan: rules that fired, action, new state. Nothing\n"
    "is contacted and nothing is changed.\n"
    "\n"
    "  --tokens FILE    the recorded api_token_list response\n"
    "  --config FILE    take the policies directory, and the host's tags and self token, from\n"
    "                   this configuration (default /etc/tokenwarden/tokenwarden.yaml)\n"
    "  --policies DIR   use this policies directory instead\n"
    "  --host NAME      the host the list came from (default: recorded)\n"
    "  --tags TAG,...   the host's tags (default: from the configuration's host of that name)\n"
    "  --user NAME      the WHM user it belongs to (default: root)\n"
    "  --now TIME       evaluate at this UTC time, e.g. 2026-11-28T12:00:00Z (default: now)\n"
    "  --format FORMAT  table (default) or json\n";

std::optional<std::string> read_file(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << path << ": cannot be read\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int run_plan(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments = read_command_line(
      "plan", args,
      {{"--tokens", "--config", "--policies", "--host", "--tags", "--user", "--now", "--format"},
       {}},
      kUsage, false, streams.out, streams.err);
  if (!arguments) return arguments.error();
  const auto tokens_path = arguments->value("--tokens");
  const auto format = report::parse_plan_format(arguments->value("--format").value_or("table"));
  if (!tokens_path || !format) {
    streams.err << "tokenwarden plan: "
                << (!tokens_path ? "--tokens FILE is required" : "--format must be table or json")
                << "\n\n"
                << kUsage;
    return kExitUsage;
  }
  const auto now = evaluation_time(arguments->value("--now"), streams.err);
  if (!now) return kExitUsage;

  policy::HostSnapshot snapshot{
      arguments->value("--host").value_or("recorded"), {}, "tokenwarden", {}};
  std::filesystem::path policies_dir;
  policy::Limits limits;
  if (const auto given = arguments->value("--policies")) {
    policies_dir = *given;
  } else {
    const auto configuration = load_configuration(arguments->value("--config"), streams.err);
    if (!configuration) return kExitConfig;
    policies_dir = configuration->settings.policies_dir;
    limits = configuration->settings.limits;
    for (const auto& host : configuration->hosts) {
      if (host.name != snapshot.host) continue;
      snapshot.tags = host.tags;
      snapshot.self_token = host.self_token;
    }
  }
  if (const auto tags = arguments->value("--tags")) {
    snapshot.tags.clear();
    std::string rest = *tags + ",";
    for (auto comma = rest.find(','); comma != std::string::npos; comma = rest.find(',')) {
      if (comma > 0) snapshot.tags.push_back(rest.substr(0, comma));
      rest.erase(0, comma + 1);
    }
  }
  if (policies_dir.empty()) {
    streams.err << "tokenwarden plan: no policies: pass --policies or set `policies`\n";
    return kExitConfig;
  }
  const auto policies = load_policy_set(policies_dir, *now, streams.err);
  if (!policies) return kExitConfig;

  const auto body = read_file(*tokens_path, streams.err);
  if (!body) return kExitUsage;
  auto list = whm::parse_token_list(*body);
  if (!list) {
    streams.err << *tokens_path
                << ": not a usable api_token_list response: " << list.error().describe() << "\n";
    return kExitUsage;
  }
  const std::string user = arguments->value("--user").value_or("root");
  std::vector<report::Uncovered> uncovered;
  for (const auto& rejected : list->rejected) {
    uncovered.push_back(
        {snapshot.host, user, "rejected token entry '" + rejected.name + "': " + rejected.reason});
  }
  snapshot.accounts.push_back({user, std::move(list->tokens)});
  const auto evaluation =
      scan::evaluate_and_plan(*policies, {std::move(snapshot)}, limits, policy::GraceState{}, *now);
  report::PlanReport plan_report{evaluation.plan,      policies->hash, *now, evaluation.tokens,
                                 std::move(uncovered), true,           {}};
  streams.out << report::render_plan(plan_report, *format);
  return plan_report.uncovered.empty() ? kExitOk : kExitIncomplete;
}

}  // namespace tw::cli
