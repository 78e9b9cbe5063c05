#pragma once
// Builds example WHM responses from cPanel's OpenAPI extract (../shared/whm-openapi/), so
// the parser is tested against the shapes cPanel documents and not only our own reading.

#include <boost/json/value.hpp>
#include <string>

namespace tw::testing {

// The path of the extract, from the source tree (tests load it, never copy it).
[[nodiscard]] std::string openapi_path();

// The example JSON body of the 200 response of `function` (e.g. "api_token_list"),
// assembled from the `example` values of its response schema.
[[nodiscard]] boost::json::value openapi_example_response(const std::string& function);

}  // namespace tw::testing
