// Checks the mock's answers against cPanel's own OpenAPI text for the token functions
// (../shared/whm-openapi/whm-api-tokens.openapi.yml, read at test time, never copied): the
// fields of the schemas and examples, and the normalised whitelist the examples show.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/ip_range.h"
#include "tests/support/mock_whm/test_fleet.h"

namespace tw::mock::testing {
namespace {

namespace json = boost::json;
using Keys = std::set<std::string>;

constexpr const char* kSpecPath =
    TOKENWARDEN_SOURCE_DIR "/../shared/whm-openapi/whm-api-tokens.openapi.yml";

YAML::Node response_schema(const YAML::Node& spec, const std::string& function) {
  return spec["paths"]["/" + function]["get"]["responses"]["200"]["content"]["application/json"]
             ["schema"];
}

Keys yaml_keys(const YAML::Node& map) {
  Keys keys;
  for (const auto& entry : map) keys.insert(entry.first.as<std::string>());
  return keys;
}

Keys json_keys(const json::value& object) {
  Keys keys;
  for (const auto& entry : object.as_object()) keys.insert(std::string(entry.key()));
  return keys;
}

std::vector<std::string> strings(const YAML::Node& list) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(item.as<std::string>());
  return out;
}

// The spec's examples render every address exactly as the mock does, but list
// `fc00:abcd::f` before `2620:0:28a4::/48`: the order the caller typed them, not the
// "v4 first, then by integer address" order whm-api.md §5 reads from the source. The mock
// follows the source; this puts the example's entries in that order so the renderings can be
// compared one by one.
std::vector<std::string> sorted_like_whm(std::vector<std::string> ips) {
  std::stable_sort(ips.begin(), ips.end(), [](const std::string& a, const std::string& b) {
    return parse_ip_range(a)->sorts_before(*parse_ip_range(b));
  });
  return ips;
}

class OpenApiTest : public FleetTest {
 protected:
  void SetUp() override {
    spec_ = YAML::LoadFile(kSpecPath);
    start_fleet();
    client_ = client();
  }
  YAML::Node spec_;
  std::unique_ptr<HttpsClient> client_;
};

TEST_F(OpenApiTest, CreateHasTheSpecFieldsAndNormalisesItsWhitelistExample) {
  const YAML::Node data = response_schema(spec_, "api_token_create")["properties"]["data"];
  const auto example_ips = strings(data["properties"]["whitelist_ips"]["example"]);
  ASSERT_EQ(example_ips.size(), 5U);
  // The same addresses as a caller would type them (the spec's request example spelling).
  const auto r =
      call(*client_, "api_token_create",
           "token_name=example&acl-0=kill-acct&whitelist_ip-0=1.1.1.1&whitelist_ip-1=1.1.1.2"
           "&whitelist_ip-2=1.1.1.8/29&whitelist_ip-3=fc00:abcd::f"
           "&whitelist_ip-4=2620:0:28a4::/48&expires_at=4102444800");
  const json::value body = r.json();
  EXPECT_EQ(json_keys(body.at("data")), yaml_keys(data["properties"]));
  EXPECT_EQ(json_keys(body.at("metadata")),
            yaml_keys(response_schema(spec_,
                                      "api_token_create")["properties"]["metadata"]["properties"]));
  std::vector<std::string> ips;
  for (const auto& ip : body.at("data").at("whitelist_ips").as_array())
    ips.emplace_back(ip.as_string());
  EXPECT_EQ(sorted_like_whm(example_ips), ips);
  EXPECT_EQ(body.at("data").at("token").as_string().size(),
            data["properties"]["token"]["example"].as<std::string>().size());
}

TEST_F(OpenApiTest, ListEntriesHaveTheFieldsOfTheSpecExample) {
  const YAML::Node tokens =
      response_schema(spec_, "api_token_list")["properties"]["data"]["properties"]["tokens"];
  const YAML::Node example = tokens["example"];
  ASSERT_TRUE(example["my-controller-token"]);
  call(*client_, "api_token_create",
       "token_name=my-controller-token&acl=limit-bandwidth&acl-1=list-accts&acl-2=suspend-acct"
       "&whitelist_ip=192.0.2.1&whitelist_ip-1=192.0.2.2&whitelist_ip-2=192.0.2.8/29"
       "&whitelist_ip-3=fc00:abcd::f&whitelist_ip-4=2620:0:28a4::/48");
  call(*client_, "api_token_create", "token_name=my-read-only-token&acl=list-accts");
  const json::value listed = call(*client_, "api_token_list").json();
  for (const auto& entry : example) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node expected = entry.second;
    const json::value& got = listed.at("data").at("tokens").at(name);
    EXPECT_EQ(json_keys(got), yaml_keys(expected)) << name;
    EXPECT_EQ(json_keys(got), yaml_keys(tokens["additionalProperties"]["properties"])) << name;
    // Every ACL of the example is in the map with the example's value.
    for (const auto& acl : expected["acls"]) {
      const std::string acl_name = acl.first.as<std::string>();
      EXPECT_TRUE(is_known_acl(acl_name)) << acl_name;
      EXPECT_EQ(got.at("acls").at(acl_name).as_int64(), acl.second.as<int>())
          << name << " " << acl_name;
    }
    if (expected["whitelist_ips"].IsNull()) {
      EXPECT_TRUE(got.at("whitelist_ips").is_null()) << name;
    } else {
      std::vector<std::string> ips;
      for (const auto& ip : got.at("whitelist_ips").as_array()) ips.emplace_back(ip.as_string());
      EXPECT_EQ(ips, sorted_like_whm(strings(expected["whitelist_ips"]))) << name;
    }
  }
}

TEST_F(OpenApiTest, UpdateAndGetDetailsUseTheTokenDetailsFields) {
  const YAML::Node details = spec_["components"]["schemas"]["TokenDetails"]["properties"];
  const YAML::Node update =
      response_schema(spec_, "api_token_update")["properties"]["data"]["properties"];
  const auto created =
      call(*client_, "api_token_create", "token_name=t&acl=list-accts&whitelist_ip=192.0.2.1")
          .json();
  const std::string secret(created.at("data").at("token").as_string());
  const auto updated = call(*client_, "api_token_update", "token_name=t&new_name=example").json();
  EXPECT_EQ(json_keys(updated.at("data")), yaml_keys(update));
  const auto got = call(*client_, "api_token_get_details", "token=" + secret).json();
  EXPECT_EQ(json_keys(got.at("data")), yaml_keys(details));
  // "Token Unrecognized": metadata only.
  const auto unknown =
      call(*client_, "api_token_get_details", "token=GVJWD78FF12NMBFKYKPS9BJ483C0XSQH").json();
  EXPECT_EQ(json_keys(unknown), Keys{"metadata"});
  EXPECT_EQ(json_keys(unknown.at("metadata")),
            yaml_keys(spec_["components"]["schemas"]["Metadata"]["properties"]));
}

}  // namespace
}  // namespace tw::mock::testing
