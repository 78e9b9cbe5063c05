#include "tests/config/yaml_schema.h"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <regex>
#include <set>
#include <string_view>

namespace tw::config::testing {
namespace {

namespace json = boost::json;

// A YAML node's JSON type, as a YAML 1.2 core schema reader sees it.
std::string type_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "object";
    case YAML::NodeType::Sequence:
      return "array";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "null";
    case YAML::NodeType::Scalar:
      break;
  }
  if (node.Tag() == "!") return "string";  // quoted
  const std::string& text = node.Scalar();
  if (text == "true" || text == "false") return "boolean";
  if (text == "null" || text == "~" || text.empty()) return "null";
  if (std::regex_match(text, std::regex("[-+]?[0-9]+"))) return "integer";
  if (std::regex_match(text,
                       std::regex(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)"))) {
    return "number";
  }
  return "string";
}

bool has_type(const YAML::Node& node, std::string_view type) {
  const std::string actual = type_of(node);
  return actual == type || (type == "number" && actual == "integer");
}

// JSON value == YAML node, for enum and const.
bool equals(const json::value& value, const YAML::Node& node) {
  if (value.is_string()) {
    return has_type(node, "string") && node.Scalar() == std::string_view(value.as_string());
  }
  if (value.is_bool()) {
    return has_type(node, "boolean") && (node.Scalar() == "true") == value.as_bool();
  }
  if (value.is_int64()) {
    return has_type(node, "integer") && std::stoll(node.Scalar()) == value.as_int64();
  }
  if (value.is_null()) return has_type(node, "null");
  return false;  // arrays and objects in enum: not needed
}

class Validator {
 public:
  explicit Validator(const json::value& root) : root_(root) {}

  void check(const json::value& schema, const YAML::Node& node, const std::string& path);
  std::vector<std::string> take() { return std::move(errors_); }

 private:
  // True when `node` conforms to `schema` (errors discarded): for anyOf, not and if.
  bool conforms(const json::value& schema, const YAML::Node& node) {
    Validator inner(root_);
    inner.check(schema, node, "");
    return inner.errors_.empty();
  }
  const json::value& resolve(std::string_view ref, const std::string& path);
  void fail(const std::string& path, const std::string& message) {
    errors_.push_back((path.empty() ? "(root)" : path) + ": " + message);
  }

  const json::value& root_;
  std::vector<std::string> errors_;
};

const json::value& Validator::resolve(std::string_view ref, const std::string& path) {
  static const json::value kNothing;
  if (!ref.starts_with("#/")) {
    fail(path, "unsupported $ref " + std::string(ref));
    return kNothing;
  }
  std::error_code error;
  const json::value* target = root_.find_pointer(ref.substr(1), error);
  if (target == nullptr) {
    fail(path, "dangling $ref " + std::string(ref));
    return kNothing;
  }
  return *target;
}

void Validator::check(const json::value& schema, const YAML::Node& node, const std::string& path) {
  if (schema.is_bool()) {
    if (!schema.as_bool()) fail(path, "not allowed here");
    return;
  }
  if (!schema.is_object()) {
    fail(path, "schema is not an object");
    return;
  }
  static const std::set<std::string_view> kAnnotations{"$schema", "$id",         "$defs",
                                                       "title",   "description", "examples"};
  const json::object& object = schema.as_object();
  for (const auto& [key, value] : object) {
    if (kAnnotations.contains(key)) continue;
    if (key == "$ref") {
      check(resolve(value.as_string(), path), node, path);
    } else if (key == "type") {
      bool any = false;
      if (value.is_string()) {
        any = has_type(node, value.as_string());
      } else {
        for (const auto& type : value.as_array()) any = any || has_type(node, type.as_string());
      }
      if (!any) fail(path, "expected type " + json::serialize(value) + ", got " + type_of(node));
    } else if (key == "enum") {
      bool any = false;
      for (const auto& option : value.as_array()) any = any || equals(option, node);
      if (!any) fail(path, "not one of the enum values");
    } else if (key == "const") {
      if (!equals(value, node)) fail(path, "not " + json::serialize(value));
    } else if (key == "pattern") {
      if (has_type(node, "string") &&
          !std::regex_search(node.Scalar(), std::regex(std::string(value.as_string())))) {
        fail(path, "'" + node.Scalar() + "' does not match " + json::serialize(value));
      }
    } else if (key == "minimum") {
      if (has_type(node, "integer") && std::stoll(node.Scalar()) < value.as_int64()) {
        fail(path, "below the minimum");
      }
    } else if (key == "minItems") {
      if (node.IsSequence() && static_cast<std::int64_t>(node.size()) < value.as_int64())
        fail(path, "too few items");
    } else if (key == "items") {
      if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
          check(value, node[i], path + "[" + std::to_string(i) + "]");
        }
      }
    } else if (key == "minProperties") {
      if (node.IsMap() && static_cast<std::int64_t>(node.size()) < value.as_int64())
        fail(path, "too few properties");
    } else if (key == "required") {
      if (node.IsMap()) {
        for (const auto& name : value.as_array()) {
          if (!node[std::string(name.as_string())]) {
            fail(path, "missing required property " + json::serialize(name));
          }
        }
      }
    } else if (key == "properties" || key == "additionalProperties") {
      if (!node.IsMap()) continue;
      const json::object* properties =
          object.contains("properties") ? &object.at("properties").as_object() : nullptr;
      for (const auto& pair : node) {
        const std::string name = pair.first.Scalar();
        const std::string child = path.empty() ? name : path + "." + name;
        const json::value* property = properties ? properties->if_contains(name) : nullptr;
        if (key == "properties" && property != nullptr) check(*property, pair.second, child);
        if (key == "additionalProperties" && property == nullptr) check(value, pair.second, child);
      }
    } else if (key == "allOf") {
      for (const auto& sub : value.as_array()) check(sub, node, path);
    } else if (key == "anyOf") {
      bool any = false;
      for (const auto& sub : value.as_array()) any = any || conforms(sub, node);
      if (!any) fail(path, "matches none of anyOf");
    } else if (key == "oneOf") {
      int count = 0;
      for (const auto& sub : value.as_array()) count += conforms(sub, node) ? 1 : 0;
      if (count != 1) fail(path, "matches " + std::to_string(count) + " of oneOf");
    } else if (key == "not") {
      if (conforms(value, node)) fail(path, "matches a schema it must not match");
    } else if (key == "if") {
      const bool holds = conforms(value, node);
      if (holds && object.contains("then")) check(object.at("then"), node, path);
      if (!holds && object.contains("else")) check(object.at("else"), node, path);
    } else if (key == "then" || key == "else") {
      // handled with "if"
    } else {
      fail(path, "the test validator does not implement the keyword " + std::string(key));
    }
  }
}

}  // namespace

std::vector<std::string> validate_yaml(const boost::json::value& schema,
                                       const YAML::Node& document) {
  return validate_yaml(schema, schema, document);
}

std::vector<std::string> validate_yaml(const boost::json::value& root,
                                       const boost::json::value& schema,
                                       const YAML::Node& document) {
  Validator validator(root);
  validator.check(schema, document, "");
  return validator.take();
}

}  // namespace tw::config::testing
