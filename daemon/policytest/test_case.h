#pragma once
// Policy unit tests (`tokenwarden test`), like `opa test`: a YAML file holds a token list, a
// time, the host it is on and the expected outcome per token; running it evaluates and plans
// with the real policy engine and compares. Format: docs/policy.md "Policy tests".

#include <expected>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "policy/evaluate.h"
#include "policy/plan.h"

namespace tw::policytest {

struct TestCase {
  std::filesystem::path file;
  std::string description;
  std::filesystem::path policies;  // resolved against the file's directory; may be empty
  policy::EpochSeconds now = 0;
  policy::HostSnapshot host;                  // one account with the listed tokens
  std::map<std::string, std::string> expect;  // token name -> outcome (see outcome_of)
};

// Reads one test file; the error names file:line:column.
[[nodiscard]] std::expected<TestCase, std::string> read_test_case(
    const std::filesystem::path& file);

// The outcome word for a token: `none` (no finding), `report`, `update`, `revoke` (due now),
// or the decision that holds it: `in-grace`, `held-by-cap`, `protected`, `exempted`, `unfixable`.
[[nodiscard]] std::string outcome_of(const policy::Plan& plan, const std::string& user,
                                     const std::string& token);

// Every mismatch between the expectations and the plan, one line each; empty when it passes.
[[nodiscard]] std::vector<std::string> check(const TestCase& test,
                                             const policy::PolicySet& policies);

}  // namespace tw::policytest
