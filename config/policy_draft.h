#pragma once
// The policy set while its files are read, with the references that can only be checked once
// every file is in: ACL names (a later file may declare them in `third_party_acls`) and the
// rule ids exemptions name (the rule may live in another file). Internal to config/.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "config/yaml_reader.h"
#include "policy/policy.h"

namespace tw::config {

// Where something was written: the file (an index into PolicySet::files) and the field.
struct Reference {
  std::string name;  // the ACL name or rule id
  std::size_t file = 0;
  Field field;
  std::string subject;  // what the errors about it are about (`rule 'x'`); may be empty
};

struct PolicyDraft {
  policy::PolicySet set;             // rules, exemptions, protected, third_party_acls, files
  std::vector<Reference> acl_names;  // every ACL named in an `acls` condition
  std::vector<Reference> rule_ids;   // every rule id named in an exemption's `rules`
  // Every rule id defined so far (also of rules with errors), with its `file:line:column`.
  std::map<std::string, std::string, std::less<>> defined_rules;
};

}  // namespace tw::config
