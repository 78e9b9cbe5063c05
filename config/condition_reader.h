#pragma once
// Reads a rule's `when`: the conditions that describe what is wrong with a token. Internal to
// config/.

#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/policy_draft.h"
#include "config/yaml_reader.h"
#include "policy/policy.h"

namespace tw::config {

struct ConditionsRead {
  policy::Conditions conditions;
  // False when a condition was written wrong (and reported): checks that depend on which
  // conditions the rule has are then skipped, so that one mistake gives one error.
  bool complete = false;
};

// Reads `when` (a mapping of at least one condition), checks each condition and the ones that
// conflict, and appends every ACL name it names to `acl_names` (known ACLs are checked once all
// files are read). `file` and the diagnostics' subject go into those references.
[[nodiscard]] ConditionsRead read_conditions(Diagnostics& diagnostics, const Field& when,
                                             std::size_t file, std::vector<Reference>& acl_names);

}  // namespace tw::config
