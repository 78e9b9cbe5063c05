// The five token functions called directly on a token table: response shapes, normalisation,
// state changes and the error strings of whm-api.md §3.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/mock_whm/acl_catalog.h"
#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/whm_functions.h"

namespace tw::mock {
namespace {

namespace json = boost::json;
using Strings = std::vector<std::string>;
constexpr EpochSeconds kNow = 1'750'000'000;
constexpr std::string_view kCreateFail = "The system failed to create the API token: ";
constexpr std::string_view kUpdateFail = "The system failed to update the API token: ";

class FunctionsTest : public ::testing::Test {
 protected:
  FunctionsTest() {
    users_["root"].acls = {"all"};
    users_["reseller1"].acls = {"acct-summary", "create-acct", "list-accts"};
  }
  json::object call(std::string_view function, std::string_view query,
                    const std::string& user = "root") {
    FormParams params;
    params.add_encoded(query);
    return call_whm_function(users_, user, function, params, kNow);
  }
  static std::string reason(const json::object& envelope) {
    return std::string(envelope.at("metadata").at("reason").as_string());
  }
  static std::int64_t result(const json::object& envelope) {
    return envelope.at("metadata").at("result").as_int64();
  }
  UserTable users_;
};

TEST_F(FunctionsTest, CreateReturnsTheSecretOnceAndStoresOnlyItsHash) {
  const auto out =
      call("api_token_create",
           "token_name=fleetd-ro&acl-0=list-accts&acl-1=acct-summary&acl-2=list-accts"
           "&expires_at=1893456000&whitelist_ip-0=192.0.2.10&whitelist_ip-1=2001:db8::/48");
  EXPECT_EQ(json::serialize(out.at("metadata")),
            R"({"command":"api_token_create","reason":"OK","result":1,"version":1})");
  const auto& data = out.at("data").as_object();
  EXPECT_EQ(data.at("name"), "fleetd-ro");
  EXPECT_EQ(data.at("create_time"), kNow);
  EXPECT_EQ(data.at("expires_at"), 1893456000);
  EXPECT_EQ(json::serialize(data.at("acls")), R"(["acct-summary","list-accts"])");
  EXPECT_EQ(json::serialize(data.at("whitelist_ips")),
            R"(["192.0.2.10","2001:0db8:0000:0000:0000:0000:0000:0000/48"])");
  const std::string secret(data.at("token").as_string());
  EXPECT_TRUE(is_valid_secret(secret));
  const StoredToken& stored = users_["root"].tokens.at("fleetd-ro");
  EXPECT_EQ(stored.hash, sha512_hex(secret));
  EXPECT_EQ(json::serialize(out).find(stored.hash), std::string::npos);
}

TEST_F(FunctionsTest, CreateWithoutOptionalPartsIsFullAccessNeverExpiring) {
  const auto out = call("api_token_create", "token_name=plain&expires_at=0");
  const auto& data = out.at("data").as_object();
  EXPECT_TRUE(data.at("expires_at").is_null());
  EXPECT_FALSE(data.contains("acls"));
  EXPECT_FALSE(data.contains("whitelist_ips"));
  EXPECT_TRUE(users_["root"].tokens.at("plain").full_access());
}

TEST_F(FunctionsTest, CreateErrors) {
  call("api_token_create", "token_name=taken");
  const std::pair<const char*, std::string> cases[] = {
      {"", "The parameter \u201Ctoken_name\u201D is required."},
      {"token_name=", "The parameter \u201Ctoken_name\u201D is required."},
      {"token_name=bad%20name",
       "\u201Cbad name\u201D is not a valid API token name. An API token name must not be longer "
       "than 50 characters and may only contain the following characters: a-z A-Z 0-9 _ -"},
      {"token_name=taken",
       "A conflicting API token with the name \u201Ctaken\u201D already exists."},
      {"token_name=t&acl=nope", "Invalid or unauthorized ACL specified: nope"},
      {"token_name=t&expires_at=1000", "The \u201C1000\u201D value must be a future date."},
      {"token_name=t&whitelist_ip=192.0.2.9/29",
       "Invalid IP address or CIDR range specified: 192.0.2.9/29"},
      {"token_name=t&whitelist_ip=", "The \u201Cwhitelist_ip\u201D arguments cannot be empty."},
  };
  for (const auto& [query, detail] : cases) {
    const auto out = call("api_token_create", query);
    EXPECT_EQ(result(out), 0) << query;
    EXPECT_EQ(reason(out), std::string(kCreateFail) + detail) << query;
    EXPECT_EQ(json::serialize(out.at("data")), "{}");
  }
  EXPECT_EQ(users_["root"].tokens.size(), 1U);
}

TEST_F(FunctionsTest, ResellerCanGrantOnlyItsOwnAcls) {
  auto out =
      call("api_token_create", "token_name=r&acl=passwd&acl-1=all&acl-2=list-accts&acl-3=kill-acct",
           "reseller1");
  EXPECT_EQ(reason(out), std::string(kCreateFail) +
                             "Invalid or unauthorized ACLs specified: all, kill-acct, and passwd");
  out = call("api_token_create", "token_name=r&acl=list-accts", "reseller1");
  EXPECT_EQ(result(out), 1);
}

TEST_F(FunctionsTest, ListShowsAnAclMapOverEveryAclTheOwnerCouldHave) {
  call("api_token_create", "token_name=full");
  call("api_token_create", "token_name=all-acl&acl=all");
  call("api_token_create", "token_name=ro&acl=list-accts&whitelist_ip=192.0.2.0/24");
  users_["root"].tokens["old"] =
      StoredToken{"old", "h", 100, 200, Strings{"list-accts"}, std::nullopt};
  const auto out = call("api_token_list", "");
  EXPECT_EQ(result(out), 1);
  const auto& tokens = out.at("data").at("tokens").as_object();
  ASSERT_EQ(tokens.size(), 4U);
  for (const char* name : {"full", "all-acl"}) {
    const auto& acls = tokens.at(name).at("acls").as_object();
    EXPECT_EQ(acls.size(), 64U) << name;
    for (const auto& [acl, value] : acls) EXPECT_EQ(value, 1) << name << " " << acl;
  }
  const auto& ro = tokens.at("ro").as_object();
  EXPECT_EQ(ro.at("acls").as_object().size(), 64U);
  EXPECT_EQ(ro.at("acls").at("list-accts"), 1);
  EXPECT_EQ(ro.at("acls").at("all"), 0);
  EXPECT_EQ(json::serialize(ro.at("whitelist_ips")), R"(["192.0.2.0/24"])");
  EXPECT_TRUE(tokens.at("full").at("whitelist_ips").is_null());
  EXPECT_TRUE(tokens.at("full").at("expires_at").is_null());
  EXPECT_EQ(tokens.at("old").at("expires_at"), 200);  // expired tokens stay listed
  EXPECT_EQ(tokens.at("old").at("name"), "old");
}

TEST_F(FunctionsTest, ResellerListCoversOnlyItsOwnAcls) {
  call("api_token_create", "token_name=full", "reseller1");
  call("api_token_create", "token_name=ro&acl=list-accts", "reseller1");
  call("api_token_create", "token_name=root-only");  // root's, not listed for the reseller
  const auto out = call("api_token_list", "", "reseller1");
  const auto& tokens = out.at("data").at("tokens").as_object();
  ASSERT_EQ(tokens.size(), 2U);
  EXPECT_EQ(json::serialize(tokens.at("full").at("acls")),
            R"({"acct-summary":1,"create-acct":1,"list-accts":1})");
  EXPECT_EQ(json::serialize(tokens.at("ro").at("acls")),
            R"({"acct-summary":0,"create-acct":0,"list-accts":1})");
}

TEST_F(FunctionsTest, GetDetailsTakesTheSecret) {
  const auto created = call("api_token_create", "token_name=mine&acl=list-accts");
  const std::string secret(created.at("data").at("token").as_string());
  auto out = call("api_token_get_details", "token=" + secret);
  EXPECT_EQ(json::serialize(out.at("data")),
            R"({"acls":["list-accts"],"create_time":1750000000,"expires_at":null,"name":"mine"})");
  // Unknown: result 1 and no data at all.
  out = call("api_token_get_details", "token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(result(out), 1);
  EXPECT_FALSE(out.contains("data"));
  // Another user's token is unknown to this user.
  out = call("api_token_get_details", "token=" + secret, "reseller1");
  EXPECT_FALSE(out.contains("data"));
  // Expired: unknown too.
  users_["root"].tokens.at("mine").expires_at = kNow - 1;
  out = call("api_token_get_details", "token=" + secret);
  EXPECT_FALSE(out.contains("data"));
  out = call("api_token_get_details", "");
  EXPECT_EQ(result(out), 0);
}

TEST_F(FunctionsTest, UpdateKeepsOmittedPartsAndReplacesGivenOnes) {
  const auto created = call("api_token_create",
                            "token_name=t&acl=list-accts&acl-1=create-acct&expires_at=1893456000"
                            "&whitelist_ip=192.0.2.1");
  const std::string hash = users_["root"].tokens.at("t").hash;
  auto out = call("api_token_update", "token_name=t&new_name=t2");
  EXPECT_EQ(json::serialize(out.at("data")),
            R"({"acls":["create-acct","list-accts"],"create_time":1750000000,)"
            R"("expires_at":1893456000,"name":"t2","whitelist_ips":["192.0.2.1"]})");
  EXPECT_FALSE(users_["root"].tokens.contains("t"));
  EXPECT_EQ(users_["root"].tokens.at("t2").hash, hash);  // renaming is not rotation

  out = call("api_token_update", "token_name=t2&acl-5=suspend-acct&expires_at=0");
  EXPECT_EQ(json::serialize(out.at("data").at("acls")), R"(["suspend-acct"])");
  EXPECT_TRUE(out.at("data").at("expires_at").is_null());
  EXPECT_EQ(json::serialize(out.at("data").at("whitelist_ips")), R"(["192.0.2.1"])");

  out = call("api_token_update", "token_name=t2&whitelist_ip=any&acl=");
  EXPECT_FALSE(out.at("data").as_object().contains("whitelist_ips"));
  EXPECT_FALSE(out.at("data").as_object().contains("acls"));  // an empty ACL list: full access
  EXPECT_TRUE(users_["root"].tokens.at("t2").full_access());
  EXPECT_FALSE(out.at("data").as_object().contains("token"));
}

TEST_F(FunctionsTest, UpdateErrorsChangeNothing) {
  call("api_token_create", "token_name=a&acl=list-accts");
  call("api_token_create", "token_name=b");
  const StoredToken before = users_["root"].tokens.at("a");
  const std::pair<const char*, std::string> cases[] = {
      {"token_name=zz&new_name=y", "The API token \u201Czz\u201D does not exist."},
      {"token_name=a", "Specify a new name, updated ACLs, or IPs."},
      {"token_name=a&new_name=b", "An API token with the name \u201Cb\u201D already exists."},
      {"token_name=a&new_name=no!",
       "\u201Cno!\u201D is not a valid API token name. An API token "
       "name must not be longer than 50 characters and may only "
       "contain the following characters: a-z A-Z 0-9 _ -"},
      {"token_name=a&new_name=c&acl=nope&acl-1=zap",
       "Invalid or unauthorized ACLs specified: nope and zap"},
      {"token_name=a&new_name=c&expires_at=5", "The \u201C5\u201D value must be a future date."},
      {"token_name=a&new_name=c&whitelist_ip=1.2.3.4/8",
       "Invalid IP address or CIDR range specified: 1.2.3.4/8"},
  };
  for (const auto& [query, detail] : cases) {
    const auto out = call("api_token_update", query);
    EXPECT_EQ(result(out), 0) << query;
    EXPECT_EQ(reason(out), std::string(kUpdateFail) + detail) << query;
  }
  EXPECT_EQ(users_["root"].tokens.at("a"), before);
  EXPECT_EQ(users_["root"].tokens.size(), 2U);
}

TEST_F(FunctionsTest, RevokeSeveralAndUnknownNamesSucceed) {
  for (const char* name : {"a", "b", "c"})
    call("api_token_create", std::string("token_name=") + name);
  auto out = call("api_token_revoke", "token_name-1=a&token_name-2=c&token_name=nope");
  EXPECT_EQ(result(out), 1);
  EXPECT_EQ(json::serialize(out.at("data")), "{}");
  ASSERT_EQ(users_["root"].tokens.size(), 1U);
  EXPECT_TRUE(users_["root"].tokens.contains("b"));
  out = call("api_token_revoke", "token_name=never-existed");
  EXPECT_EQ(result(out), 1);
  out = call("api_token_revoke", "name=b");
  EXPECT_EQ(result(out), 0);
  EXPECT_EQ(reason(out),
            "The system failed to revoke the API token: Provide at least one "
            "\u201Ctoken_name\u201D argument.");
}

TEST_F(FunctionsTest, UnknownFunctionAndApi0) {
  const auto out = call("listaccts", "");
  EXPECT_EQ(result(out), 0);
  EXPECT_EQ(out.at("metadata").at("command"), "listaccts");
  EXPECT_EQ(
      api0_unknown_app_body("api_token_list"),
      R"({"status":0,"statusmsg":"Unknown app (api_token_list) requested for this version (0) of the API."})");
}

}  // namespace
}  // namespace tw::mock
