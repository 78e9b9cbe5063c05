#include <cstdlib>

#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_loading.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/logging.h"
#include "daemon/run/daemon.h"

namespace tw::cli {
namespace {

constexpr const char* kUsage =
    "usage: tokenwarden run [--config FILE] [--log-level LEVEL]\n"
    "\n"
    "The daemon, in the foreground (systemd runs it: Type=notify). Sweeps every host once per\n"
    "`interval`, each at its own offset inside the interval; enforces when the configuration\n"
    "says `mode: enforce`, else records what it would do. SIGHUP reloads the configuration and\n"
    "policies (the old ones go on if the new ones are invalid), SIGUSR1 reopens the audit\n"
    "trail, SIGTERM stops after the mutation in flight.\n"
    "\n"
    "  --config FILE     configuration file (default /etc/tokenwarden/tokenwarden.yaml)\n"
    "  --log-level LEVEL diagnostics on stderr, for journald (default info)\n"
    "\n"
    "Exit status: 0 stopped by a signal; 64 bad command line; 74 the audit trail cannot be\n"
    "opened; 78 bad configuration or policies.\n";

}  // namespace

int run_daemon(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments = read_command_line("run", args, {{"--config", "--log-level"}, {}}, kUsage, false,
                                     streams.out, streams.err);
  if (!arguments) return arguments.error();
  if (!set_up_logging(arguments->value("--log-level").value_or("info"))) {
    streams.err << "tokenwarden run: unknown --log-level\n";
    return kExitUsage;
  }
  run::DaemonOptions options;
  options.config_file = arguments->value("--config").value_or(kDefaultConfigPath);
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir != nullptr && *dir != '\0') {
    options.credentials_directory = std::filesystem::path(dir);
  }
  options.version = TOKENWARDEN_VERSION;
  return run::Daemon::run(options);
}

}  // namespace tw::cli
