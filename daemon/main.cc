// tokenwarden: one binary, one subcommand per job (see `tokenwarden --help`).

#include <sys/prctl.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "daemon/cli/commands.h"
#include "daemon/cli/exit_codes.h"

namespace {

constexpr const char* kUsage =
    "usage: tokenwarden COMMAND [OPTIONS]\n"
    "\n"
    "Keeps the API tokens of a fleet of cPanel WHM servers within policy.\n"
    "\n"
    "Commands:\n"
    "  run         the daemon: sweep every host once per interval (systemd runs it)\n"
    "  inventory   list every token on every host (table, JSON or CSV)\n"
    "  check       validate the configuration, credentials and policies\n"
    "  scan        one sweep now: list, evaluate, plan; with --enforce, fix or revoke\n"
    "  plan        evaluate the policies offline against a recorded token list\n"
    "  test        run policy unit tests\n"
    "  audit       verify the audit trail's hash chain, or report on it for auditors\n"
    "\n"
    "Run `tokenwarden COMMAND --help` for a command's options.\n"
    "  --help      show this text\n"
    "  --version   show the version\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace tw::cli;
  // The process holds API tokens in memory: no core dump, no ptrace by other processes of the
  // same user. And TLS session keys are never written out, whoever set SSLKEYLOGFILE.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  unsetenv("SSLKEYLOGFILE");
  // A file-size limit (RLIMIT_FSIZE, systemd's LimitFSIZE=) must not kill the process in the
  // middle of a sweep: the audit trail's write then fails with EFBIG, and the trail writer
  // stops every further mutation and says so.
  std::signal(SIGXFSZ, SIG_IGN);
  const std::vector<std::string_view> words(argv + 1, argv + argc);
  const Streams streams{std::cout, std::cerr};
  if (words.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string_view command = words.front();
  const std::vector<std::string_view> rest(words.begin() + 1, words.end());
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (command == "--version") {
      std::cout << "tokenwarden " << TOKENWARDEN_VERSION << "\n";
      return kExitOk;
    }
    if (command == "inventory") return run_inventory(rest, streams);
    if (command == "check") return run_check(rest, streams);
    if (command == "run") return run_daemon(rest, streams);
    if (command == "scan") return run_scan(rest, streams);
    if (command == "plan") return run_plan(rest, streams);
    if (command == "test") return run_test(rest, streams);
    if (command == "audit") return run_audit(rest, streams);
  } catch (const std::exception& e) {
    std::cerr << "tokenwarden: internal error: " << e.what() << "\n";
    return kExitSoftware;
  }
  std::cerr << "tokenwarden: unknown command '" << command << "'\n\n" << kUsage;
  return kExitUsage;
}
