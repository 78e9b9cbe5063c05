#include <ostream>

#include "config/fleet.h"
#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_loading.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/policy_loading.h"

namespace tw::cli {
namespace {

constexpr const char* kUsage =
    "usage: tokenwarden check [--config FILE] [--policies DIR] [--now TIME]\n"
    "\n"
    "Validates the configuration, the credential files it names and the policies, and prints\n"
    "a summary, or every error as file:line:column: message. Exit 0, or 78 on any error.\n"
    "\n"
    "  --config FILE   configuration file (default /etc/tokenwarden/tokenwarden.yaml)\n"
    "  --policies DIR  policies directory (default: the configuration's `policies`)\n"
    "  --now TIME      judge exemption expiry at this UTC time (default: now)\n";

// Mutations need `mode: enforce`, `audit` and `state_dir` (and `scan --enforce`); what is
// missing is said here, so that `check` explains a refusal before a sweep does.
void print_enforcement_settings(const config::Settings& settings, std::ostream& out) {
  constexpr const char* kRefused = "not set; enforcement is refused without it";
  out << "  mode: " << (settings.mode == config::Mode::enforce ? "enforce" : "dry-run") << "\n";
  out << "  audit: ";
  if (settings.audit) {
    out << settings.audit->path.string() << " (rotated at " << settings.audit->max_bytes
        << " bytes)\n";
  } else {
    out << kRefused << "\n";
  }
  out << "  state_dir: " << (settings.state_dir.empty() ? kRefused : settings.state_dir.string())
      << "\n";
}

}  // namespace

int run_check(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments = read_command_line("check", args, {{"--config", "--policies", "--now"}, {}},
                                     kUsage, false, streams.out, streams.err);
  if (!arguments) return arguments.error();
  const auto now = evaluation_time(arguments->value("--now"), streams.err);
  if (!now) return kExitUsage;
  const auto configuration = load_configuration(arguments->value("--config"), streams.err);
  // With --policies, the policies are checked even when the configuration is broken, so one
  // run shows every error.
  std::filesystem::path policies_dir;
  if (const auto given = arguments->value("--policies")) {
    policies_dir = *given;
  } else if (configuration) {
    policies_dir = configuration->settings.policies_dir;
  }
  std::optional<policy::PolicySet> policies;
  if (policies_dir.empty()) {
    if (configuration) {
      streams.err << configuration->source.string()
                  << ": no policies: set `policies: DIR` in the configuration or pass --policies\n";
    }
  } else {
    policies = load_policy_set(policies_dir, *now, streams.err);
  }
  if (!configuration || !policies) return kExitConfig;

  std::size_t accounts = 0;
  for (const auto& host : configuration->hosts) accounts += host.accounts.size();
  streams.out << "configuration " << configuration->source.string() << ": OK\n"
              << "  hosts: " << configuration->hosts.size() << ", accounts: " << accounts
              << ", concurrency: " << configuration->settings.concurrency << "\n";
  print_enforcement_settings(configuration->settings, streams.out);
  streams.out << "policies " << policies_dir.string() << ": OK\n"
              << "  files: " << policies->files.size() << ", rules: " << policies->rules.size()
              << ", exemptions: " << policies->exemptions.size()
              << ", protected patterns: " << policies->protected_tokens.size() << "\n"
              << "  policy hash: sha256:" << policies->hash << "\n";
  return kExitOk;
}

}  // namespace tw::cli
