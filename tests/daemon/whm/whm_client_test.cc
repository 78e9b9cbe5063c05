// The WHM client against the mock fleet over real TLS: each function, each response shape as
// a real host sends it, typed failures, and the rules that keep a fleet safe (one request per
// call, no retry after 403, full state on update, secrets only where they belong).

#include "daemon/whm/whm_client.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <ctime>

#include "daemon/http/curl_multi_transport.h"
#include "tests/support/mock_whm/fleet.h"
#include "tests/support/temp_dir.h"

namespace tw::whm {
namespace {

namespace asio = boost::asio;
constexpr const char* kRootSecret = "CLIENTROOT0000000000000000000001";
constexpr const char* kResellerSecret = "CLIENTRESELLER000000000000000001";
constexpr std::int64_t kDay = 86'400;

mock::TokenSpec token(std::string name, std::optional<std::vector<std::string>> acls,
                      std::optional<std::int64_t> created, std::optional<std::int64_t> expires,
                      std::optional<std::vector<std::string>> whitelist = std::nullopt) {
  mock::TokenSpec spec;
  spec.name = std::move(name);
  spec.acls = std::move(acls);
  spec.create_time = created;
  spec.expires_at = expires;
  spec.whitelist = std::move(whitelist);
  return spec;
}

class WhmClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = static_cast<std::int64_t>(std::time(nullptr));
    mock::HostSpec host;
    host.name = "whm01";
    mock::UserSpec root;
    auto credential = token("tokenwarden", std::nullopt, now_ - 10 * kDay, std::nullopt);
    credential.secret = kRootSecret;
    root.tokens = {credential, token("old-full", std::nullopt, now_ - 400 * kDay, std::nullopt),
                   token("ci-deploy", std::vector<std::string>{"list-accts", "create-acct"},
                         now_ - 20 * kDay, now_ + 10 * kDay,
                         std::vector<std::string>{"192.0.2.0/24", "2001:db8::/32", "198.51.100.7"}),
                   token("expired", std::vector<std::string>{"list-accts"}, now_ - 100 * kDay,
                         now_ - 5 * kDay)};
    mock::UserSpec reseller;
    reseller.name = "reseller1";
    reseller.acls = {"acct-summary", "create-acct", "list-accts"};
    auto reseller_credential = token("tokenwarden", std::nullopt, now_ - kDay, std::nullopt);
    reseller_credential.secret = kResellerSecret;
    reseller.tokens = {
        reseller_credential,
        token("r-restricted", std::vector<std::string>{"list-accts"}, now_ - kDay, std::nullopt)};
    host.users = {root, reseller};
    mock::FleetSpec spec;
    spec.hosts.push_back(host);
    fleet_ = std::make_unique<mock::Fleet>(std::move(spec));
    fleet_->start();
    ca_file_ = (dir_ / "ca.pem").string();
    fleet_->write_ca_pem(ca_file_);
    transport_ = std::make_unique<http::CurlMultiTransport>(io_, http::TransportOptions{});
    client_ = std::make_unique<WhmClient>(
        *transport_, ClientOptions{std::chrono::milliseconds(2'000),
                                   std::chrono::milliseconds(3'000), 1U << 20U});
  }

  void TearDown() override {
    client_.reset();
    transport_.reset();
  }

  Target target(std::string user = "root", std::string secret = kRootSecret) {
    Target t;
    t.host = "whm01";
    t.base_url = "https://127.0.0.1:" + std::to_string(mock_host().port());
    t.user = std::move(user);
    t.token = config::Secret(std::move(secret));
    t.tls.ca_file = ca_file_;
    return t;
  }

  // Runs one client call to completion on the test's loop.
  template <typename T>
  T run(asio::awaitable<T> call) {
    std::optional<T> out;
    asio::co_spawn(io_, std::move(call), [&out](std::exception_ptr error, T value) {
      if (error) std::rethrow_exception(error);
      out.emplace(std::move(value));
    });
    io_.restart();
    io_.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  mock::Host& mock_host() { return fleet_->host("whm01"); }

  static const policy::Token& find(const TokenList& list, const std::string& name) {
    const auto it = std::ranges::find(list.tokens, name, &policy::Token::name);
    EXPECT_NE(it, list.tokens.end()) << name;
    return *it;
  }

  std::int64_t now_ = 0;
  tw::testing::TempDir dir_;
  std::unique_ptr<mock::Fleet> fleet_;
  std::string ca_file_;
  asio::io_context io_;
  std::unique_ptr<http::CurlMultiTransport> transport_;
  std::unique_ptr<WhmClient> client_;
};

TEST_F(WhmClientTest, ListsRootTokensInTheModel) {
  const auto list = run(client_->list_tokens(target()));
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  EXPECT_TRUE(list->rejected.empty());
  ASSERT_EQ(list->tokens.size(), 4U);

  const auto& old_full = find(*list, "old-full");
  EXPECT_TRUE(old_full.acls.full_access);
  EXPECT_TRUE(old_full.never_expires());
  EXPECT_FALSE(old_full.whitelist_ips.has_value());
  EXPECT_EQ(old_full.create_time, now_ - 400 * kDay);

  const auto& ci = find(*list, "ci-deploy");
  EXPECT_FALSE(ci.acls.full_access);
  EXPECT_EQ(ci.acls.names, (std::set<std::string>{"create-acct", "list-accts"}));
  EXPECT_EQ(ci.expires_at, now_ + 10 * kDay);
  // Normalised by the host: v4 first by address, /32 dropped, IPv6 fully expanded.
  EXPECT_EQ(ci.whitelist_ips,
            (std::vector<std::string>{"192.0.2.0/24", "198.51.100.7",
                                      "2001:0db8:0000:0000:0000:0000:0000:0000/32"}));

  const auto& expired = find(*list, "expired");
  EXPECT_TRUE(expired.expired_at(now_));  // expired tokens stay listed
}

TEST_F(WhmClientTest, ALargeListArrivesWhole) {
  // Hundreds of KB of JSON: many TLS records, well past the 16 KiB of one record.
  for (int i = 0; i < 300; ++i) {
    mock::TokenSpec spec;
    spec.name = "bulk-" + std::to_string(i);
    spec.acls = std::vector<std::string>{"list-accts"};
    (void)mock_host().add_token("root", spec);
  }
  const auto list = run(client_->list_tokens(target()));
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  EXPECT_EQ(list->tokens.size(), 304U);
  EXPECT_TRUE(list->rejected.empty());
}

TEST_F(WhmClientTest, ListsAResellersOwnTokensWithItsOwnCredential) {
  const auto list = run(client_->list_tokens(target("reseller1", kResellerSecret)));
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  ASSERT_EQ(list->tokens.size(), 2U);
  // The reseller's full-access token shows all of the reseller's ACLs as 1.
  EXPECT_TRUE(find(*list, "tokenwarden").acls.full_access);
  const auto& restricted = find(*list, "r-restricted");
  EXPECT_FALSE(restricted.acls.full_access);
  EXPECT_EQ(restricted.acls.names, std::set<std::string>{"list-accts"});
}

TEST_F(WhmClientTest, EveryCallSendsApiVersion1AndNoSecretInTheUrl) {
  ASSERT_TRUE(run(client_->list_tokens(target())).has_value());
  ASSERT_TRUE(run(client_->get_token_details(target(), config::Secret(kRootSecret))).has_value());
  const auto log = mock_host().request_log();
  ASSERT_EQ(log.size(), 2U);
  for (const auto& record : log) {
    const auto version = std::ranges::find(record.params, std::string("api.version"),
                                           &std::pair<std::string, std::string>::first);
    ASSERT_NE(version, record.params.end());
    EXPECT_EQ(version->second, "1");
  }
  EXPECT_EQ(log[0].method, "GET");
  EXPECT_EQ(log[1].method, "POST");  // get_details carries the secret: kept out of the URL
}

TEST_F(WhmClientTest, GetDetailsRecognisesOnlyTheCallersOwnLiveToken) {
  const auto mine = run(client_->get_token_details(target(), config::Secret(kRootSecret)));
  ASSERT_TRUE(mine.has_value()) << mine.error().describe();
  ASSERT_TRUE(mine->has_value());
  EXPECT_EQ((*mine)->name, "tokenwarden");
  EXPECT_TRUE((*mine)->acls.full_access);
  const auto unknown =
      run(client_->get_token_details(target(), config::Secret("NOTATOKEN0000000000000000000000Z")));
  ASSERT_TRUE(unknown.has_value()) << unknown.error().describe();
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(WhmClientTest, UpdateSendsTheFullIntendedState) {
  TokenUpdate update;
  update.token_name = "old-full";
  update.acls = {"list-accts", "acct-summary"};
  update.expires_at = now_ + 30 * kDay;
  update.whitelist_ips = std::vector<std::string>{"203.0.113.0/24", "2001:db8:1::/48"};
  const auto updated = run(client_->update_token(target(), update));
  ASSERT_TRUE(updated.has_value()) << updated.error().describe();
  EXPECT_EQ(updated->name, "old-full");
  EXPECT_FALSE(updated->acls.full_access);
  EXPECT_EQ(updated->acls.names, (std::set<std::string>{"acct-summary", "list-accts"}));
  EXPECT_EQ(updated->expires_at, now_ + 30 * kDay);

  const auto stored = mock_host().find_token("root", "old-full");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->acls, (std::vector<std::string>{"acct-summary", "list-accts"}));
  EXPECT_EQ(stored->expires_at, now_ + 30 * kDay);
  EXPECT_EQ(
      stored->whitelist_ips,
      (std::vector<std::string>{"203.0.113.0/24", "2001:0db8:0001:0000:0000:0000:0000:0000/48"}));
  const auto log = mock_host().request_log();
  ASSERT_EQ(log.size(), 1U);
  std::vector<std::string> keys;
  for (const auto& [key, value] : log[0].params) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"api.version", "token_name", "acl-0", "acl-1",
                                            "expires_at", "whitelist_ip-0", "whitelist_ip-1"}));
}

TEST_F(WhmClientTest, UpdateToNeverAndAnyIpSaysSoExplicitly) {
  TokenUpdate update;
  update.token_name = "ci-deploy";
  update.acls = {"list-accts"};
  const auto updated = run(client_->update_token(target(), update));
  ASSERT_TRUE(updated.has_value()) << updated.error().describe();
  EXPECT_TRUE(updated->never_expires());
  EXPECT_FALSE(updated->whitelist_ips.has_value());
  const auto stored = mock_host().find_token("root", "ci-deploy");
  EXPECT_FALSE(stored->expires_at.has_value());
  EXPECT_FALSE(stored->whitelist_ips.has_value());
  const auto log = mock_host().request_log();  // a copy: a reference into it would dangle
  ASSERT_FALSE(log.empty());
  const auto& params = log[0].params;
  EXPECT_NE(std::ranges::find(params, std::pair<std::string, std::string>{"expires_at", "0"}),
            params.end());
  EXPECT_NE(std::ranges::find(params, std::pair<std::string, std::string>{"whitelist_ip", "any"}),
            params.end());
}

TEST_F(WhmClientTest, UpdateWithoutAclsIsRefusedBeforeSending) {
  TokenUpdate update;
  update.token_name = "ci-deploy";
  const auto updated = run(client_->update_token(target(), update));
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(mock_host().counters().requests, 0U);
}

TEST_F(WhmClientTest, UpdateOfAnUnknownTokenIsAnApiError) {
  TokenUpdate update;
  update.token_name = "no-such-token";
  update.acls = {"list-accts"};
  const auto updated = run(client_->update_token(target(), update));
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().kind, WhmErrorKind::api);
  EXPECT_NE(updated.error().message.find("does not exist"), std::string::npos)
      << updated.error().message;
}

TEST_F(WhmClientTest, RevokeRemovesSeveralAndUnknownNamesSucceed) {
  const auto revoked =
      run(client_->revoke_tokens(target(), {"old-full", "expired", "never-existed"}));
  ASSERT_TRUE(revoked.has_value()) << revoked.error().describe();
  const auto list = run(client_->list_tokens(target()));
  ASSERT_TRUE(list.has_value());
  std::vector<std::string> names;
  for (const auto& t : list->tokens) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"ci-deploy", "tokenwarden"}));
  EXPECT_EQ(mock_host().calls("api_token_revoke"), 1U);
}

TEST_F(WhmClientTest, CreateReturnsTheSecretOnce) {
  NewToken spec;
  spec.name = "fresh";
  spec.acls = {"list-accts"};
  spec.expires_at = now_ + kDay;
  const auto created = run(client_->create_token(target(), spec));
  ASSERT_TRUE(created.has_value()) << created.error().describe();
  EXPECT_EQ(created->token.name, "fresh");
  EXPECT_EQ(created->secret.size(), 32U);
  const auto details = run(client_->get_token_details(target(), config::Secret(created->secret)));
  ASSERT_TRUE(details.has_value());
  ASSERT_TRUE(details->has_value());
  EXPECT_EQ((*details)->name, "fresh");
}

TEST_F(WhmClientTest, WrongCredentialIsAnAuthenticationErrorAndIsNotRetried) {
  const auto list = run(client_->list_tokens(target("root", "WRONG000000000000000000000000000")));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::authentication);
  EXPECT_EQ(list.error().http_status, 403);
  EXPECT_EQ(mock_host().counters().auth_failures, 1U);
  EXPECT_EQ(mock_host().counters().requests, 1U);
  EXPECT_EQ(list.error().describe().find("WRONG"), std::string::npos);
}

TEST_F(WhmClientTest, ResultZeroIsAnApiErrorWithTheReason) {
  mock::Fault fault;
  fault.kind = mock::FaultKind::kResultZero;
  fault.reason = "The system failed to read the API tokens: injected";
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::api);
  EXPECT_EQ(list.error().message, "The system failed to read the API tokens: injected");
}

TEST_F(WhmClientTest, NonJsonIsAProtocolError) {
  mock::Fault fault;
  fault.kind = mock::FaultKind::kNonJson;
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::protocol);
}

TEST_F(WhmClientTest, HostileTokenNamesAreRejectedAndEscaped) {
  mock::Fault fault;
  fault.kind = mock::FaultKind::kBody;
  fault.body = R"({"data":{"tokens":{
      "fine":{"name":"fine","create_time":1700000000,"expires_at":null},
      "evil\nname\u001b[2J":{"name":"evil\nname\u001b[2J","create_time":1700000000},
      "quote\"d":{"name":"quote\"d","create_time":1700000000},
      "spaced name":{"name":"spaced name","create_time":1700000000}}},
    "metadata":{"command":"api_token_list","reason":"OK","result":1,"version":1}})";
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  ASSERT_EQ(list->tokens.size(), 1U);
  EXPECT_EQ(list->tokens[0].name, "fine");
  ASSERT_EQ(list->rejected.size(), 3U);
  for (const auto& rejected : list->rejected) {
    EXPECT_EQ(rejected.name.find_first_of("\n\x1b"), std::string::npos) << rejected.name;
  }
  EXPECT_TRUE(std::ranges::any_of(
      list->rejected, [](const RejectedEntry& r) { return r.name == "evil\\nname\\x1b[2J"; }));
}

TEST_F(WhmClientTest, DeeplyNestedBodyIsAProtocolError) {
  mock::Fault fault;
  fault.kind = mock::FaultKind::kBody;
  // A valid API 1 envelope, 20 levels deep: over tokenwarden's limit of 16, under Boost.JSON's
  // own default of 32. The nesting sits in a token's ACLs.
  fault.body =
      R"({"data":{"tokens":{"a":{"name":"a","create_time":1700000000,"acls":)" +
      std::string(16, '[') + std::string(16, ']') +
      R"(}}},"metadata":{"command":"api_token_list","reason":"OK","result":1,"version":1}})";
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::protocol);
  EXPECT_NE(list.error().message.find("deep"), std::string::npos) << list.error().message;
}

// A host may echo the Authorization header (so the credential) in what it answers. No error
// message may carry it: messages reach the audit trail and stderr.
void expect_redacted(const std::string& message, const std::string& secret) {
  EXPECT_NE(message.find("<redacted>"), std::string::npos) << message;
  // Not the credential, nor any 6 bytes of it (a cut may leave a part of one).
  for (std::size_t at = 0; at + 6 <= secret.size(); ++at) {
    EXPECT_EQ(message.find(secret.substr(at, 6)), std::string::npos) << message;
  }
}

TEST_F(WhmClientTest, ACredentialInANonJsonBodyIsRedacted) {
  const std::string secret = kRootSecret;
  mock::Fault fault;
  fault.kind = mock::FaultKind::kBody;
  fault.body = "Bad request. Authorization: whm root:" + secret + " (denied)";
  fault.remaining = 1;
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::protocol);
  expect_redacted(list.error().describe(), secret);

  // The body is quoted cut short: a cut inside the credential leaves no part of it either.
  fault.body = std::string(45, '-') + secret + "--";
  mock_host().set_fault(fault);
  const auto cut = run(client_->list_tokens(target()));
  ASSERT_FALSE(cut.has_value());
  expect_redacted(cut.error().describe(), secret);
}

TEST_F(WhmClientTest, ACredentialInWhmsReasonIsRedacted) {
  const std::string secret = kRootSecret;
  mock::Fault fault;
  fault.kind = mock::FaultKind::kResultZero;
  fault.reason = "Invalid header \"Authorization: whm root:" + secret + "\" and again " + secret;
  fault.remaining = 1;
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::api);
  expect_redacted(list.error().message, secret);
  EXPECT_EQ(list.error().message,
            "Invalid header \"Authorization: whm root:<redacted>\" and again <redacted>");

  // get_token_details: the token asked about is a credential too.
  const std::string asked = "ASKEDABOUT0000000000000000000001";
  fault.reason = "no such token " + asked + " for root:" + secret;
  mock_host().set_fault(fault);
  const auto details = run(client_->get_token_details(target(), config::Secret(asked)));
  ASSERT_FALSE(details.has_value());
  expect_redacted(details.error().message, secret);
  expect_redacted(details.error().message, asked);
}

TEST_F(WhmClientTest, ACredentialInARejectedEntryIsRedacted) {
  const std::string secret = kRootSecret;
  mock::Fault fault;
  fault.kind = mock::FaultKind::kBody;
  fault.body = R"({"data":{"tokens":{"whm root:)" + secret + R"(":{"name":"whm root:)" + secret +
               R"(","create_time":1700000000}}},)" +
               R"("metadata":{"command":"api_token_list","reason":"OK","result":1,"version":1}})";
  fault.remaining = 1;
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_TRUE(list.has_value()) << list.error().describe();
  ASSERT_EQ(list->rejected.size(), 1U);
  expect_redacted(list->rejected[0].name + " " + list->rejected[0].reason, secret);
}

// Answers every request with one fixed transport error (the mock's HTTP error pages are fixed).
class FailingTransport : public http::Transport {
 public:
  FailingTransport(asio::io_context& io, http::Error error) : io_(io), error_(std::move(error)) {}
  void send(http::Request /*request*/, Handler handler) override {
    asio::post(io_, [handler = std::move(handler), error = error_]() mutable {
      std::move(handler)(http::Result(std::unexpected(error)));
    });
  }

 private:
  asio::io_context& io_;
  http::Error error_;
};

TEST_F(WhmClientTest, ACredentialInAnHttpErrorBodyIsRedacted) {
  const std::string secret = kRootSecret;
  for (const std::size_t padding : {0UL, 40UL, 60UL, 78UL}) {
    http::Error error;
    error.kind = http::ErrorKind::http_status;
    error.http_status = 500;
    error.detail = "HTTP 500";
    error.body = std::string(padding, '.') + "Authorization: whm root:" + secret + "\r\n";
    FailingTransport failing(io_, error);
    WhmClient client(failing, ClientOptions{});
    const auto list = run(client.list_tokens(target()));
    ASSERT_FALSE(list.has_value());
    EXPECT_EQ(list.error().kind, WhmErrorKind::transport);
    EXPECT_EQ(list.error().http_status, 500);
    if (padding + 24 < 80) {
      expect_redacted(list.error().describe(), secret);
    } else {
      for (std::size_t at = 0; at + 6 <= secret.size(); ++at) {
        EXPECT_EQ(list.error().describe().find(secret.substr(at, 6)), std::string::npos);
      }
    }
  }
}

TEST_F(WhmClientTest, ServerErrorIsATransportError) {
  mock::Fault fault;
  fault.kind = mock::FaultKind::kHttpStatus;
  fault.http_status = 502;
  mock_host().set_fault(fault);
  const auto list = run(client_->list_tokens(target()));
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().kind, WhmErrorKind::transport);
  EXPECT_EQ(list.error().transport_kind, http::ErrorKind::http_status);
  EXPECT_EQ(list.error().http_status, 502);
}

}  // namespace
}  // namespace tw::whm
