#pragma once
// Runs a program as a background child process, as systemd runs a daemon: the test keeps
// working (talks to it, signals it) while it runs. stdout and stderr go to files, so a chatty
// child never blocks on a full pipe. For tests of `tokenwarden run`.
//
//   auto child = ChildProcess::start({tokenwarden_binary(), "run", "--config", file},
//                                    {.output_dir = dir.path()});
//   child.signal(SIGTERM);
//   const ChildExit exit = child.wait_for_exit(std::chrono::seconds(10));
//
// The destructor kills (SIGKILL) and reaps a child still running. Once the child has been
// reaped, what it wrote is echoed on our stdout (as run_process does: escaped, between marker
// lines), where CTest keeps it for scripts/check-no-secrets.sh.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tw::testing {

struct ChildOptions {
  std::map<std::string, std::string> extra_environment;  // added to (or replacing) ours
  std::set<std::string> removed_environment;             // taken out of ours (e.g. NOTIFY_SOCKET)
  // stdout and stderr go to `<output_dir>/<name>-<n>.stdout` and `.stderr` (n counts the
  // children of this test process). Required; created if missing.
  std::filesystem::path output_dir;
  std::string name = "child";
  bool echo_output = true;
};

struct ChildExit {
  int exit_code = -1;  // -1 when killed by a signal (then `signal` is set) or timed out
  int signal = 0;
  bool timed_out = false;  // still running when wait_for_exit gave up
};

class ChildProcess {
 public:
  // Starts `argv[0]` (a path) with `argv`, stdin from /dev/null. The child dies with SIGKILL
  // if this process dies first. Throws std::system_error when it cannot be started.
  [[nodiscard]] static ChildProcess start(const std::vector<std::string>& argv,
                                          const ChildOptions& options);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // SIGKILL and reap if still running, then echo its output.
  ~ChildProcess();

  [[nodiscard]] pid_t pid() const { return pid_; }
  // True until the child has exited (reaps it when it has).
  [[nodiscard]] bool running();
  // Sends `signal_number` to the child; false when it has already been reaped.
  bool signal(int signal_number);
  // Waits up to `timeout` for the child to exit. Returns how it ended, or timed_out. Once
  // reaped, later calls return the same result at once.
  ChildExit wait_for_exit(std::chrono::milliseconds timeout);
  // SIGKILL, then waits for it (no timeout: SIGKILL cannot be refused).
  ChildExit kill_and_wait();

  // What the child has written so far.
  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;
  [[nodiscard]] const std::filesystem::path& stdout_path() const { return stdout_path_; }
  [[nodiscard]] const std::filesystem::path& stderr_path() const { return stderr_path_; }

 private:
  ChildProcess() = default;
  bool try_reap(bool block);  // true when reaped (now or before)
  void finish();              // kill, reap, echo

  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  bool echoed_ = false;
  bool echo_output_ = true;
  ChildExit exit_;
  std::filesystem::path stdout_path_;
  std::filesystem::path stderr_path_;
};

// The whole content of the file at `path` ("" when it cannot be read).
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path);

}  // namespace tw::testing
