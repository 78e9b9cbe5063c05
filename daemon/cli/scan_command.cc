#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_loading.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/logging.h"
#include "daemon/cli/policy_loading.h"
#include "daemon/http/curl_multi_transport.h"
#include "daemon/inventory/inventory.h"
#include "daemon/report/plan_format.h"
#include "daemon/scan/evaluation.h"

namespace tw::cli {
namespace asio = boost::asio;
namespace {

constexpr const char* kUsage =
    "usage: tokenwarden scan [--config FILE] [--host NAME] [--format table|json]\n"
    "                        [--log-level LEVEL]\n"
    "\n"
    "One sweep over the fleet now: lists every token, evaluates the policies and prints the\n"
    "plan. Dry run: nothing is changed. Hosts that cannot be listed are reported as not\n"
    "covered, and the exit status is then 1.\n"
    "\n"
    "  --config FILE     configuration file (default /etc/tokenwarden/tokenwarden.yaml)\n"
    "  --host NAME       only this host (repeatable as a comma-separated list)\n"
    "  --format FORMAT   table (default) or json\n"
    "  --log-level LEVEL diagnostics on stderr (default warn)\n";

}  // namespace

int run_scan(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments =
      read_command_line("scan", args, {{"--config", "--host", "--format", "--log-level"}, {}},
                        kUsage, false, streams.out, streams.err);
  if (!arguments) return arguments.error();
  const auto format = report::parse_plan_format(arguments->value("--format").value_or("table"));
  if (!format) {
    streams.err << "tokenwarden scan: --format must be table or json\n";
    return kExitUsage;
  }
  if (!set_up_logging(arguments->value("--log-level").value_or("warn"))) {
    streams.err << "tokenwarden scan: unknown --log-level\n";
    return kExitUsage;
  }
  auto configuration = load_configuration(arguments->value("--config"), streams.err);
  if (!configuration) return kExitConfig;
  const auto now = evaluation_time(std::nullopt, streams.err);
  if (configuration->settings.policies_dir.empty()) {
    streams.err << configuration->source.string()
                << ": no policies: set `policies: DIR` in the configuration\n";
    return kExitConfig;
  }
  const auto policies = load_policy_set(configuration->settings.policies_dir, *now, streams.err);
  if (!policies) return kExitConfig;
  if (const auto only = arguments->value("--host")) {
    std::vector<config::Host> selected;
    std::string remaining = *only + ",";
    for (auto comma = remaining.find(','); comma != std::string::npos;
         comma = remaining.find(',')) {
      const std::string name = remaining.substr(0, comma);
      remaining.erase(0, comma + 1);
      const auto it = std::ranges::find(configuration->hosts, name, &config::Host::name);
      if (it == configuration->hosts.end()) {
        streams.err << "tokenwarden scan: --host: no host named '" << name
                    << "' in the configuration\n";
        return kExitUsage;
      }
      selected.push_back(*it);
    }
    configuration->hosts = std::move(selected);
  }

  asio::io_context io;
  std::vector<inventory::AccountInventory> listed;
  {
    http::CurlMultiTransport transport(io, {.max_in_flight = configuration->settings.concurrency});
    whm::WhmClient client(transport, whm::client_options(configuration->settings));
    asio::co_spawn(io, inventory::collect(client, *configuration),
                   [&listed](std::exception_ptr error, std::vector<inventory::AccountInventory> r) {
                     if (error) std::rethrow_exception(error);
                     listed = std::move(r);
                   });
    io.run();
  }
  std::vector<report::Uncovered> uncovered;
  auto snapshots = scan::to_snapshots(*configuration, listed, uncovered);
  const auto evaluation = scan::evaluate_and_plan(
      *policies, std::move(snapshots), configuration->settings.limits, policy::GraceState{}, *now);
  report::PlanReport plan_report{evaluation.plan,   policies->hash,       *now,
                                 evaluation.tokens, std::move(uncovered), true};
  streams.out << report::render_plan(plan_report, *format);
  return plan_report.uncovered.empty() ? kExitOk : kExitIncomplete;
}

}  // namespace tw::cli
