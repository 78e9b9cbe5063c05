#pragma once
// Runs a program as a child process, as a user or systemd would, and captures what it prints.
// For tests that exercise the real binary end to end.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace tw::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when it was killed by a signal (then `signal` is set)
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::map<std::string, std::string> extra_environment;  // added to (or replacing) ours
  std::chrono::milliseconds timeout{60'000};             // then SIGKILL
  // Print what the child wrote (the first kEchoLimit bytes of stdout and of stderr, control
  // characters escaped, between marker lines) on our stdout. CTest keeps it in LastTest.log,
  // which scripts/check-no-secrets.sh searches for every known secret.
  bool echo_output = true;
};

inline constexpr std::size_t kEchoLimit = 8 * 1024;

// Runs `argv[0]` (a path) with `argv`. Throws std::system_error if it cannot be started.
[[nodiscard]] ProcessResult run_process(const std::vector<std::string>& argv,
                                        const ProcessOptions& options = {});

// The tokenwarden binary of this build.
[[nodiscard]] std::string tokenwarden_binary();

}  // namespace tw::testing
