#include "tests/support/process/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "tests/support/process/run_process.h"

extern char** environ;

namespace tw::testing {
namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// `text` with control characters and bytes outside ASCII as \xNN (newlines and tabs kept),
// as run_process echoes.
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\t' || (byte >= 0x20 && byte < 0x7f)) {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(byte));
      out += hex;
    }
  }
  return out;
}

// The first kEchoLimit bytes, and the last kEchoLimit when there is more (a daemon's last
// words are what explain how it ended).
void echo(const std::vector<std::string>& argv, std::string_view stream, std::string_view text) {
  std::string command;
  for (const auto& arg : argv) command += (command.empty() ? "" : " ") + arg;
  if (command.size() > 200) command = command.substr(0, 200) + "...";
  std::string out = "----- " + std::string(stream) + " of `" + escaped(command) +
                    "` (background): " + std::to_string(text.size()) + " bytes";
  const bool cut = text.size() > 2 * kEchoLimit;
  if (cut) {
    out += ", the first and last " + std::to_string(kEchoLimit) + " shown";
  }
  out += " -----\n";
  if (cut) {
    out += escaped(text.substr(0, kEchoLimit));
    if (!out.ends_with('\n')) out += '\n';
    out += "----- [" + std::to_string(text.size() - 2 * kEchoLimit) + " bytes left out] -----\n";
    out += escaped(text.substr(text.size() - kEchoLimit));
  } else {
    out += escaped(text);
  }
  if (!out.ends_with('\n')) out += '\n';
  out += "----- end of " + std::string(stream) + " -----\n";
  std::cout << out << std::flush;
}

int open_output(const std::filesystem::path& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw_errno("open child output file");
  return fd;
}

std::atomic<unsigned> child_counter{0};

}  // namespace

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

ChildProcess ChildProcess::start(const std::vector<std::string>& argv,
                                 const ChildOptions& options) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess::start: empty argv");
  if (options.output_dir.empty()) throw std::invalid_argument("ChildProcess: no output_dir");
  std::filesystem::create_directories(options.output_dir);
  ChildProcess child;
  child.argv_ = argv;
  child.echo_output_ = options.echo_output;
  const std::string base = options.name + "-" + std::to_string(++child_counter);
  child.stdout_path_ = options.output_dir / (base + ".stdout");
  child.stderr_path_ = options.output_dir / (base + ".stderr");

  // Everything the child needs is prepared before fork(): between fork and exec only
  // async-signal-safe calls (other threads, such as the mock fleet's, may hold locks).
  std::vector<std::string> environment;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    if (!options.extra_environment.contains(name) && !options.removed_environment.contains(name)) {
      environment.push_back(entry);
    }
  }
  for (const auto& [name, value] : options.extra_environment) {
    environment.push_back(name + "=" + value);
  }
  std::vector<char*> env_pointers;
  for (auto& entry : environment) env_pointers.push_back(entry.data());
  env_pointers.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers;
  for (auto& arg : args) arg_pointers.push_back(arg.data());
  arg_pointers.push_back(nullptr);

  const int out_fd = open_output(child.stdout_path_);
  const int err_fd = open_output(child.stderr_path_);
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(out_fd);
    close(err_fd);
    if (devnull >= 0) close(devnull);
    throw_errno("fork");
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    // The child starts with default signal dispositions and an empty mask, as under systemd.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  if (devnull >= 0) close(devnull);
  child.pid_ = pid;
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : argv_(std::move(other.argv_)),
      pid_(std::exchange(other.pid_, -1)),
      reaped_(other.reaped_),
      echoed_(std::exchange(other.echoed_, true)),
      echo_output_(other.echo_output_),
      exit_(other.exit_),
      stdout_path_(std::move(other.stdout_path_)),
      stderr_path_(std::move(other.stderr_path_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    finish();
    argv_ = std::move(other.argv_);
    pid_ = std::exchange(other.pid_, -1);
    reaped_ = other.reaped_;
    echoed_ = std::exchange(other.echoed_, true);
    echo_output_ = other.echo_output_;
    exit_ = other.exit_;
    stdout_path_ = std::move(other.stdout_path_);
    stderr_path_ = std::move(other.stderr_path_);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  finish();
}

void ChildProcess::finish() {
  if (pid_ <= 0) return;
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    try_reap(true);
  }
  if (!echoed_) {
    echoed_ = true;
    if (echo_output_) {
      echo(argv_, "stdout", out());
      echo(argv_, "stderr", err());
    }
  }
}

bool ChildProcess::try_reap(bool block) {
  if (reaped_) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t got = 0;
  do {
    got = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (got < 0 && errno == EINTR);
  if (got == 0) return false;
  if (got < 0) throw_errno("waitpid");
  reaped_ = true;
  exit_ = {};
  if (WIFEXITED(status)) exit_.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) exit_.signal = WTERMSIG(status);
  return true;
}

bool ChildProcess::running() {
  return pid_ > 0 && !try_reap(false);
}

bool ChildProcess::signal(int signal_number) {
  if (pid_ <= 0 || try_reap(false)) return false;
  return ::kill(pid_, signal_number) == 0;
}

ChildExit ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!try_reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ChildExit timed_out;
      timed_out.timed_out = true;
      return timed_out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_;
}

ChildExit ChildProcess::kill_and_wait() {
  if (pid_ <= 0) return exit_;
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    try_reap(true);
  }
  return exit_;
}

std::string ChildProcess::out() const {
  return read_text_file(stdout_path_);
}
std::string ChildProcess::err() const {
  return read_text_file(stderr_path_);
}

}  // namespace tw::testing
