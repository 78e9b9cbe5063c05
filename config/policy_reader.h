#pragma once
// Reads one policy file's YAML document into the policy set being built: its `rules`,
// `exemptions`, `protected` and `third_party_acls`. Internal to config/ (load_policies.h is
// the public face).

#include <yaml-cpp/node/node.h>

#include <cstddef>

#include "config/diagnostics.h"
#include "config/policy_draft.h"
#include "policy/token.h"

namespace tw::config {

// Reads `document` (a null node for a file without content) of the file `draft.set.files[file]`,
// reporting into `diagnostics` (that file's). Rule ids are checked for uniqueness against
// every rule read before, in any file; ACL names and the rule ids exemptions name are left in
// `draft` for load_policies to check once every file is read. Exemptions whose `expires` is at
// or before `now` are errors.
void read_policy_document(Diagnostics& diagnostics, const YAML::Node& document, std::size_t file,
                          policy::EpochSeconds now, PolicyDraft& draft);

}  // namespace tw::config
