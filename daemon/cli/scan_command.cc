#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>

#include "daemon/audit/events.h"
#include "daemon/audit/trail_writer.h"
#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_loading.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/logging.h"
#include "daemon/cli/policy_loading.h"
#include "daemon/enforce/reconcile.h"
#include "daemon/http/curl_multi_transport.h"
#include "daemon/report/plan_format.h"
#include "daemon/state/grace_book.h"
#include "daemon/state/grace_store.h"
#include "daemon/sweep/sweep.h"
#include "daemon/sweep/trail_setup.h"

namespace tw::cli {
namespace asio = boost::asio;
namespace {

constexpr const char* kUsage =
    "usage: tokenwarden scan [--config FILE] [--enforce] [--host NAME] [--format table|json]\n"
    "                        [--now TIME] [--log-level LEVEL]\n"
    "\n"
    "One sweep over the fleet now: lists every token, evaluates the policies and prints the\n"
    "plan. A dry run unless --enforce is given AND the configuration says `mode: enforce`;\n"
    "then the due revokes and updates are sent, each confirmed by listing the host again and\n"
    "recorded in the audit trail (intent before, outcome after). Hosts that cannot be listed\n"
    "are reported as not covered.\n"
    "\n"
    "  --config FILE     configuration file (default /etc/tokenwarden/tokenwarden.yaml)\n"
    "  --enforce         send the mutations (needs `mode: enforce`, `audit` and `state_dir`)\n"
    "  --host NAME       only this host (repeatable as a comma-separated list)\n"
    "  --format FORMAT   table (default) or json\n"
    "  --now TIME        evaluate as if at TIME (dry runs only; for trying out grace periods)\n"
    "  --log-level LEVEL diagnostics on stderr (default warn)\n"
    "\n"
    "Exit status: 0 all hosts covered and every mutation confirmed; 1 a host not covered or a\n"
    "mutation not confirmed; 74 the audit trail could not be written (nothing was mutated\n"
    "after that); 78 bad configuration or policies.\n";

// Keeps only the hosts named in `only` (comma-separated). False after printing the problem.
bool select_hosts(config::Snapshot& configuration, const std::string& only, std::ostream& err) {
  std::vector<config::Host> selected;
  std::string remaining = only + ",";
  for (auto comma = remaining.find(','); comma != std::string::npos; comma = remaining.find(',')) {
    const std::string name = remaining.substr(0, comma);
    remaining.erase(0, comma + 1);
    const auto it = std::ranges::find(configuration.hosts, name, &config::Host::name);
    if (it == configuration.hosts.end()) {
      err << "tokenwarden scan: --host: no host named '" << name << "' in the configuration\n";
      return false;
    }
    selected.push_back(*it);
  }
  configuration.hosts = std::move(selected);
  return true;
}

}  // namespace

int run_scan(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments = read_command_line(
      "scan", args, {{"--config", "--host", "--format", "--now", "--log-level"}, {"--enforce"}},
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
  const bool enforce_requested = arguments->flag("--enforce");
  if (enforce_requested && arguments->value("--now")) {
    streams.err << "tokenwarden scan: --now is for dry runs; it cannot be used with --enforce\n";
    return kExitUsage;
  }
  auto configuration = load_configuration(arguments->value("--config"), streams.err);
  if (!configuration) return kExitConfig;
  const auto now = evaluation_time(arguments->value("--now"), streams.err);
  if (!now) return kExitUsage;
  const auto& settings = configuration->settings;
  if (settings.policies_dir.empty()) {
    streams.err << configuration->source.string()
                << ": no policies: set `policies: DIR` in the configuration\n";
    return kExitConfig;
  }
  bool enforce = enforce_requested;
  if (enforce && settings.mode != config::Mode::enforce) {
    streams.err << "tokenwarden scan: " << configuration->source.string()
                << " says `mode: dry-run`: nothing will be changed (set `mode: enforce` to "
                   "allow --enforce)\n";
    enforce = false;
  }
  if (enforce && (!settings.audit || settings.state_dir.empty())) {
    streams.err << configuration->source.string()
                << ": enforcing needs an audit trail and a state directory: set `audit: {path: "
                   "FILE}` and `state_dir: DIR`\n";
    return kExitConfig;
  }
  const auto policies = load_policy_set(settings.policies_dir, *now, streams.err);
  if (!policies) return kExitConfig;
  // Intents left open are reconciled against every configured host, whatever --host selects.
  const config::Snapshot full_configuration = *configuration;
  if (const auto only = arguments->value("--host")) {
    if (!select_hosts(*configuration, *only, streams.err)) return kExitUsage;
  }
  // A what-if evaluation at another time is neither recorded nor remembered.
  const bool what_if = arguments->value("--now").has_value();

  // The audit trail. If it cannot be opened, the sweep still runs and reports, but as a dry run
  // that leaves the grace history alone (another tokenwarden may hold the trail and the state).
  std::optional<audit::TrailWriter> trail;
  bool trail_failed = false;
  if (what_if) {
    streams.err << "tokenwarden scan: --now: a what-if evaluation; it is not recorded in the "
                   "audit trail and the grace history is left as it is\n";
  } else if (settings.audit) {
    auto opened = sweep::open_configured_trail(settings);
    if (opened) {
      trail.emplace(std::move(*opened));
    } else {
      streams.err << "tokenwarden scan: ERROR: the audit trail cannot be opened: " << opened.error()
                  << "\ntokenwarden scan: nothing will be changed\n";
      trail_failed = true;
      enforce = false;
    }
  } else {
    streams.err << "tokenwarden scan: no audit trail configured (`audit: {path: FILE}`): this "
                   "sweep is not recorded\n";
  }
  audit::TrailWriter* writer = trail ? &*trail : nullptr;
  if (writer != nullptr) {
    (void)writer->append(audit::run_started("scan", TOKENWARDEN_VERSION, !enforce));
    (void)writer->append(audit::config_loaded(*configuration));
    (void)writer->append(audit::policy_loaded(*policies));
  }

  std::vector<std::string> problems;
  state::GraceBook grace(settings.state_dir);
  if (const auto problem = grace.load()) {
    problems.push_back("grace state rebuilt: " + *problem);
    if (writer != nullptr) {
      (void)writer->append(
          audit::state_rebuilt(state::grace_file(settings.state_dir).string(), *problem));
    }
  }
  std::set<state::GraceBook::AccountKey> configured_accounts;
  for (const auto& host : full_configuration.hosts) {
    for (const auto& account : host.accounts) configured_accounts.insert({host.name, account.user});
  }
  grace.forget_all_but(configured_accounts);
  sweep::SweepOptions sweep_options;
  sweep_options.enforce = enforce;
  sweep_options.now = *now;
  sweep_options.grace = &grace;
  sweep_options.save_grace = !what_if && !trail_failed;

  asio::io_context io;
  sweep::SweepResult result;
  {
    http::CurlMultiTransport transport(io, {.max_in_flight = settings.concurrency});
    whm::WhmClient client(transport, whm::client_options(settings));
    auto work = [&]() -> asio::awaitable<void> {
      bool rotate = writer != nullptr;
      if (writer != nullptr) {
        const auto reconciled =
            co_await enforce::reconcile_trail(client, full_configuration, *writer);
        if (reconciled.problem) {
          problems.push_back("reading the audit trail: " + *reconciled.problem);
        }
        if (reconciled.open > 0) {
          streams.err << "tokenwarden scan: reconciled " << reconciled.done.reconciled << " of "
                      << reconciled.open << " intent(s) left open by an earlier run\n";
        }
        // Open intents must stay in the current file to be found again.
        rotate = reconciled.done.deferred == 0 && reconciled.done.unrecorded == 0;
      }
      if (rotate) {
        if (auto rotated = writer->rotate_if_due(); !rotated) {
          problems.push_back("rotating the audit trail: " + rotated.error());
        }
      }
      result = co_await sweep::run_sweep(client, *configuration, *policies, writer, sweep_options);
    };
    asio::co_spawn(io, work(), [](std::exception_ptr error) {
      if (error) std::rethrow_exception(error);
    });
    io.run();
  }
  std::ranges::move(result.problems, std::back_inserter(problems));

  report::PlanReport plan_report{
      result.evaluation.plan, policies->hash, *now, result.evaluation.tokens,
      result.uncovered,       !enforce,       {}};
  if (enforce) plan_report.outcomes = sweep::outcomes(result);
  streams.out << report::render_plan(plan_report, *format);

  int status = kExitOk;
  if (!result.uncovered.empty() || result.summary.failed > 0) status = kExitIncomplete;
  if (enforce) {
    for (const auto& execution : result.executions) {
      if (!execution.sent && execution.withheld) status = kExitIncomplete;
    }
  }
  if (trail_failed || (writer != nullptr && writer->failed())) status = kExitIoError;
  for (const auto& problem : problems)
    streams.err << "tokenwarden scan: ERROR: " << problem << "\n";
  if (writer != nullptr) {
    (void)writer->append(audit::run_stopped(status, status == kExitOk ? "done" : "see sweep"));
    if (auto closed = writer->close(); !closed && status != kExitIoError) {
      streams.err << "tokenwarden scan: ERROR: closing the audit trail: " << closed.error() << "\n";
      status = kExitIoError;
    }
  }
  return status;
}

}  // namespace tw::cli
