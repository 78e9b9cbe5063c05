#include "daemon/whm/response_parser.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/openapi/openapi_examples.h"

namespace tw::whm {
namespace {

std::string envelope(std::string_view function, std::string_view data, int result = 1,
                     std::string_view reason = "OK") {
  std::string out = "{";
  if (!data.empty()) out += "\"data\":" + std::string(data) + ",";
  out += R"("metadata":{"command":")" + std::string(function) + R"(","reason":")" +
         std::string(reason) + R"(","result":)" + std::to_string(result) + R"(,"version":1}})";
  return out;
}

// --- The shapes cPanel documents --------------------------------------------------------

TEST(ParseTokenList, ReadsTheOpenApiExample) {
  const auto body = boost::json::serialize(testing::openapi_example_response("api_token_list"));
  const auto list = parse_token_list(body);
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  ASSERT_EQ(list->tokens.size(), 2U);
  const auto& controller = list->tokens[0];
  EXPECT_EQ(controller.name, "my-controller-token");
  EXPECT_EQ(controller.create_time, 1483625276);
  EXPECT_EQ(controller.expires_at, 1609372800);
  EXPECT_FALSE(controller.acls.full_access);
  EXPECT_EQ(controller.acls.names,
            (std::set<std::string>{"limit-bandwidth", "list-accts", "suspend-acct"}));
  ASSERT_TRUE(controller.whitelist_ips.has_value());
  EXPECT_EQ(controller.whitelist_ips->at(3), "fc00:abcd:0000:0000:0000:0000:0000:000f");
  const auto& read_only = list->tokens[1];
  EXPECT_EQ(read_only.name, "my-read-only-token");
  EXPECT_TRUE(read_only.never_expires());
  EXPECT_EQ(read_only.acls.names, std::set<std::string>{"list-accts"});
  EXPECT_FALSE(read_only.whitelist_ips.has_value());
}

TEST(ParseTokenDetails, ReadsTheOpenApiExample) {
  const auto body =
      boost::json::serialize(testing::openapi_example_response("api_token_get_details"));
  const auto details = parse_token_details(body);
  ASSERT_TRUE(details.has_value()) << details.error().describe();
  ASSERT_TRUE(details->has_value());
  EXPECT_FALSE((*details)->acls.full_access);
  EXPECT_FALSE((*details)->acls.names.empty());
}

TEST(ParseUpdatedToken, ReadsTheOpenApiExample) {
  const auto body = boost::json::serialize(testing::openapi_example_response("api_token_update"));
  const auto token = parse_updated_token(body);
  ASSERT_TRUE(token.has_value()) << token.error().describe();
  EXPECT_TRUE(policy::is_valid_token_name(token->name));
}

TEST(ParseCreatedToken, ReadsTheOpenApiExample) {
  const auto body = boost::json::serialize(testing::openapi_example_response("api_token_create"));
  const auto created = parse_created_token(body);
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  EXPECT_EQ(created->secret.size(), 32U);
}

TEST(ParseRevoke, ReadsTheOpenApiExample) {
  const auto body = boost::json::serialize(testing::openapi_example_response("api_token_revoke"));
  EXPECT_TRUE(parse_revoke(body).has_value());
}

// --- Every spelling of "full access", "never" and "any IP" ------------------------------

TEST(ParseTokenList, FullAccessInEverySpelling) {
  const auto list = parse_token_list(envelope("api_token_list", R"({"tokens":{
    "all-ones":{"name":"all-ones","create_time":1,"acls":{"all":1,"list-accts":1,"passwd":1}},
    "all-key":{"name":"all-key","create_time":1,"acls":{"all":1,"list-accts":0}},
    "no-acls":{"name":"no-acls","create_time":1},
    "null-acls":{"name":"null-acls","create_time":1,"acls":null},
    "restricted":{"name":"restricted","create_time":1,"acls":{"all":0,"list-accts":1,"passwd":0}}
  }})"));
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  ASSERT_EQ(list->tokens.size(), 5U);
  for (const auto& token : list->tokens) {
    EXPECT_EQ(token.acls.full_access, token.name != "restricted") << token.name;
  }
}

TEST(ParseTokenDetails, AclArrayShapes) {
  const auto full = parse_token_details(envelope(
      "api_token_get_details", R"({"name":"t","create_time":5,"acls":["all","list-accts"]})"));
  ASSERT_TRUE(full.has_value());
  EXPECT_TRUE((*full)->acls.full_access);
  const auto absent =
      parse_token_details(envelope("api_token_get_details", R"({"name":"t","create_time":5})"));
  ASSERT_TRUE(absent.has_value());
  EXPECT_TRUE((*absent)->acls.full_access);
  const auto restricted = parse_token_details(envelope(
      "api_token_get_details", R"({"name":"t","create_time":5,"acls":["list-accts","ssl"]})"));
  ASSERT_TRUE(restricted.has_value());
  EXPECT_FALSE((*restricted)->acls.full_access);
  EXPECT_EQ((*restricted)->acls.names, (std::set<std::string>{"list-accts", "ssl"}));
}

TEST(ParseTokenList, NeverExpiresInEverySpelling) {
  const auto list = parse_token_list(envelope("api_token_list", R"({"tokens":{
    "a":{"name":"a","create_time":1,"expires_at":null},
    "b":{"name":"b","create_time":1,"expires_at":0},
    "c":{"name":"c","create_time":1},
    "d":{"name":"d","create_time":1,"expires_at":"0"},
    "e":{"name":"e","create_time":1,"expires_at":1700000000}
  }})"));
  ASSERT_TRUE(list.has_value());
  for (const auto& token : list->tokens) {
    EXPECT_EQ(token.never_expires(), token.name != "e") << token.name;
  }
}

TEST(ParseTokenList, AnyIpInEverySpelling) {
  const auto list = parse_token_list(envelope("api_token_list", R"({"tokens":{
    "a":{"name":"a","create_time":1,"whitelist_ips":null},
    "b":{"name":"b","create_time":1},
    "c":{"name":"c","create_time":1,"whitelist_ips":[]},
    "d":{"name":"d","create_time":1,"whitelist_ips":["any"]},
    "e":{"name":"e","create_time":1,"whitelist_ips":["192.0.2.1","2001:0db8:0000:0000:0000:0000:0000:0000/32"]}
  }})"));
  ASSERT_TRUE(list.has_value());
  for (const auto& token : list->tokens) {
    EXPECT_EQ(token.whitelist_ips.has_value(), token.name == "e") << token.name;
  }
  EXPECT_EQ(list->tokens.back().whitelist_ips->at(1), "2001:0db8:0000:0000:0000:0000:0000:0000/32");
}

TEST(ParseTokenList, NoTokensIsAnEmptyList) {
  for (const char* data : {R"({"tokens":{}})", R"({"tokens":null})", R"({})", ""}) {
    const auto list = parse_token_list(envelope("api_token_list", data));
    ASSERT_TRUE(list.has_value()) << data;
    EXPECT_TRUE(list->tokens.empty());
  }
}

TEST(ParseTokenDetails, UnrecognisedTokenIsNotAnError) {
  for (const char* data : {"", "{}", "null"}) {
    const auto details = parse_token_details(envelope("api_token_get_details", data));
    ASSERT_TRUE(details.has_value()) << data;
    EXPECT_FALSE(details->has_value());
  }
}

TEST(ParseRevoke, DataEmptyOrAbsent) {
  EXPECT_TRUE(parse_revoke(envelope("api_token_revoke", "")).has_value());
  EXPECT_TRUE(parse_revoke(envelope("api_token_revoke", "{}")).has_value());
}

// --- Failures ---------------------------------------------------------------------------

TEST(ParseEnvelope, ResultZeroCarriesTheReason) {
  const auto list = parse_token_list(envelope(
      "api_token_list", "{}", 0, "The system failed to read the API tokens: disk on fire"));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::api);
  EXPECT_EQ(list.error().message, "The system failed to read the API tokens: disk on fire");
}

TEST(ParseEnvelope, ResultZeroReasonIsEscaped) {
  const auto list = parse_token_list(envelope("api_token_list", "{}", 0, R"(bad\nline\u001b[31m)"));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().message, "bad\\nline\\x1b[31m");
}

TEST(ParseEnvelope, RefusesWhatIsNotAnApi1Envelope) {
  for (const char* body :
       {"<html>500</html>", "", "[]", "{}", R"({"data":{}})", R"({"metadata":{"result":7}})",
        R"({"metadata":{"reason":"OK"}})", R"({"metadata":"x"})", "\xff\xfe{}"}) {
    const auto list = parse_token_list(body);
    ASSERT_FALSE(list.has_value()) << body;
    EXPECT_EQ(list.error().kind, WhmErrorKind::protocol) << body;
  }
}

TEST(ParseEnvelope, CpanelResultBodyIsAnAuthenticationFailure) {
  const auto list = parse_token_list(
      R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}})");
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::authentication);
}

TEST(ParseEnvelope, AnswerForAnotherFunctionIsRefused) {
  const auto list = parse_token_list(envelope("api_token_revoke", R"({"tokens":{}})"));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::protocol);
}

// An api_token_list answer nested `depth` levels deep in all: the envelope, `data`, `tokens`
// and the entry are four levels; the rest are arrays nested in the entry's `field`.
std::string list_nested_to_depth(int depth, std::string_view field = "acls") {
  const auto arrays = static_cast<std::size_t>(depth - 4);
  return envelope("api_token_list", R"({"tokens":{"a":{"name":"a","create_time":1,")" +
                                        std::string(field) + "\":" + std::string(arrays, '[') +
                                        std::string(arrays, ']') + "}}}");
}

TEST(ParseEnvelope, NestingDeeperThanSixteenIsRefusedInAValidEnvelope) {
  static_assert(kMaxJsonDepth == 16);
  // Boost.JSON's own default limit is 32: these depths are refused by tokenwarden's limit.
  for (const int depth : {17, 20, 24, 31}) {
    SCOPED_TRACE(depth);
    const auto body = list_nested_to_depth(depth);
    ASSERT_TRUE(boost::json::parse(body).is_object());  // valid JSON, a valid envelope
    const auto list = parse_token_list(body);
    ASSERT_FALSE(list.has_value());
    EXPECT_EQ(list.error().kind, WhmErrorKind::protocol);
    EXPECT_NE(list.error().message.find("deep"), std::string::npos) << list.error().message;
  }
}

TEST(ParseEnvelope, NestingOfSixteenIsAcceptedStructurally) {
  // In an unknown key the entry is listed; in `acls` the list is read and the entry rejected
  // for its ACLs, not the whole answer for its depth.
  const auto listed = parse_token_list(list_nested_to_depth(16, "extra"));
  ASSERT_TRUE(listed.has_value()) << listed.error().describe();
  ASSERT_EQ(listed->tokens.size(), 1U);
  EXPECT_EQ(listed->tokens[0].name, "a");
  const auto rejected = parse_token_list(list_nested_to_depth(16));
  ASSERT_TRUE(rejected.has_value()) << rejected.error().describe();
  EXPECT_TRUE(rejected->tokens.empty());
  ASSERT_EQ(rejected->rejected.size(), 1U);
  EXPECT_EQ(rejected->rejected[0].name, "a");
}

TEST(ParseEnvelope, DeepNestingIsRefused) {
  std::string deep = R"({"tokens":{"a":{"name":"a","create_time":1,"acls":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}}}";
  const auto list = parse_token_list(envelope("api_token_list", deep));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::protocol);
}

TEST(ParseEnvelope, MetadataVersionOtherThanOneIsRefused) {
  for (const char* version : {"2", "0", "-1", "\"2\"", "\"1\"", "1.5", "null", "[1]"}) {
    SCOPED_TRACE(version);
    const std::string body =
        R"({"data":{"tokens":{}},"metadata":{"command":"api_token_list","reason":"OK","result":1,"version":)" +
        std::string(version) + "}}";
    const auto list = parse_token_list(body);
    ASSERT_FALSE(list.has_value());
    EXPECT_EQ(list.error().kind, WhmErrorKind::protocol);
    EXPECT_NE(list.error().message.find("version"), std::string::npos) << list.error().message;
  }
  // Version 1, or no version at all, is an API 1 envelope.
  EXPECT_TRUE(parse_token_list(envelope("api_token_list", R"({"tokens":{}})")).has_value());
  EXPECT_TRUE(
      parse_token_list(
          R"({"data":{"tokens":{}},"metadata":{"command":"api_token_list","reason":"OK","result":1}})")
          .has_value());
}

TEST(ParseTokenList, EpochsOutsideZeroToYear9999AreRejected) {
  // 253402300799 is 9999-12-31T23:59:59Z, the last second accepted.
  const auto list = parse_token_list(envelope("api_token_list", R"({"tokens":{
    "last-second":{"name":"last-second","create_time":1,"expires_at":253402300799},
    "last-second-text":{"name":"last-second-text","create_time":"253402300799"},
    "year-10000":{"name":"year-10000","create_time":1,"expires_at":253402300800},
    "year-10000-text":{"name":"year-10000-text","create_time":"253402300800"},
    "negative":{"name":"negative","create_time":-1},
    "negative-expiry":{"name":"negative-expiry","create_time":1,"expires_at":-86400},
    "negative-text":{"name":"negative-text","create_time":"-5"},
    "int64-max":{"name":"int64-max","create_time":9223372036854775807},
    "uint64-max":{"name":"uint64-max","create_time":1,"expires_at":18446744073709551615},
    "beyond-uint64":{"name":"beyond-uint64","create_time":99999999999999999999999},
    "huge-digits":{"name":"huge-digits","create_time":"99999999999999999999999999999999"},
    "huge-digits-expiry":{"name":"huge-digits-expiry","create_time":1,"expires_at":"1000000000000000000000"},
    "fraction":{"name":"fraction","create_time":1.5},
    "exponent":{"name":"exponent","create_time":1e10},
    "padded-text":{"name":"padded-text","create_time":" 1"},
    "plus-text":{"name":"plus-text","create_time":"+1"}
  }})"));
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  std::vector<std::string> accepted;
  for (const auto& token : list->tokens) accepted.push_back(token.name);
  EXPECT_EQ(accepted, (std::vector<std::string>{"last-second", "last-second-text"}));
  EXPECT_EQ(list->tokens[0].expires_at, 253'402'300'799);
  EXPECT_EQ(list->tokens[1].create_time, 253'402'300'799);
  EXPECT_EQ(list->rejected.size(), 14U);
  for (const auto& rejected : list->rejected) {
    EXPECT_NE(rejected.reason.find("epoch"), std::string::npos)
        << rejected.name << ": " << rejected.reason;
  }
}

TEST(ParseTokenDetails, AnEpochBeyondYear9999IsHostile) {
  const auto details = parse_token_details(
      envelope("api_token_get_details", R"({"name":"t","create_time":253402300800})"));
  ASSERT_FALSE(details.has_value());
  EXPECT_EQ(details.error().kind, WhmErrorKind::hostile);
}

TEST(ParseTokenList, HostileNamesAreRejectedAndEscaped) {
  const auto list = parse_token_list(envelope("api_token_list", R"({"tokens":{
    "good":{"name":"good","create_time":1},
    "evil\nname":{"name":"evil\nname","create_time":1},
    "quote\"d":{"name":"quote\"d","create_time":1},
    "x":{"name":"differs","create_time":1},
    "too-long-name-too-long-name-too-long-name-too-long-name":{"create_time":1},
    "bad-acl":{"name":"bad-acl","create_time":1,"acls":{"list accts;rm":1}},
    "bad-ip":{"name":"bad-ip","create_time":1,"whitelist_ips":["1.2.3.4; rm -rf"]},
    "no-time":{"name":"no-time"}
  }})"));
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->tokens.size(), 1U);
  EXPECT_EQ(list->tokens[0].name, "good");
  ASSERT_EQ(list->rejected.size(), 7U);
  for (const auto& rejected : list->rejected) {
    EXPECT_EQ(rejected.name.find('\n'), std::string::npos);
    EXPECT_FALSE(rejected.reason.empty());
  }
  const auto evil =
      std::ranges::find(list->rejected, std::string("evil\\nname"), &RejectedEntry::name);
  EXPECT_NE(evil, list->rejected.end());
}

TEST(ParseUpdatedToken, HostileNameIsAnError) {
  const auto token =
      parse_updated_token(envelope("api_token_update", R"({"name":"a b","create_time":1})"));
  ASSERT_FALSE(token.has_value());
  EXPECT_EQ(token.error().kind, WhmErrorKind::hostile);
}

TEST(ParseCreatedToken, MissingSecretIsAProtocolError) {
  const auto created =
      parse_created_token(envelope("api_token_create", R"({"name":"a","create_time":1})"));
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().kind, WhmErrorKind::protocol);
}

}  // namespace
}  // namespace tw::whm
