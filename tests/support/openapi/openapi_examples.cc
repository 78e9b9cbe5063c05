#include "tests/support/openapi/openapi_examples.h"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <stdexcept>

namespace tw::testing {
namespace json = boost::json;

namespace {

// YAML scalars to JSON: integers stay integers, null stays null.
json::value scalar(const YAML::Node& node) {
  if (node.IsNull()) return nullptr;
  const std::string text = node.Scalar();
  if (node.Tag() != "!" && !text.empty() &&
      text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  if (text == "null" || text == "~") return nullptr;
  return json::value(text);
}

json::value from_yaml(const YAML::Node& node) {
  if (node.IsMap()) {
    json::object o;
    for (const auto& item : node) o[item.first.as<std::string>()] = from_yaml(item.second);
    return o;
  }
  if (node.IsSequence()) {
    json::array a;
    for (const auto& item : node) a.push_back(from_yaml(item));
    return a;
  }
  return scalar(node);
}

// The example of a schema node: its own `example`, else one assembled from its parts:
// `$ref` (local components only), `allOf` (merged), `anyOf` (the first alternative, which in
// the extract is the success shape) and `properties`.
json::value example_of(const YAML::Node& spec, const YAML::Node& schema) {
  if (schema["$ref"]) {
    const auto ref = schema["$ref"].as<std::string>();
    const std::string prefix = "#/components/schemas/";
    if (!ref.starts_with(prefix)) throw std::runtime_error("unsupported $ref " + ref);
    return example_of(spec, spec["components"]["schemas"][ref.substr(prefix.size())]);
  }
  if (schema["example"]) return from_yaml(schema["example"]);
  if (schema["allOf"]) {
    json::object merged;
    for (const auto& part : schema["allOf"]) {
      const auto value = example_of(spec, part);
      if (value.is_object()) {
        for (const auto& [key, item] : value.get_object()) merged[key] = item;
      }
    }
    return merged;
  }
  if (schema["anyOf"]) return example_of(spec, schema["anyOf"][0]);
  if (schema["properties"]) {
    json::object o;
    for (const auto& property : schema["properties"]) {
      o[property.first.as<std::string>()] = example_of(spec, property.second);
    }
    return o;
  }
  return nullptr;
}

}  // namespace

std::string openapi_path() {
  return std::string(TOKENWARDEN_SOURCE_DIR) + "/../shared/whm-openapi/whm-api-tokens.openapi.yml";
}

json::value openapi_example_response(const std::string& function) {
  const YAML::Node spec = YAML::LoadFile(openapi_path());
  const YAML::Node operation = spec["paths"]["/" + function]["get"];
  if (!operation) throw std::runtime_error("no GET /" + function + " in the OpenAPI extract");
  return example_of(spec, operation["responses"]["200"]["content"]["application/json"]["schema"]);
}

}  // namespace tw::testing
