#include <algorithm>
#include <map>

#include "daemon/cli/arguments.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/exit_codes.h"
#include "daemon/cli/policy_loading.h"
#include "daemon/policytest/test_case.h"

namespace tw::cli {
namespace {

constexpr const char* kUsage =
    "usage: tokenwarden test [DIR|FILE...] [--policies DIR]\n"
    "\n"
    "Runs policy unit tests: each *.yaml file holds tokens, a time and the expected outcome\n"
    "per token (see docs/policy.md). Prints one line per test and `N passed, N failed`;\n"
    "exit 0 when all pass, 1 when one fails, 78 when a test or policy file is invalid.\n"
    "\n"
    "  DIR|FILE        test files, or directories of them (default: policy-tests)\n"
    "  --policies DIR  the policies to test (default: each file's `policies`)\n";

std::vector<std::filesystem::path> test_files(const std::vector<std::string>& targets,
                                              std::ostream& err, bool& ok) {
  std::vector<std::filesystem::path> files;
  for (const auto& target : targets) {
    std::error_code ec;
    if (std::filesystem::is_directory(target, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(target, ec)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(entry);
      }
      std::ranges::sort(found);
      if (found.empty()) {
        err << target << ": no *.yaml test files\n";
        ok = false;
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(target, ec)) {
      files.emplace_back(target);
    } else {
      err << target << ": no such file or directory\n";
      ok = false;
    }
  }
  return files;
}

}  // namespace

int run_test(const std::vector<std::string_view>& args, Streams streams) {
  auto arguments =
      read_command_line("test", args, {{"--policies"}, {}}, kUsage, true, streams.out, streams.err);
  if (!arguments) return arguments.error();
  auto targets = arguments->positional();
  if (targets.empty()) targets.emplace_back("policy-tests");
  bool ok = true;
  const auto files = test_files(targets, streams.err, ok);
  if (!ok) return kExitConfig;

  std::map<std::filesystem::path, std::optional<policy::PolicySet>> policy_sets;
  int passed = 0;
  int failed = 0;
  bool invalid = false;
  for (const auto& file : files) {
    auto test = policytest::read_test_case(file);
    if (!test) {
      streams.err << test.error() << "\n";
      invalid = true;
      continue;
    }
    const std::filesystem::path dir = arguments->value("--policies")
                                          ? std::filesystem::path(*arguments->value("--policies"))
                                          : test->policies;
    if (dir.empty()) {
      streams.err << file.string() << ": no policies: set `policies:` or pass --policies\n";
      invalid = true;
      continue;
    }
    // Each test's own `now` judges exemption expiry, so the set is loaded per time.
    auto& set = policy_sets[dir / std::to_string(test->now)];
    if (!set) set = load_policy_set(dir, test->now, streams.err);
    if (!set) {
      invalid = true;
      continue;
    }
    const auto mismatches = policytest::check(*test, *set);
    const std::string name = file.filename().string() +
                             (test->description.empty() ? "" : " (" + test->description + ")");
    if (mismatches.empty()) {
      ++passed;
      streams.out << "PASS " << name << "\n";
    } else {
      ++failed;
      streams.out << "FAIL " << name << "\n";
      for (const auto& m : mismatches) streams.out << "     " << m << "\n";
    }
  }
  streams.out << passed << " passed, " << failed << " failed\n";
  if (invalid) return kExitConfig;
  return failed == 0 ? kExitOk : kExitIncomplete;
}

}  // namespace tw::cli
