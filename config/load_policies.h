#pragma once
// Reads a directory of policy files into a policy::PolicySet (policy/policy.h). The file
// format is documented in docs/policy.md, its JSON Schema in docs/policy.schema.json.

#include <expected>
#include <filesystem>

#include "config/config_error.h"
#include "policy/policy.h"

namespace tw::config {

// Loads every `*.yaml` and `*.yml` file of `directory` (not hidden ones, not subdirectories),
// in byte-wise order of their names; each may hold `rules`, `exemptions`, `protected` and
// `third_party_acls`. Rule ids are unique across the files; an exemption may name rules of any
// file; third-party ACLs declared in any file may be used in every file.
//
// `now` is only used to refuse exemptions that have expired (expires <= now); nothing here
// reads a clock. The set's `hash` is the SHA-256 (hex) over, for each file in order, its name
// and its bytes, each written as a netstring (`<length>:<bytes>,`): the policy version.
//
// On failure returns every error found, in file order, each naming file:line:column, the YAML
// path and, inside a rule, the rule's id (`rule 'max-age': rules[1].grace: ...`).
[[nodiscard]] std::expected<policy::PolicySet, ConfigErrors> load_policies(
    const std::filesystem::path& directory, policy::EpochSeconds now);

// Loads one policy file as a set of its own (for `tokenwarden test` fixtures and tools); the
// same format and checks as load_policies(), with the hash over that file alone.
[[nodiscard]] std::expected<policy::PolicySet, ConfigErrors> load_policy_file(
    const std::filesystem::path& file, policy::EpochSeconds now);

}  // namespace tw::config
