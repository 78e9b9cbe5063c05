#pragma once
// A small JSON Schema (draft 2020-12) validator for YAML documents, enough for
// docs/policy.schema.json: it checks a YAML node the way an editor's YAML language server
// does (plain scalars typed by YAML 1.2's core schema, quoted ones are strings). A schema
// keyword it does not implement is reported as an error, never silently ignored.

#include <yaml-cpp/node/node.h>

#include <boost/json/value.hpp>
#include <string>
#include <vector>

namespace tw::config::testing {

// The problems of `document` against `schema` (empty: it conforms), each as `path: what`.
// `schema` is the root schema; `$ref`s resolve within it (`#/$defs/name`).
[[nodiscard]] std::vector<std::string> validate_yaml(const boost::json::value& schema,
                                                     const YAML::Node& document);

// The same for a sub-schema of the root (a `$defs` entry), e.g. to test one pattern.
[[nodiscard]] std::vector<std::string> validate_yaml(const boost::json::value& root,
                                                     const boost::json::value& schema,
                                                     const YAML::Node& document);

}  // namespace tw::config::testing
