// The mock over real HTTPS: envelope, GET and POST, paths, authentication (403 body, expiry,
// whitelist), API 0, state changing with calls, inspection, limits.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/mock_whm/secrets.h"
#include "tests/support/mock_whm/test_fleet.h"
#include "tests/support/temp_dir.h"

namespace tw::mock::testing {
namespace {

namespace json = boost::json;
namespace http = boost::beast::http;

constexpr std::string_view kDenied =
    R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"}})";

class ApiTest : public FleetTest {
 protected:
  void SetUp() override { start_fleet(); }
};

TEST_F(ApiTest, ListOverGetHasTheApi1Envelope) {
  auto c = client();
  const auto r = call(*c, "api_token_list");
  ASSERT_TRUE(r.ok()) << r.error.message();
  EXPECT_EQ(r.status, 200U);
  EXPECT_EQ(r.content_type, "application/json");
  const auto body = r.json().as_object();
  EXPECT_EQ(json::serialize(body.at("metadata")),
            R"({"command":"api_token_list","reason":"OK","result":1,"version":1})");
  EXPECT_TRUE(body.at("data").at("tokens").as_object().contains("tokenwarden"));
  EXPECT_EQ(host().calls("api_token_list"), 1U);
}

TEST_F(ApiTest, PostFormBodyAndCpsessPathWork) {
  auto c = client();
  const auto r = c->post_form("/cpsess0123456789/json-api/api_token_create",
                              "api.version=1&token_name=viapost&acl-0=list-accts",
                              whm_auth("root", kRootSecret));
  ASSERT_TRUE(r.ok());
  const auto body = r.json();
  EXPECT_EQ(body.at("metadata").at("result"), 1);
  const std::string secret(body.at("data").at("token").as_string());
  // The new token authenticates, and the state shows it.
  const auto listed = call(*c, "api_token_list", "", secret.c_str());
  EXPECT_EQ(listed.status, 200U);
  const auto token = host().find_token("root", "viapost");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->hash, sha512_hex(secret));
  EXPECT_EQ(token->acls, std::vector<std::string>{"list-accts"});
}

TEST_F(ApiTest, ExpectContinueIsAnsweredAtOnce) {
  HttpsClientOptions options;
  options.expect_continue = true;
  auto c = client(0, options);
  const std::string acls = "&acl-1=list-accts&acl-2=create-acct&acl-3=acct-summary";
  const auto r =
      c->post_form("/json-api/api_token_create",
                   "api.version=1&token_name=big" + acls + "&padding=" + std::string(4000, 'p'),
                   whm_auth("root", kRootSecret));
  ASSERT_TRUE(r.ok()) << r.failed_step << ": " << r.error.message();
  EXPECT_EQ(r.interim_status, 100U);
  EXPECT_EQ(r.json().at("metadata").at("result"), 1);
  EXPECT_EQ(host().find_token("root", "big")->acls->size(), 3U);
}

TEST_F(ApiTest, BadCredentialsGet403WithTheCpanelresultBody) {
  auto c = client();
  const std::string cases[] = {
      whm_auth("root", "WRONG000000000000000000000000000"),
      whm_auth("nobody", kRootSecret),
      whm_auth("reseller1", kRootSecret),  // a token is checked against its own user only
      "whm root" + std::string(kRootSecret),
      "Bearer " + std::string(kRootSecret),
      "",
  };
  for (const auto& header : cases) {
    const auto r = c->get("/json-api/api_token_list?api.version=1", header);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.status, 403U) << header;
    EXPECT_EQ(r.body, kDenied);
  }
  EXPECT_EQ(host().counters().auth_failures, std::size(cases));
  // The scheme is case-insensitive; the password part may contain ':'.
  EXPECT_EQ(c->get("/json-api/api_token_list?api.version=1", "WHM root:" + std::string(kRootSecret))
                .status,
            200U);
  EXPECT_EQ(c->get("/json-api/api_token_list?api.version=1",
                   "whm root:" + std::string(kRootSecret) + ":x")
                .status,
            403U);
}

TEST_F(ApiTest, ExpiredTokensFailAuthenticationButStayListed) {
  TokenSpec expired = token_spec("old", "EXPIRED0000000000000000000000001");
  expired.expires_at = now_epoch() - 10;
  host().add_token("root", expired);
  auto c = client();
  EXPECT_EQ(call(*c, "api_token_list", "", "EXPIRED0000000000000000000000001").status, 403U);
  const auto listed = call(*c, "api_token_list").json();
  EXPECT_EQ(listed.at("data").at("tokens").at("old").at("expires_at"), *expired.expires_at);
}

TEST_F(ApiTest, WhitelistIsEnforcedAgainstThePeerAddress) {
  TokenSpec elsewhere = token_spec("elsewhere", "ELSEWHERE00000000000000000000001");
  elsewhere.whitelist = std::vector<std::string>{"192.0.2.0/24", "2001:db8::/32"};
  TokenSpec loopback = token_spec("loopback", "LOOPBACK000000000000000000000001");
  loopback.whitelist = std::vector<std::string>{"10.0.0.0/8", "127.0.0.0/8"};
  host().add_token("root", elsewhere);
  host().add_token("root", loopback);
  auto c = client();
  EXPECT_EQ(call(*c, "api_token_list", "", "ELSEWHERE00000000000000000000001").status, 403U);
  EXPECT_EQ(call(*c, "api_token_list", "", "LOOPBACK000000000000000000000001").status, 200U);
  // Clearing the whitelist with `any` lets the token in.
  EXPECT_EQ(call(*c, "api_token_update", "token_name=elsewhere&whitelist_ip=any")
                .json()
                .at("metadata")
                .at("result"),
            1);
  EXPECT_EQ(call(*c, "api_token_list", "", "ELSEWHERE00000000000000000000001").status, 200U);
}

TEST_F(ApiTest, WithoutApiVersion1TheLegacyDispatcherAnswers) {
  auto c = client();
  for (const char* target : {"/json-api/api_token_list", "/json-api/api_token_list?api.version=0",
                             "/json-api/api_token_list?api.version=2"}) {
    const auto r = c->get(target, whm_auth("root", kRootSecret));
    EXPECT_EQ(r.status, 200U);
    EXPECT_EQ(r.json().at("statusmsg"),
              "Unknown app (api_token_list) requested for this version (0) of the API.");
  }
}

TEST_F(ApiTest, ResellerSeesOnlyItsTokensWithItsAcls) {
  auto c = client();
  call(*c, "api_token_create", "token_name=root-ro&acl=list-accts");
  const auto r = call(*c, "api_token_list", "", kResellerSecret, "reseller1").json();
  const auto& tokens = r.at("data").at("tokens").as_object();
  ASSERT_EQ(tokens.size(), 1U);
  EXPECT_EQ(json::serialize(tokens.at("tokenwarden").at("acls")),
            R"({"acct-summary":1,"create-acct":1,"list-accts":1})");
  const auto refused =
      call(*c, "api_token_create", "token_name=x&acl=passwd", kResellerSecret, "reseller1").json();
  EXPECT_EQ(refused.at("metadata").at("reason"),
            "The system failed to create the API token: Invalid or unauthorized ACL specified: "
            "passwd");
}

TEST_F(ApiTest, RevokeUnknownSucceedsAndRevokeSeveralRemovesThem) {
  host().add_token("root", token_spec("a"));
  host().add_token("root", token_spec("b"));
  auto c = client();
  auto r = call(*c, "api_token_revoke", "token_name=a&token_name-7=b&token_name-9=ghost").json();
  EXPECT_EQ(r.at("metadata").at("result"), 1);
  EXPECT_FALSE(host().find_token("root", "a"));
  EXPECT_FALSE(host().find_token("root", "b"));
  EXPECT_TRUE(host().find_token("root", "tokenwarden"));
}

TEST_F(ApiTest, RequestLogHasParametersButNeverSecrets) {
  auto c = client();
  call(*c, "api_token_create", "token_name=logged&acl=list-accts");
  call(*c, "api_token_get_details", std::string("token=") + kRootSecret);
  c->get("/json-api/api_token_list?api.version=1", whm_auth("root", "BAD"));
  const auto log = host().request_log();
  ASSERT_EQ(log.size(), 3U);
  EXPECT_EQ(log[0].function, "api_token_create");
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[0].user, "root");
  EXPECT_EQ(log[0].http_status, 200U);
  EXPECT_EQ(log[0].result, 1);
  const std::vector<std::pair<std::string, std::string>> params = {
      {"api.version", "1"}, {"token_name", "logged"}, {"acl", "list-accts"}};
  EXPECT_EQ(log[0].params, params);
  EXPECT_EQ(log[1].params.back(), (std::pair<std::string, std::string>{"token", "<redacted>"}));
  EXPECT_EQ(log[2].http_status, 403U);
  EXPECT_FALSE(log[2].result.has_value());
  for (const auto& record : log) {
    for (const auto& [key, value] : record.params)
      EXPECT_EQ(value.find(kRootSecret), std::string::npos);
    EXPECT_EQ(record.user.find(kRootSecret), std::string::npos);
  }
  host().reset_counters();
  EXPECT_TRUE(host().request_log().empty());
  EXPECT_TRUE(host().call_counts().empty());
  EXPECT_EQ(host().counters().requests, 0U);
}

TEST_F(ApiTest, UnknownPathsMethodsAndOversizedBodies) {
  auto c = client();
  EXPECT_EQ(c->get("/execute/Tokens/list", whm_auth("root", kRootSecret)).status, 404U);
  EXPECT_EQ(c->request(http::verb::put, "/json-api/api_token_list?api.version=1", "", "",
                       whm_auth("root", kRootSecret))
                .status,
            405U);
  const std::string big(65 * 1024, 'a');
  const auto r = c->post_form("/json-api/api_token_list", "api.version=1&x=" + big,
                              whm_auth("root", kRootSecret));
  EXPECT_EQ(r.status, 413U);
  EXPECT_FALSE(c->connected());  // the mock closes after a 413
}

TEST_F(ApiTest, AddTokenRejectsBadInput) {
  EXPECT_THROW(host().add_token("ghost", token_spec("x")), std::invalid_argument);
  EXPECT_THROW(host().add_token("root", token_spec("tokenwarden")), std::invalid_argument);
  EXPECT_THROW(host().add_token("root", token_spec("bad name")), std::invalid_argument);
  EXPECT_THROW(host().add_token("root", token_spec("x", "lowercase")), std::invalid_argument);
  const std::string secret = host().add_token("root", token_spec("fresh"));
  EXPECT_TRUE(is_valid_secret(secret));
}

// What an on_api_call observer saw, copied on the I/O thread. Never the Authorization header
// itself: only whether it was the expected one.
struct ObservedCall {
  std::string host;
  std::string method;
  std::string function;
  std::vector<FormParams::Pair> params;
  bool root_credential = false;
  bool token_still_there = false;  // the token named `victim` when the observer ran
};

class ApiCallObserverTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetOptions options;
    options.on_api_call = [this](const std::string& host_name, const ApiCall& call) {
      ObservedCall seen{host_name,
                        call.method,
                        call.function,
                        call.params.pairs(),
                        call.authorization == whm_auth("root", kRootSecret),
                        fleet_->host(0).find_token("root", "victim").has_value()};
      const std::lock_guard lock(mu_);
      seen_.push_back(std::move(seen));
    };
    start_fleet(2, options);
    host(0).add_token("root", token_spec("victim"));
  }
  // The observer uses members destroyed before the base's fleet: stop the fleet first.
  void TearDown() override { fleet_->stop(); }
  std::vector<ObservedCall> seen() {
    const std::lock_guard lock(mu_);
    return seen_;
  }
  std::mutex mu_;
  std::vector<ObservedCall> seen_;
};

TEST_F(ApiCallObserverTest, SeesARevokeWithItsParamsBeforeItIsServed) {
  auto c = client(0);
  const auto r = c->post_form("/json-api/api_token_revoke", "api.version=1&token_name=victim",
                              whm_auth("root", kRootSecret));
  ASSERT_TRUE(r.ok()) << r.error.message();
  EXPECT_EQ(r.json().at("metadata").at("result"), 1);
  EXPECT_FALSE(host(0).find_token("root", "victim"));  // served after the observer

  const auto calls = seen();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].host, "h0");
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[0].function, "api_token_revoke");
  const std::vector<FormParams::Pair> params = {{"api.version", "1"}, {"token_name", "victim"}};
  EXPECT_EQ(calls[0].params, params);
  EXPECT_TRUE(calls[0].root_credential);
  EXPECT_TRUE(calls[0].token_still_there);  // the observer ran before the revoke took effect
}

TEST_F(ApiCallObserverTest, SeesEveryApiCallOfEveryHostFaultedAndRefusedOnesIncluded) {
  Fault fault;
  fault.kind = FaultKind::kHttpStatus;
  fault.http_status = 503;
  fault.functions = {"api_token_update"};
  host(1).set_fault(fault);
  auto c0 = client(0);
  auto c1 = client(1);
  EXPECT_EQ(call(*c1, "api_token_update", "token_name=tokenwarden&expires_at=0").status, 503U);
  EXPECT_EQ(call(*c0, "api_token_list", "", "WRONG").status, 403U);
  EXPECT_EQ(c0->get("/__mock/state", "").status, 200U);  // admin requests are not API calls
  EXPECT_EQ(c0->get("/json-api/nope", whm_auth("root", kRootSecret)).status, 200U);

  const auto calls = seen();
  ASSERT_EQ(calls.size(), 3U);
  EXPECT_EQ(calls[0].host, "h1");
  EXPECT_EQ(calls[0].function, "api_token_update");
  EXPECT_EQ(calls[0].method, "GET");
  EXPECT_EQ(calls[1].host, "h0");
  EXPECT_EQ(calls[1].function, "api_token_list");
  EXPECT_FALSE(calls[1].root_credential);
  EXPECT_EQ(calls[2].function, "nope");
  EXPECT_TRUE(calls[2].params.empty());
}

// Points $TOKENWARDEN_TEST_SECRETS_FILE at a file of the test's own for its lifetime; then
// restores the variable and hands what was exported on to the file it named (scripts/test.sh
// checks every test's output for those secrets).
class ExportedSecrets {
 public:
  ExportedSecrets() {
    if (const char* previous = std::getenv(kSecretsFileVariable)) previous_ = previous;
    setenv(kSecretsFileVariable, path().c_str(), 1);
  }
  ~ExportedSecrets() {
    if (previous_) {
      setenv(kSecretsFileVariable, previous_->c_str(), 1);
      for (const auto& secret : lines()) export_secret(secret);
    } else {
      unsetenv(kSecretsFileVariable);
    }
  }
  ExportedSecrets(const ExportedSecrets&) = delete;
  ExportedSecrets& operator=(const ExportedSecrets&) = delete;

  [[nodiscard]] std::string path() const { return (dir_ / "secrets.txt").string(); }
  [[nodiscard]] std::vector<std::string> lines() const {
    std::ifstream in(path());
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  tw::testing::TempDir dir_;
  std::optional<std::string> previous_;
};

class SecretsExportTest : public FleetTest {};

TEST_F(SecretsExportTest, EverySecretTheMockKnowsIsExportedWhenAsked) {
  const ExportedSecrets exported;
  FleetSpec spec;
  HostSpec host_spec = basic_host("h0");
  host_spec.users[0].tokens.push_back(token_spec("random-one"));  // a secret nobody sees
  spec.hosts.push_back(host_spec);
  fleet_ = std::make_unique<Fleet>(std::move(spec));
  fleet_->start();
  const std::string added = host().add_token("root", token_spec("added"));
  auto c = client();
  const auto created = call(*c, "api_token_create", "token_name=created");
  ASSERT_EQ(created.status, 200U);
  const std::string created_secret(created.json().at("data").at("token").as_string());

  const auto lines = exported.lines();
  const std::set<std::string> unique(lines.begin(), lines.end());
  EXPECT_TRUE(unique.contains(kRootSecret));
  EXPECT_TRUE(unique.contains(kResellerSecret));
  EXPECT_TRUE(unique.contains(added));
  EXPECT_TRUE(unique.contains(created_secret));
  // The fixture's two, the random one, the added one and the created one.
  EXPECT_GE(unique.size(), 5U);
  for (const auto& line : lines) EXPECT_TRUE(is_valid_secret(line)) << "a malformed line";
}

TEST(SecretsExport, NothingIsWrittenWithoutTheVariable) {
  const ExportedSecrets exported;
  unsetenv(kSecretsFileVariable);
  (void)generate_secret();
  export_secret("ROOT0000000000000000000000000001");
  EXPECT_FALSE(std::filesystem::exists(exported.path()));
  setenv(kSecretsFileVariable, exported.path().c_str(), 1);
}

TEST(SecretsExport, LinesFromManyThreadsNeverInterleave) {
  const ExportedSecrets exported;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 50; ++i) (void)generate_secret();
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = exported.lines();
  EXPECT_EQ(lines.size(), 200U);
  for (const auto& line : lines) EXPECT_TRUE(is_valid_secret(line)) << "a torn line";
}

}  // namespace
}  // namespace tw::mock::testing
